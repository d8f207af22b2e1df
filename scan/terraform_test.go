package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// objectName reduces a finding identity to the objects' own names:
// CloudFormation's `cfn:<file>#NodeSecurityGroup` and Terraform's
// `tf:<folder>#aws_security_group.NodeSecurityGroup` both become
// NodeSecurityGroup (the equivalence inputs name resources alike).
var (
	scopedKey = regexp.MustCompile(`(cfn|tf):[^#,]*#(aws_[a-z0-9_]+\.)?`)
	// The property an attachment goes through is named in each language
	// (SecurityGroupIds, vpc_security_group_ids): keep the resource.
	attachedVia = regexp.MustCompile(`^attached=(aws_[a-z0-9_]+\.)?([^.]+)\..*$`)
)

func normalizedFindings(t *testing.T, dir string) []string {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	rep := Run([]string{abs}, Options{WorkDir: abs})
	if len(rep.Errors) > 0 {
		t.Fatalf("%s: %v", dir, rep.Errors)
	}
	var out []string
	for _, f := range rep.Findings {
		ids := make([]string, len(f.Identity))
		for i, id := range f.Identity {
			ids[i] = attachedVia.ReplaceAllString(scopedKey.ReplaceAllString(id, ""), "attached=$2")
		}
		out = append(out, f.RuleID+" "+strings.Join(ids, " "))
	}
	sort.Strings(out)
	return out
}

// TestTerraformEquivalentToCloudFormation: the same cluster written in
// Terraform and in CloudFormation gives the same rules about the same
// objects (issue 12, "Done when").
func TestTerraformEquivalentToCloudFormation(t *testing.T) {
	cfn := normalizedFindings(t, "../testdata/equivalence/cloudformation")
	tf := normalizedFindings(t, "../testdata/equivalence/terraform")
	if len(cfn) < 8 {
		t.Fatalf("the CloudFormation side should prove eight rules, got %v", cfn)
	}
	if !reflect.DeepEqual(cfn, tf) {
		t.Errorf("findings differ\ncloudformation:\n  %s\nterraform:\n  %s", strings.Join(cfn, "\n  "), strings.Join(tf, "\n  "))
	}
}

// Naming one .tf file (pre-commit passes the changed files) scans its
// folder, the module; naming a .tfvars file scans the module it sets.
func TestTerraformExplicitFileScansItsModule(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("groups.tf", `resource "aws_security_group" "nodes" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }
}
`)
	write("nodes.tf", `variable "ssh_cidr" { type = string }
resource "aws_instance" "node" {
  vpc_security_group_ids = [aws_security_group.nodes.id]
  tags                   = { "kubernetes.io/cluster/prod" = "owned" }
}
`)
	write("terraform.tfvars", `ssh_cidr = "0.0.0.0/0"`+"\n")
	for _, named := range []string{"nodes.tf", "terraform.tfvars"} {
		rep := Run([]string{filepath.Join(dir, named)}, Options{WorkDir: dir})
		found := false
		for _, f := range rep.Findings {
			if f.RuleID == "EKSSG031" && f.Loc.File == "groups.tf" {
				found = true
			}
		}
		if !found || len(rep.Errors) > 0 {
			t.Errorf("naming %s: want EKSSG031 in groups.tf (the module's other file), got %+v, errors %v", named, rep.Findings, rep.Errors)
		}
	}
}

// A malformed .tf file is an error at its line; the other inputs of the
// scan are still read and reported.
func TestTerraformMalformedFileOthersStillScanned(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"broken/main.tf": "resource \"aws_security_group\" \"x\" {\n  ingress {\n    from_port = \n  }\n}\n",
		"fine/main.tf": `resource "aws_security_group" "nodes" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_instance" "node" {
  vpc_security_group_ids = [aws_security_group.nodes.id]
  tags                   = { "kubernetes.io/cluster/prod" = "owned" }
}
`} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := Run([]string{dir}, Options{WorkDir: dir})
	if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "broken/main.tf" || rep.Errors[0].Loc.Line != 3 {
		t.Fatalf("errors %+v, want one at broken/main.tf:3", rep.Errors)
	}
	ssh := false
	for _, f := range rep.Findings {
		ssh = ssh || (f.Loc.File == "fine/main.tf" && f.RuleID == "EKSSG031")
	}
	if !ssh {
		t.Errorf("findings %+v, want fine/main.tf's EKSSG031", rep.Findings)
	}
}

// A finding on a modelled module's fact points at the caller's argument,
// with the module's own file at its tag as a related location.
func TestModelledModuleFindingNamesTheModulesFile(t *testing.T) {
	dir, err := filepath.Abs("../testdata/terraform-module/v20-attach-primary.scan")
	if err != nil {
		t.Fatal(err)
	}
	rep := Run([]string{dir}, Options{WorkDir: dir})
	var found bool
	for _, f := range rep.Findings {
		if f.RuleID != "EKSSG002" {
			continue
		}
		found = true
		if f.Loc.File != "main.tf" || f.Loc.Line != 17 {
			t.Errorf("EKSSG002 at %v, want main.tf:17 (attach_cluster_primary_security_group)", f.Loc)
		}
		want := "https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/modules/eks-managed-node-group/main.tf"
		var related []string
		for _, r := range f.Related {
			related = append(related, r.Loc.String())
			if r.Loc.File == want && r.Loc.Line == 67 {
				want = ""
			}
		}
		if want != "" {
			t.Errorf("no related location %s:67 among %v", want, related)
		}
	}
	if !found {
		t.Errorf("no EKSSG002 among %d findings", len(rep.Findings))
	}
}
