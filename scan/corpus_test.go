package scan

// Scans of the real public templates under testdata/corpus (see
// SOURCES.md and NOTES.md there). `go test -v -run Corpus ./scan/` shows
// every finding.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/report"
)

const corpusDir = "../testdata/corpus"

// corpusGolden is the multiset of (file, rule) pairs the CloudFormation
// corpus produces, one entry per finding, sorted. It is a regression
// golden list taken from running the tool: ANY change to it (a finding
// gained or lost) must be justified in the commit that makes it, by
// reading the template and the rule, not by pasting the new output.
var corpusGolden = []string{
	"amazon-eks-ami__amazon-eks-managed-nodegroup.pr941.yaml EKSSG026",
	// True: the nodes carry only NodeSecurityGroup, which admits the control
	// plane (ClusterControlPlaneSecurityGroup) on TCP 1025-65535 and nothing
	// else but itself; the template hands the group out nowhere (its only
	// Output is the role), so the control plane, defined elsewhere, cannot
	// carry it (RULES.md, "Groups a stack creates"): TCP 443 is blocked.
	"amazon-eks-ami__amazon-eks-nodegroup.2018-06-initial.yaml EKSSG023",
	"amazon-eks-ami__amazon-eks-nodegroup.2018-06-initial.yaml EKSSG026",
	"amazon-eks-ami__amazon-eks-nodegroup.2022-08-last.yaml EKSSG026",
	"amazon-eks-refarch-cloudformation__nodegroup.yaml EKSSG026",
	"aws-cloudformation-templates__EKS__template.json EKSSG001",
	"aws-cloudformation-templates__EKS__template.json EKSSG011",
	// True: the nodes carry ControlPlaneSecurityGroup, whose
	// ControlPlaneSecurityGroupIngress admits all traffic from itself, so
	// the control plane reaches every privileged node port.
	"aws-cloudformation-templates__EKS__template.json EKSSG024",
	"aws-cloudformation-templates__EKS__template.json EKSSG026",
	"aws-cloudformation-templates__EKS__template.yaml EKSSG001",
	"aws-cloudformation-templates__EKS__template.yaml EKSSG011",
	"aws-cloudformation-templates__EKS__template.yaml EKSSG024",
	"aws-cloudformation-templates__EKS__template.yaml EKSSG026",
	"checkov__EKSNodeGroupRemoteAccess-FAILED.yml EKSSG031",
	"eks-airgapped-cluster__eks-airgapped-node-group.yaml EKSSG026",
	"eks-workshop__amazon-eks-nodegroup-with-spot.yml EKSSG026",
	"eks-workshop__amazon-eks-nodegroup-with-spot.yml EKSSG026",
	"eks-workshop__amazon-eks-nodegroup-with-spot.yml EKSSG026",
	"eksctl__builder-testdata__launch_template-ssh_enabled.resources-fragment.json EKSSG031",
	"eksctl__builder-testdata__launch_template-ssh_enabled.resources-fragment.json EKSSG031",
	// True: the Auto Scaling group names its launch template
	// `!Sub ${AWS::StackName}`, the template's own LaunchTemplateName, and
	// that template puts the nodes in SG, whose inline ingress admits TCP 22
	// from 0.0.0.0/0 and from ::/0 (eksctl's SSH rules).
	"eksctl__cfn-template-testdata__nodegroup-example-1.json EKSSG031",
	"eksctl__cfn-template-testdata__nodegroup-example-1.json EKSSG031",
	"quickstart-amazon-eks__amazon-eks-nodegroup.2020-08.template.yaml EKSSG026",
	"quickstart-amazon-eks__aws-eks-nodegroup.2019-01.template.yaml EKSSG026",
}

// scanCorpus scans one folder of the corpus with output paths relative to
// it.
func scanCorpus(t testing.TB, sub string) (*report.Report, string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(corpusDir, sub))
	if err != nil {
		t.Fatal(err)
	}
	return Run([]string{dir}, Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"}), dir
}

// checkNoInternalErrors fails on a parser or rule panic, which the driver
// turns into a file error or an error notification.
func checkNoInternalErrors(t *testing.T, rep *report.Report) {
	t.Helper()
	for _, e := range rep.Errors {
		if strings.Contains(e.Message, "internal error") {
			t.Errorf("%s: %s", e.Loc, e.Message)
		}
	}
	for _, n := range rep.Notifications {
		if strings.Contains(n.Message, "internal error") || n.Level == "error" {
			t.Errorf("%s: %s: [%s] %s", n.Loc, n.Level, n.Rule, n.Message)
		}
	}
}

func TestCorpusCloudFormation(t *testing.T) {
	rep, dir := scanCorpus(t, "cloudformation")
	checkNoInternalErrors(t, rep)
	for _, e := range rep.Errors {
		t.Errorf("file error: %s: %s", e.Loc, e.Message)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if !e.IsDir() {
			want = append(want, e.Name())
		}
	}
	if len(want) != 28 {
		t.Errorf("corpus has %d files, SOURCES.md lists 28", len(want))
	}
	got := append([]string(nil), rep.Files...)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("files scanned:\n%s\nwant every file of the folder:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := rep.Summarize(); s.FilesScanned != len(want) || s.FileErrors != 0 {
		t.Errorf("summary: %+v", s)
	}

	var pairs []string
	for _, f := range rep.Findings {
		t.Logf("%s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
		pairs = append(pairs, f.Loc.File+" "+f.RuleID)
	}
	for _, n := range rep.Notifications {
		rule := ""
		if n.Rule != "" {
			rule = "[" + n.Rule + "] "
		}
		t.Logf("notification %s: %s: %s%s", n.Loc, n.Level, rule, n.Message)
	}
	sort.Strings(pairs)
	if diff := multisetDiff(pairs, corpusGolden); diff != "" {
		t.Errorf("findings on the CloudFormation corpus changed (justify every line, then update corpusGolden):\n%s", diff)
	}
}

// multisetDiff lists entries of got missing from want ("+") and of want
// missing from got ("-"), with multiplicity.
func multisetDiff(got, want []string) string {
	count := map[string]int{}
	for _, g := range got {
		count[g]++
	}
	for _, w := range want {
		count[w]--
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		switch n := count[k]; {
		case n > 0:
			fmt.Fprintf(&b, "+ %s (%d more than the golden list)\n", k, n)
		case n < 0:
			fmt.Fprintf(&b, "- %s (%d fewer than the golden list)\n", k, -n)
		}
	}
	return b.String()
}

// eksctl ClusterConfig files and AWS CLI describe-* JSON are not parsed
// yet: walking skips them silently. The deliberately broken files
// (INVALID, trailing-comma, TEMPLATED) may be errors or skips; only log
// them for now.
func TestCorpusOtherFormats(t *testing.T) {
	for _, sub := range []string{"eksctl", "sg-json"} {
		t.Run(sub, func(t *testing.T) {
			rep, _ := scanCorpus(t, sub)
			checkNoInternalErrors(t, rep)
			for _, e := range rep.Errors {
				t.Logf("file error: %s: %s", e.Loc, e.Message)
				if !brokenOnPurpose(e.Loc.File) {
					t.Errorf("file error on a well-formed file: %s: %s", e.Loc, e.Message)
				}
			}
			for _, f := range rep.Findings {
				t.Logf("finding %s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
			}
			for _, n := range rep.Notifications {
				t.Logf("notification %s: %s: [%s] %s", n.Loc, n.Level, n.Rule, n.Message)
			}
			t.Logf("%s: %s", sub, report.SummaryLine(rep.Summarize()))
		})
	}
}

func brokenOnPurpose(name string) bool {
	for _, s := range []string{".INVALID.", ".trailing-comma.", ".TEMPLATED."} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}
