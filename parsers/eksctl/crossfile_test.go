package eksctl_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// Two configs of one cluster: both model the cluster stack eksctl creates
// (its shared node security group and that group's rules, keyed by cluster
// name so that they merge), but only nodes.yaml has node groups on the
// shared group, and only its stack tags put the cluster tag on it.
const (
	clusterOnly = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: us-west-2
  tags:
    team: platform
managedNodeGroups:
  - name: mng-a
`
	nodesConfig = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig

# the self-managed node groups of cluster prod
metadata:
  region: us-west-2
  name: prod
  tags:
    kubernetes.io/cluster/prod: owned
nodeGroups:
  - name: ng-b
    instanceType: m5.large
`
)

// findingsOf scans files of dir (paths in output relative to it).
func findingsOf(t *testing.T, dir string, files ...string) []analyzer.Finding {
	t.Helper()
	r := scan.Run(files, scan.Options{WorkDir: dir})
	if len(r.Errors) > 0 {
		t.Fatalf("scan errors: %+v", r.Errors)
	}
	return r.Findings
}

// TestFindingInTheConfigOfItsNodes: a finding about a node group of one
// config lands in that config, with the facts of that config, whatever
// other config of the same cluster is scanned beside it (first in file
// order, here).
func TestFindingInTheConfigOfItsNodes(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"a-cluster.yaml": clusterOnly, "nodes.yaml": nodesConfig} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	alone := findingsOf(t, dir, "nodes.yaml")
	both := findingsOf(t, dir, "a-cluster.yaml", "nodes.yaml")
	describe := func(fs []analyzer.Finding) string {
		var lines []string
		for _, f := range fs {
			line := f.Loc.String() + " " + f.RuleID
			for _, r := range f.Related {
				line += " [" + r.Loc.String() + "]"
			}
			lines = append(lines, line)
		}
		return strings.Join(lines, "\n")
	}
	var dup *analyzer.Finding
	for i, f := range both {
		if f.RuleID == "EKSSG002" {
			dup = &both[i]
		}
	}
	if dup == nil {
		t.Fatalf("no EKSSG002 for ng-b beside the other config (its stack tags tag the shared group):\n%s\nalone:\n%s", describe(both), describe(alone))
	}
	for _, l := range append([]string{dup.Loc.File}, relatedFiles(dup)...) {
		if l != "nodes.yaml" {
			t.Errorf("EKSSG002 about ng-b of nodes.yaml points into %s:\n%s", l, describe(both))
		}
	}
	if got, want := describe(both), describe(alone); got != want {
		t.Errorf("scanned beside the cluster config:\n%s\nalone:\n%s", got, want)
	}
}

// nodesWithoutShared has a node group on the shared group and one off it:
// nodes of ng-c cannot reach those of ng-b, and the fix (an ingress rule)
// goes on the shared group, which a-cluster.yaml models too.
const nodesWithoutShared = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig

# the self-managed node groups of cluster prod
metadata:
  region: us-west-2
  name: prod
nodeGroups:
  - name: ng-b
    instanceType: m5.large
  - name: ng-c
    instanceType: m5.large
    securityGroups:
      withShared: false
`

// TestFindingAboutOneConfigsNodesStaysThere: every finding whose node
// groups (its related locations) are all in one config is located in that
// config, even when the group it names is also modelled from another
// config of the cluster scanned first.
func TestFindingAboutOneConfigsNodesStaysThere(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"a-cluster.yaml": clusterOnly, "nodes.yaml": nodesWithoutShared} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checked := 0
	for _, f := range findingsOf(t, dir, "a-cluster.yaml", "nodes.yaml") {
		files := map[string]bool{}
		for _, r := range f.Related {
			files[r.Loc.File] = true
		}
		if len(files) != 1 || !files["nodes.yaml"] {
			continue
		}
		checked++
		if f.Loc.File != "nodes.yaml" {
			t.Errorf("%s %s about nodes of nodes.yaml only: %s", f.Loc, f.RuleID, f.Message)
		}
	}
	if checked < 3 {
		t.Errorf("%d findings about the nodes of nodes.yaml only, want at least 3 (ng-c to ng-b, ng-c to itself, EKSSG026)", checked)
	}
}

func relatedFiles(f *analyzer.Finding) []string {
	var out []string
	for _, r := range f.Related {
		out = append(out, r.Loc.File)
	}
	return out
}
