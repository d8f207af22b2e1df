package awsjson_test

// End-to-end tests: files through parsers.Parse (format dispatch, the yaml
// loader), graph.Merge and scan.Run, including the real CLI outputs in
// testdata/corpus/sg-json.

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

const corpus = "../../testdata/corpus/sg-json"

// corpusWant is what each file of the corpus gives: its kind and the
// number of groups, rules (one per peer), tags and clusters. The counts
// were taken independently of the parser (a Python count of the peers of
// every permission).
var corpusWant = map[string]struct {
	groups, rules, tags, clusters int
}{
	"aws-cli__eks-describe-cluster__2018.json":                                                       {0, 0, 0, 1},
	"aws-cli__eks-describe-cluster__2024.json":                                                       {1, 0, 1, 1}, // + its cluster SG, not Defined
	"cloud-custodian__test_eks_network_location_filter__ec2.DescribeSecurityGroups_1.placebo.json":   {1, 1, 1, 0},
	"cloud-custodian__test_eks_network_location_filter__eks.DescribeCluster_1.placebo.json":          {1, 0, 1, 1},
	"cloud-custodian__test_eks_query__ec2.DescribeSecurityGroups_1.placebo.json":                     {1, 2, 2, 0},
	"cloud-custodian__test_eks_query__eks.DescribeCluster_1.placebo.json":                            {0, 0, 0, 1},
	"cloud-custodian__test_lambda_add_security_group__ec2.DescribeSecurityGroups_1.placebo.json":     {3, 8, 0, 0},
	"cloud-custodian__test_only_ports_and_cidr_ingress__ec2.DescribeSecurityGroups_1.placebo.json":   {19, 43, 1, 0},
	"cloud-custodian__test_security_group_self_reference__ec2.DescribeSecurityGroups_2.placebo.json": {42, 81, 11, 0},
	"cloudmapper__demo-us-east-1__ec2-describe-security-groups.json":                                 {8, 19, 0, 0},
	"eks-workshop-v2__sg-for-pods-add-sg__describe-security-groups.json":                             {1, 2, 0, 0},
	"eks-workshop-v2__sg-for-pods-using-rds__describe-security-groups.json":                          {1, 1, 1, 0},
}

// The aws-cli documentation's own describe-security-groups examples end an
// object with a trailing comma: invalid JSON, reported at the brace after it.
var trailingComma = map[string]int{
	"aws-cli__ec2-describe-security-groups__2019-ec2-classic.trailing-comma.json": 23,
	"aws-cli__ec2-describe-security-groups__ex1-vpc.trailing-comma.json":          53,
}

func TestCorpusFiles(t *testing.T) {
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(corpusWant)+len(trailingComma) {
		t.Errorf("%d files in %s, the test knows %d", len(entries), corpus, len(corpusWant)+len(trailingComma))
	}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpus, name))
			if err != nil {
				t.Fatal(err)
			}
			res, err := parsers.Parse(name, data, parsers.Options{})
			if line, ok := trailingComma[name]; ok {
				var fe *parsers.FileError
				if !errors.As(err, &fe) || fe.Line != line || !strings.Contains(fe.Msg, "invalid JSON") {
					t.Fatalf("want an invalid-JSON error at line %d, got %v", line, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			want, ok := corpusWant[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			if res.Format != "aws-cli-json" || len(res.Docs) != 1 {
				t.Fatalf("format %q, %d documents", res.Format, len(res.Docs))
			}
			d := res.Docs[0]
			rules, tags := len(d.Rules), 0
			for _, sg := range d.SGs {
				rules += len(sg.Rules)
				tags += len(sg.Tags)
				if sg.Defined && (sg.TagsOpen || sg.RulesOpen) {
					t.Errorf("%s: a well-formed dump leaves nothing open", sg.Name)
				}
				for _, r := range sg.Rules {
					if r.Protocol == graph.ProtoUnknown || !r.PortsKnown || r.Peer.Kind == graph.PeerUnknown {
						t.Errorf("%s: unreadable rule %+v", sg.Name, *r)
					}
					if r.Loc.Line == 0 {
						t.Errorf("%s: rule without a line", sg.Name)
					}
				}
			}
			if got := len(d.SGs); got != want.groups || rules != want.rules || tags != want.tags || len(d.Clusters) != want.clusters {
				t.Errorf("groups %d rules %d tags %d clusters %d, want %+v", got, rules, tags, len(d.Clusters), want)
			}
			for _, n := range res.Notes {
				t.Errorf("unexpected loader note: %+v", n)
			}
			for _, n := range d.Notifications {
				t.Errorf("unexpected note: %+v", n)
			}
		})
	}
}

// TestCorpusScan scans the folder as one unit: the two trailing-comma files
// are file errors with their lines, the rest is read, and the only finding
// is real: cloud-custodian's eks_query recording describes cluster "dev"
// (version 1.10, so no cluster SG) with control-plane group sg-b796a2c0,
// and its describe-security-groups recording shows that group admitting
// TCP 22 from 0.0.0.0/0 (RULES.md EKSSG030).
func TestCorpusScan(t *testing.T) {
	dir, err := filepath.Abs(corpus)
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run([]string{dir}, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"})
	var errs []string
	for _, e := range rep.Errors {
		errs = append(errs, e.Loc.File+":"+strconv.Itoa(e.Loc.Line))
	}
	sort.Strings(errs)
	want := []string{
		"aws-cli__ec2-describe-security-groups__2019-ec2-classic.trailing-comma.json:23",
		"aws-cli__ec2-describe-security-groups__ex1-vpc.trailing-comma.json:53",
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("file errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	if len(rep.Files) != 14 {
		t.Errorf("%d files scanned, want 14", len(rep.Files))
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Loc.File+":"+strconv.Itoa(f.Loc.Line)+" "+f.RuleID)
		t.Logf("%s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
	}
	wantFindings := []string{"cloud-custodian__test_eks_query__ec2.DescribeSecurityGroups_1.placebo.json:35 EKSSG030"}
	if strings.Join(got, "\n") != strings.Join(wantFindings, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantFindings, "\n"))
	}
	for _, n := range rep.Notifications {
		if n.Level == "error" || strings.Contains(n.Message, "internal error") {
			t.Errorf("%s: %s", n.Loc, n.Message)
		}
	}
}

func TestTrailingCommaThroughScan(t *testing.T) {
	for name, line := range trailingComma {
		path, _ := filepath.Abs(filepath.Join(corpus, name))
		rep := scan.Run([]string{path}, scan.Options{WorkDir: filepath.Dir(path)})
		if len(rep.Errors) != 1 || rep.Errors[0].Loc.Line != line || rep.Errors[0].Loc.File != name ||
			!strings.Contains(rep.Errors[0].Message, "invalid JSON") {
			t.Errorf("%s: errors %+v, want invalid JSON at line %d", name, rep.Errors, line)
		}
	}
}

// writeScan writes files into a fresh folder and scans it.
func writeScan(t *testing.T, files map[string]string) *report.Report {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := scan.Run([]string{dir}, scan.Options{WorkDir: dir})
	for _, e := range rep.Errors {
		t.Errorf("file error %s: %s", e.Loc, e.Message)
	}
	return rep
}

func findings(rep *report.Report, rule string) []string {
	var out []string
	for _, f := range rep.Findings {
		if f.RuleID == rule {
			out = append(out, f.Loc.String()+" "+f.Message)
		}
	}
	return out
}

// A structurally wrong document is a positioned file error, through the
// dispatcher's Position/Message convention.
func TestStructuralErrorThroughScan(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sgs.json")
	if err := os.WriteFile(path, []byte("{\n  \"SecurityGroups\": {\"GroupId\": \"sg-1\"}\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := scan.Run([]string{path}, scan.Options{WorkDir: dir})
	if len(rep.Errors) != 1 || rep.Errors[0].Loc.Line != 2 || rep.Errors[0].Loc.Column != 21 ||
		!strings.HasPrefix(rep.Errors[0].Message, "SecurityGroups must be a list") {
		t.Errorf("errors: %+v", rep.Errors)
	}
}

const clusterProd = `{"cluster": {"name": "prod", "version": "1.31", "resourcesVpcConfig": {
  "securityGroupIds": ["sg-cp"], "clusterSecurityGroupId": "sg-csg",
  "endpointPublicAccess": true, "endpointPrivateAccess": false}}}`

// A node group that knows its cluster only by name resolves to the cluster
// SG whose ID describe-cluster gives.
func TestNodegroupResolvesClusterSG(t *testing.T) {
	for _, files := range []map[string]string{
		{"a-cluster.json": clusterProd, "b-nodegroup.json": `{"nodegroup": {"nodegroupName": "ng", "clusterName": "prod"}}`},
		{"b-cluster.json": clusterProd, "a-nodegroup.json": `{"nodegroup": {"nodegroupName": "ng", "clusterName": "prod"}}`},
		// No describe-cluster: the cluster SG is recognised by its tag.
		{"a-sgs.json": `{"SecurityGroups": [{"GroupId": "sg-csg", "IpPermissions": [], "IpPermissionsEgress": [],
  "Tags": [{"Key": "aws:eks:cluster-name", "Value": "prod"}, {"Key": "kubernetes.io/cluster/prod", "Value": "owned"}]}]}`,
			"b-nodegroup.json": `{"nodegroup": {"nodegroupName": "ng", "clusterName": "prod"}}`},
	} {
		var docs []*graph.Document
		var names []string
		for name := range files {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			res, err := parsers.Parse(name, []byte(files[name]), parsers.Options{})
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, res.Docs...)
		}
		g := graph.Merge(docs)
		if len(g.NodeGroups) != 1 || len(g.NodeGroups[0].SGs) != 1 || g.NodeGroups[0].SGs[0].SG != "sg-csg" {
			t.Fatalf("%v: node SGs %+v", names, g.NodeGroups[0].SGs)
		}
		c := g.Cluster("name:prod")
		sg := g.SG("sg-csg")
		if c == nil || sg == nil || g.IsClusterSG(sg, c) != graph.Yes {
			t.Errorf("%v: sg-csg is not prod's cluster SG", names)
		}
		if _, carries := g.ClusterTag(sg, c); carries != graph.Yes {
			t.Errorf("%v: the cluster SG carries the cluster tag", names)
		}
	}
}

// The cluster SG's kind survives merging with a describe-security-groups
// copy in either file order when the dump carries EKS's tags.
func TestClusterSGDescribedInEitherOrder(t *testing.T) {
	sgs := `{"SecurityGroups": [{"GroupId": "sg-csg", "GroupName": "eks-cluster-sg-prod-1",
  "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-csg"}]},
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "Tags": [{"Key": "aws:eks:cluster-name", "Value": "prod"}, {"Key": "kubernetes.io/cluster/prod", "Value": "owned"}]}]}`
	for _, names := range [][2]string{{"a.json", "b.json"}, {"b.json", "a.json"}} {
		rep := writeScan(t, map[string]string{names[0]: clusterProd, names[1]: sgs})
		got := findings(rep, "EKSSG030")
		if len(got) != 1 || !strings.Contains(got[0], "cluster security group sg-csg (eks-cluster-sg-prod-1)") {
			t.Errorf("cluster file %s: EKSSG030 %v", names[0], got)
		}
	}
}

// Two describe-security-groups dumps (taken at different times, or one per
// region filter) describing the same group, or a describe-security-groups
// and a describe-security-group-rules dump of the same group, must not make
// one rule report twice.
func TestOverlappingDumpsReportOnce(t *testing.T) {
	group := `{"GroupId": "sg-cp", "GroupName": "cp",
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
  "IpPermissionsEgress": []}`
	other := `{"GroupId": "sg-other", "IpPermissions": [], "IpPermissionsEgress": []}`
	for name, files := range map[string]map[string]string{
		"two describe-security-groups": {
			"cluster.json": clusterProd,
			"sgs-1.json":   `{"SecurityGroups": [` + group + `]}`,
			"sgs-2.json":   `{"SecurityGroups": [` + other + `, ` + group + `]}`,
		},
		"describe-security-groups and describe-security-group-rules": {
			"cluster.json": clusterProd,
			"sgs.json":     `{"SecurityGroups": [` + group + `]}`,
			"rules.json": `{"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-cp", "IsEgress": false,
  "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0"}]}`,
		},
	} {
		rep := writeScan(t, files)
		if got := findings(rep, "EKSSG030"); len(got) != 1 {
			t.Errorf("%s: EKSSG030 reported %d times, want once:\n%s", name, len(got), strings.Join(got, "\n"))
		}
	}
}

// Without EKS's tags in the dump, only describe-cluster says which group is
// the cluster SG; that must not depend on the order of the files.
func TestClusterSGOfSurvivesMergeInEitherOrder(t *testing.T) {
	sgs := `{"SecurityGroups": [{"GroupId": "sg-csg", "IpPermissionsEgress": [],
  "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}`
	for _, names := range [][2]string{{"a.json", "b.json"}, {"b.json", "a.json"}} {
		rep := writeScan(t, map[string]string{names[0]: clusterProd, names[1]: sgs})
		got := findings(rep, "EKSSG030")
		if len(got) != 1 || !strings.Contains(got[0], "cluster security group sg-csg") {
			t.Errorf("cluster file %s: EKSSG030 %v", names[0], got)
		}
	}
}
