package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzNestedStacks scans a parent template whose nested stack names a
// child template (a local TemplateURL, or a CDK asset) with arbitrary bytes
// as the child, or as the parent around a fixed child: linking, value
// rewriting and every rule must not panic, and every position must lie in
// one of the two files.
func FuzzNestedStacks(f *testing.F) {
	parent := []byte(`AWSTemplateFormatVersion: "2010-09-09"
Resources:
  SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  Cluster:
    Type: Custom::AWSCDK-EKS-Cluster
    Properties: {Config: {name: fuzz, resourcesVpcConfig: {securityGroupIds: [!Ref SG]}}}
  Child:
    Type: AWS::CloudFormation::Stack
    Metadata: {aws:asset:path: child.json}
    Properties:
      TemplateURL: ./child.yaml
      Parameters: {ClusterName: !Ref Cluster, NodeSG: !Ref SG, CSG: !GetAtt Cluster.ClusterSecurityGroupId, Out: !GetAtt Child.Outputs.X}
  Back: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: !Ref SG, SourceSecurityGroupId: !GetAtt Child.Outputs.X, IpProtocol: "-1"}}
`)
	child := []byte(`Parameters: {ClusterName: {Type: String}, NodeSG: {Type: String}, CSG: {Type: String}, Out: {Type: String}}
Resources:
  NG:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: !Ref ClusterName, LaunchTemplate: {Id: !Ref LT}}
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {SecurityGroupIds: [!Ref NodeSG, !Ref CSG, !Ref Out]}}
Outputs: {X: {Value: !Ref Out}, Y: {Value: !Sub "${ClusterName}-${NodeSG}"}}
`)
	f.Add(child, false)
	f.Add(parent, true)
	for _, s := range fuzzSeeds(f) {
		if strings.Contains(s.path, "nested") || strings.Contains(s.path, "cdk") {
			f.Add(s.data, false)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, asParent bool) {
		dir := t.TempDir()
		p, c := parent, data
		if asParent {
			p, c = data, child
		}
		for name, b := range map[string][]byte{"parent.yaml": p, "child.yaml": c, "child.json": c} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rep := Run([]string{"."}, Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "0.0.0-fuzz"})
		ok := map[string]bool{"parent.yaml": true, "child.yaml": true, "child.json": true}
		for _, e := range rep.Errors {
			if strings.Contains(e.Message, "internal error") || !ok[e.Loc.File] {
				t.Fatalf("error %s: %s", e.Loc, e.Message)
			}
		}
		for _, n := range rep.Notifications {
			if strings.Contains(n.Message, "internal error") || (n.Loc.File != "" && !ok[n.Loc.File]) {
				t.Fatalf("notification %s: %s", n.Loc, n.Message)
			}
		}
		for _, fd := range rep.Findings {
			if !ok[fd.Loc.File] || fd.Loc.Line == 0 {
				t.Fatalf("finding at %s: %s", fd.Loc, fd.Message)
			}
		}
	})
}
