package analyzer_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// Finding identity (RULES.md): the fingerprint is rule, file and the
// objects; never line, message or what else was scanned. Code scanning
// closes and reopens alerts whose fingerprint changes, and pre-commit
// (staged files) and the Action (whole repository) must agree.

// scanFiles writes files (name -> content) into a fresh folder and scans
// the named ones.
func scanFiles(t *testing.T, files map[string]string, scanned ...string) []analyzer.Finding {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	for _, name := range scanned {
		paths = append(paths, filepath.Join(dir, name))
	}
	rep := scan.Run(paths, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"})
	for _, e := range rep.Errors {
		t.Fatalf("%s: %s", e.Loc, e.Message)
	}
	return rep.Findings
}

// byFingerprint maps fingerprints to messages, failing on a repeat (two
// findings sharing a fingerprint would be one alert).
func byFingerprint(t *testing.T, fs []analyzer.Finding, file string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range fs {
		if file != "" && f.Loc.File != file {
			continue
		}
		fp := f.Fingerprint()
		if _, dup := out[fp]; dup {
			t.Errorf("two findings share fingerprint %s: %q and %s %q", fp, out[fp], f.RuleID, f.Message)
		}
		out[fp] = f.RuleID + " " + f.Message
	}
	return out
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestFingerprintSurvivesMovedLines: every single-file fixture, scanned
// as is and with every line moved down, gives the same fingerprints.
func TestFingerprintSurvivesMovedLines(t *testing.T) {
	var units []string
	for _, pattern := range []string{fixtures + "/*/*.yaml", fixtures + "/*/*.json", "../testdata/examples/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		units = append(units, m...)
	}
	checked := 0
	for _, unit := range units {
		body := readFixture(t, unit)
		name := "t" + filepath.Ext(unit)
		before := scanFiles(t, map[string]string{name: body}, name)
		after := scanFiles(t, map[string]string{name: "\n\n\n" + body}, name)
		if len(before) == 0 {
			continue
		}
		checked++
		a, b := byFingerprint(t, before, ""), byFingerprint(t, after, "")
		for fp, msg := range a {
			if _, ok := b[fp]; !ok {
				t.Errorf("%s: fingerprint of %q changed when every line moved down 3 lines", unit, msg)
			}
		}
		if len(a) != len(b) {
			t.Errorf("%s: %d findings before, %d after moving lines", unit, len(a), len(b))
		}
		for i := range before {
			if i < len(after) && after[i].Loc.Line != before[i].Loc.Line+3 {
				t.Errorf("%s: finding moved from line %d to %d, want +3", unit, before[i].Loc.Line, after[i].Loc.Line)
				break
			}
		}
	}
	if checked < 30 {
		t.Errorf("only %d fixtures with findings checked", checked)
	}
}

// nodeGroupTemplate is a cluster with one managed node group on a node
// group that opens SSH to the world, carries a second cluster tag and
// admits privileged ports from the control plane: findings that name or
// gather node groups.
const nodeGroupTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ControlPlaneSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: control plane
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: prod
      RoleArn: arn:aws:iam::123456789012:role/eks
      ResourcesVpcConfig:
        SubnetIds: [subnet-0123456789abcdef0]
        SecurityGroupIds: [!Ref ControlPlaneSecurityGroup]
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
      Tags:
        - {Key: kubernetes.io/cluster/prod, Value: shared}
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: tcp, FromPort: 0, ToPort: 65535, SourceSecurityGroupId: !Ref ControlPlaneSecurityGroup}
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.0.0.0/8}
  NodeLaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: [!Ref NodeSecurityGroup]
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::123456789012:role/node
      Subnets: [subnet-0123456789abcdef0]
      LaunchTemplate: {Id: !Ref NodeLaunchTemplate}
`

const secondNodeGroup = `  MoreNodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::123456789012:role/node
      Subnets: [subnet-0123456789abcdef0]
      LaunchTemplate: {Id: !Ref NodeLaunchTemplate}
`

// TestFingerprintSurvivesAddedNodeGroup: a node group added to the same
// cluster on the same groups changes neither the fingerprints nor the
// messages of the findings that were there (it may add its own).
func TestFingerprintSurvivesAddedNodeGroup(t *testing.T) {
	const eksctlConfig = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: dev, region: eu-west-1}
nodeGroups:
  - name: ng-1
    ssh: {allow: true}
`
	for _, tc := range []struct{ name, before, after string }{
		{"t.yaml", nodeGroupTemplate, nodeGroupTemplate + secondNodeGroup},
		{"eksctl.yaml", eksctlConfig, eksctlConfig + "  - name: ng-2\n    ssh: {allow: true}\n"},
	} {
		before := byFingerprint(t, scanFiles(t, map[string]string{tc.name: tc.before}, tc.name), "")
		after := byFingerprint(t, scanFiles(t, map[string]string{tc.name: tc.after}, tc.name), "")
		if len(before) < 2 {
			t.Fatalf("%s: %d findings, want several to compare", tc.name, len(before))
		}
		rules := map[string]bool{}
		for fp, msg := range before {
			rules[strings.Fields(msg)[0]] = true
			got, ok := after[fp]
			switch {
			case !ok:
				t.Errorf("%s: fingerprint of %q changed when a node group was added", tc.name, msg)
			case got != msg:
				t.Errorf("%s: message changed when a node group was added:\n  %s\n  %s", tc.name, msg, got)
			}
		}
		t.Logf("%s: rules compared: %v", tc.name, sortedKeys(rules))
	}
}

// TestFingerprintSameAloneAndBesideOthers: a template scanned alone (as
// pre-commit does) and beside another template that reuses its logical IDs
// (as the Action scanning the repository does) gives the same
// fingerprints and messages for its findings.
func TestFingerprintSameAloneAndBesideOthers(t *testing.T) {
	other := strings.ReplaceAll(nodeGroupTemplate, "prod", "staging")
	files := map[string]string{"a.yaml": nodeGroupTemplate, "b.yaml": other}
	alone := byFingerprint(t, scanFiles(t, files, "a.yaml"), "a.yaml")
	together := byFingerprint(t, scanFiles(t, files, "a.yaml", "b.yaml"), "a.yaml")
	if len(alone) < 3 {
		t.Fatalf("%d findings alone, want several", len(alone))
	}
	for fp, msg := range alone {
		got, ok := together[fp]
		switch {
		case !ok:
			t.Errorf("fingerprint of %q differs between the file alone and beside b.yaml", msg)
		case got != msg:
			t.Errorf("message differs between the file alone and beside b.yaml:\n  %s\n  %s", msg, got)
		}
	}
	if len(together) != len(alone) {
		t.Errorf("%d findings in a.yaml alone, %d beside b.yaml", len(alone), len(together))
	}
}

// TestEveryFindingHasAnIdentity: every rule sets the objects its findings
// are about (else Fingerprint falls back to the message).
func TestEveryFindingHasAnIdentity(t *testing.T) {
	n := 0
	for _, unit := range []string{fixtures, "../testdata/examples"} {
		rep := scan.Run([]string{unit}, scan.Options{ToolName: "eks-sg-lint", Version: "test"})
		n += len(rep.Findings)
		for _, f := range rep.Findings {
			if len(f.Identity) == 0 {
				t.Errorf("%s: %s finding without identity: %s", f.Loc, f.RuleID, f.Message)
			}
		}
	}
	if n < 100 {
		t.Errorf("%d findings in the fixtures, want over 100", n)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSecuritySeverityAgreesWithLevel: code scanning sorts by
// security-severity, so a warning must never score above an error, nor a
// note above a warning: each rule's score lies in its level's band.
func TestSecuritySeverityAgreesWithLevel(t *testing.T) {
	for _, a := range analyzer.All() {
		score, err := strconv.ParseFloat(a.SecuritySeverity, 64)
		if err != nil {
			t.Errorf("%s: security-severity %q is not a number", a.ID, a.SecuritySeverity)
			continue
		}
		low, high := analyzer.SeverityBand(a.Level)
		if score < low || score > high {
			t.Errorf("%s: level %s with security-severity %s, want %.1f-%.1f", a.ID, a.Level, a.SecuritySeverity, low, high)
		}
	}
}
