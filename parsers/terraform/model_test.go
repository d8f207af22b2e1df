package terraform

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/terraform/eksmodule"
)

const eksCall = `module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = %q

  cluster_name = "prod"
  subnet_ids   = ["subnet-1"]

  eks_managed_node_groups = {
    default = {
      attach_cluster_primary_security_group = true
    }
  }
}
`

func noteWith(r Result, text string) *graph.Notification {
	for i, n := range r.Notes {
		if strings.Contains(n.Message, text) {
			return &r.Notes[i]
		}
	}
	return nil
}

func TestModelledModuleWritesTheGraph(t *testing.T) {
	r := scanMap(t, map[string]string{"main.tf": strings.Replace(eksCall, "%q", `"~> 20.0"`, 1)}, Options{})
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if len(r.Variants) != 0 {
		t.Errorf("one major admitted, yet %d variants", len(r.Variants))
	}
	node := sgByName(r.Doc, "module.eks.aws_security_group.node[0]")
	if node == nil {
		t.Fatalf("no module node SG among %d groups", len(r.Doc.SGs))
	}
	owned := false
	for _, tag := range node.Tags {
		if k, _ := tag.Key.Literal(); k == "kubernetes.io/cluster/prod" {
			v, _ := tag.Value.Literal()
			owned = v == "owned"
			// a default of the module: located at the module block, its
			// own file kept as the origin
			if tag.Loc.File != "m/main.tf" || tag.Loc.Line != 1 || tag.Loc.Origin == nil ||
				!strings.HasSuffix(tag.Loc.Origin.File, "/v20.37.2/node_groups.tf") || tag.Loc.Origin.Line != 216 {
				t.Errorf("owned tag at %v origin %+v", tag.Loc, tag.Loc.Origin)
			}
		}
	}
	if !owned {
		t.Errorf("node SG tags %+v lack kubernetes.io/cluster/prod = owned", node.Tags)
	}
	ng := ngByName(r.Doc, "default")
	if ng == nil {
		t.Fatal("no node group default")
	}
	// the node SG and the cluster (primary) SG, given at the attach argument
	if len(ng.SGs) != 2 || ng.SGsLoc.Line != 10 {
		t.Errorf("node group SGs %+v set at %v", ng.SGs, ng.SGsLoc)
	}
	for _, f := range r.Files {
		if isModelPath(f) {
			t.Errorf("a model file is listed among the user's files: %s", f)
		}
	}
}

func TestModelledModuleSeveralMajors(t *testing.T) {
	r := scanMap(t, map[string]string{"main.tf": strings.Replace(eksCall, "%q", `">= 18.0"`, 1)}, Options{})
	// cluster_name rules out v21
	if len(r.Variants) != 3 {
		t.Errorf("%d variants, want 3 (20, 19, 18)", len(r.Variants))
	}
	if n := noteWith(r, "admits majors 20, 19, 18"); n == nil || n.Loc.Line != 1 || !strings.Contains(n.Message, "21 (it has no argument cluster_name)") {
		t.Errorf("notification: %+v (notes %+v)", n, r.Notes)
	}
}

func TestModuleNotModelled(t *testing.T) {
	for constraint, text := range map[string]string{
		`"~> 17.0"`:    "no modelled major",
		`"~> banana"`:  "version constraint",
		`">= 22, < 1"`: "no modelled major",
	} {
		r := scanMap(t, map[string]string{"main.tf": strings.Replace(eksCall, "%q", constraint, 1)}, Options{})
		if noteWith(r, text) == nil || len(r.Doc.NodeGroups) != 0 {
			t.Errorf("%s: notes %+v, %d node groups", constraint, r.Notes, len(r.Doc.NodeGroups))
		}
	}
	r := scanMap(t, map[string]string{"main.tf": `module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
`}, Options{})
	if noteWith(r, `comes from "terraform-aws-modules/vpc/aws", which is not read`) == nil {
		t.Errorf("opaque module: notes %+v", r.Notes)
	}
}

// A copy `terraform init` downloaded is read instead of the model, and
// located at the module block, its own file and line kept as the origin.
func TestDownloadedModuleReadInsteadOfTheModel(t *testing.T) {
	r := scanMap(t, map[string]string{
		"main.tf": strings.Replace(eksCall, "%q", `"20.8.5"`, 1),
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},
  {"Key":"eks","Source":"registry.terraform.io/terraform-aws-modules/eks/aws","Version":"20.8.5","Dir":".terraform/modules/eks"},
  {"Key":"eks.nodes","Source":"./modules/nodes","Dir":".terraform/modules/eks/modules/nodes"}]}`,
		".terraform/modules/eks/main.tf": `variable "cluster_name" {}
variable "eks_managed_node_groups" { default = {} }
resource "aws_security_group" "downloaded" {
  name = "downloaded"
  tags = { "kubernetes.io/cluster/${var.cluster_name}" = "owned" }
}
module "nodes" {
  source = "./modules/nodes"
  sg     = aws_security_group.downloaded.id
}
output "node_security_group_id" { value = aws_security_group.downloaded.id }
`,
		".terraform/modules/eks/modules/nodes/main.tf": `variable "sg" {}
resource "aws_security_group_rule" "self" {
  security_group_id        = var.sg
  type                     = "ingress"
  protocol                 = "-1"
  from_port                = 0
  to_port                  = 0
  source_security_group_id = var.sg
}
`,
	}, Options{})
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	sg := sgByName(r.Doc, "module.eks.aws_security_group.downloaded")
	if sg == nil {
		t.Fatalf("the downloaded module was not read: groups %d", len(r.Doc.SGs))
	}
	if sgByName(r.Doc, "module.eks.aws_security_group.node[0]") != nil {
		t.Error("the model was used beside the downloaded copy")
	}
	if sg.Loc.File != "m/main.tf" || sg.Loc.Line != 1 || sg.Loc.Origin == nil || sg.Loc.Origin.File != "m/.terraform/modules/eks/main.tf" || sg.Loc.Origin.Line != 3 {
		t.Errorf("downloaded group at %v origin %+v", sg.Loc, sg.Loc.Origin)
	}
	var rules []*graph.Rule
	for _, rule := range r.Doc.Rules {
		if rule.SG == sg.Key {
			rules = append(rules, rule)
		}
	}
	if len(rules) != 1 {
		t.Errorf("the local module inside the downloaded one: %d rules", len(rules))
	} else if o := rules[0].Loc.Origin; rules[0].Loc.File != "m/main.tf" || o == nil || o.File != "m/.terraform/modules/eks/modules/nodes/main.tf" {
		t.Errorf("its rule at %v origin %+v", rules[0].Loc, o)
	}
	for _, f := range r.Files {
		if strings.Contains(f, ".terraform/") {
			t.Errorf("a downloaded file is listed among the user's files: %s", f)
		}
	}
}

func TestRemoteAccessWithTheModulesTemplateIsNotified(t *testing.T) {
	call := `module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.0"
  cluster_name = "prod"
  eks_managed_node_groups = {
    custom = {
      remote_access = { ec2_ssh_key = "ops" }
    }
    eks_template = {
      use_custom_launch_template = false
      remote_access              = { ec2_ssh_key = "ops" }
    }
  }
}
`
	r := scanMap(t, map[string]string{"main.tf": call}, Options{})
	n := noteWith(r, `node group "custom" sets remote_access`)
	if n == nil || n.Loc.Line != 7 {
		t.Errorf("notification %+v (notes %+v)", n, r.Notes)
	}
	if noteWith(r, `node group "eks_template" sets remote_access`) != nil {
		t.Error("remote_access with EKS's own template is notified")
	}
	// EKS's template: the remote-access group EKS creates is modelled
	ng := ngByName(r.Doc, "eks_template")
	if ng == nil || len(ng.SGs) != 2 {
		t.Fatalf("node group eks_template: %+v", ng)
	}
	if ng := ngByName(r.Doc, "custom"); ng == nil || len(ng.SGs) != 1 {
		t.Errorf("node group custom: %+v", ng)
	}
}

// Two calls share one parse of the model: each one's facts are located at
// its own module block.
func TestTwoModelledCallsLocatedApart(t *testing.T) {
	r := scanMap(t, map[string]string{"main.tf": `module "blue" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.0"
  cluster_name = "blue"
}

module "green" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 19.0"
  cluster_name = "green"
  node_security_group_tags = { team = "green" }
}
`}, Options{})
	for name, line := range map[string]int{"module.blue.aws_security_group.node[0]": 1, "module.green.aws_security_group.node[0]": 7} {
		sg := sgByName(r.Doc, name)
		if sg == nil {
			t.Fatalf("no %s", name)
		}
		if sg.Loc.Line != line || sg.Loc.Origin == nil {
			t.Errorf("%s at %v origin %+v, want line %d", name, sg.Loc, sg.Loc.Origin, line)
		}
		for _, tag := range sg.Tags {
			// green's tags are located at the argument it wrote
			if want := map[string]int{"blue": 1, "green": 11}[strings.TrimSuffix(strings.TrimPrefix(name, "module."), ".aws_security_group.node[0]")]; tag.Loc.Line != want {
				t.Errorf("%s tag %v at line %d, want %d", name, tag.Key, tag.Loc.Line, want)
			}
		}
	}
}

// blankCommentLines keeps every byte's offset and every line's number and
// touches only lines that are comments: what HCL reports of the blanked
// model is where the model file has it.
func TestBlankCommentLines(t *testing.T) {
	in := "# @ main.tf:1 cause: name\r\nresource \"x\" \"y\" { # kept\n  \t# @ main.tf:2\n  a = \"#\"\n}\n#"
	want := strings.Repeat(" ", 25) + "\r\nresource \"x\" \"y\" { # kept\n" + strings.Repeat(" ", 16) + "\n  a = \"#\"\n}\n "
	if got := string(blankCommentLines([]byte(in))); got != want {
		t.Errorf("blankCommentLines:\n got %q\nwant %q", got, want)
	}
	for _, major := range eksmodule.Majors {
		for rel, data := range eksmodule.Files(major.Number) {
			blank := blankCommentLines(data)
			if len(blank) != len(data) || bytes.Count(blank, []byte("\n")) != bytes.Count(data, []byte("\n")) {
				t.Errorf("v%d %s: %d bytes and %d lines, want %d and %d", major.Number, rel,
					len(blank), bytes.Count(blank, []byte("\n")), len(data), bytes.Count(data, []byte("\n")))
			}
		}
	}
}
