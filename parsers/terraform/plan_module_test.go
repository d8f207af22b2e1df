package terraform

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	tfjson "github.com/hashicorp/terraform-json"
)

// A module's node group links through the module's output and variable
// (the EKSSG031 fixture): the launch template's group is the module's
// node group, the module's rule names the root's control-plane group.
func TestPlanLinksThroughModule(t *testing.T) {
	p := readPlan(t, "../../testdata/rules/EKSSG031/tf-plan-paired-module-ssh-from-internet.scan/plan.json")
	doc, _ := p.Document(nil)
	key := func(addr string) graph.SGKey { return graph.SGKey("tf:" + p.File + "#" + addr) }
	ng := ngByName(doc, "default")
	if ng == nil || ng.SGsOpen || len(ng.SGs) != 1 || ng.SGs[0].SG != key("module.nodes.aws_security_group.node") {
		t.Fatalf("node group: %+v", ng)
	}
	found := false
	for _, r := range doc.Rules {
		if r.Resource == "module.nodes.aws_vpc_security_group_ingress_rule.kubelet_from_control_plane" {
			found = true
			if r.SG != key("module.nodes.aws_security_group.node") || r.Peer.Kind != graph.PeerSG || r.Peer.SG != key("aws_security_group.cluster") {
				t.Errorf("rule through var.cluster_security_group_id: %+v", r)
			}
		}
	}
	if !found {
		t.Error("the module's rule is missing")
	}
	sg := sgByName(doc, "module.nodes.aws_security_group.node")
	if sg == nil || sg.TagsOpen || len(sg.Tags) != 1 || sg.Tags[0].Key.Str != "kubernetes.io/cluster/demo" {
		t.Errorf("node group's tags: %+v", sg)
	}
	if sg.Loc.File != p.File || sg.Loc.Line == 0 {
		t.Errorf("a plan alone locates a resource in the plan: %v", sg.Loc)
	}
}

// Paired with its HCL, a planned resource inside a module with no copy on
// disk stands at the module block (as the module model's facts do); one
// inside a downloaded copy (modules.json) is located as the HCL reading
// locates that copy's blocks.
func TestPlanLocatesThroughModuleCalls(t *testing.T) {
	res := scanMap(t, map[string]string{
		"main.tf": `module "sg" {
  source = "terraform-aws-modules/security-group/aws"
}

module "dl" {
  source = "example/nodes/aws"
}

module "local" {
  source = "./local"
}
`,
		"local/main.tf": `resource "aws_security_group" "this" {
  name = "local"
}
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"dl","Source":"example/nodes/aws","Dir":".terraform/modules/dl"}]}`,
		".terraform/modules/dl/main.tf": `resource "aws_security_group" "this" {
  name = "dl"
}
`,
	}, Options{})
	const plan = `{"format_version": "1.2", "resource_changes": [
 {"address": "module.sg.aws_security_group.this[0]", "module_address": "module.sg", "mode": "managed", "type": "aws_security_group", "name": "this", "index": 0,
  "change": {"actions": ["create"], "after": {"name": "sg"}, "after_unknown": {"id": true}}},
 {"address": "module.dl.aws_security_group.this", "module_address": "module.dl", "mode": "managed", "type": "aws_security_group", "name": "this",
  "change": {"actions": ["create"], "after": {"name": "dl"}, "after_unknown": {"id": true}}},
 {"address": "module.local.aws_security_group.this", "module_address": "module.local", "mode": "managed", "type": "aws_security_group", "name": "this",
  "change": {"actions": ["create"], "after": {"name": "local"}, "after_unknown": {"id": true}}}
]}`
	p, err := decodePlan(t, "plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := p.Document(&res)
	got := map[string]graph.Location{}
	for _, sg := range doc.SGs {
		got[sg.Name] = graph.Location{File: sg.Loc.File, Line: sg.Loc.Line}
	}
	for name, loc := range map[string]graph.Location{
		"module.sg.aws_security_group.this[0]": {File: "m/main.tf", Line: 1},
		"module.local.aws_security_group.this": {File: "m/local/main.tf", Line: 1},
	} {
		if got[name] != loc {
			t.Errorf("%s at %v, want %v", name, got[name], loc)
		}
	}
	var hclDL graph.Location
	for _, sg := range res.Doc.SGs {
		if sg.Name == "module.dl.aws_security_group.this" {
			hclDL = graph.Location{File: sg.Loc.File, Line: sg.Loc.Line}
		}
	}
	if hclDL.File == "" || got["module.dl.aws_security_group.this"] != hclDL {
		t.Errorf("downloaded module's group at %v, the HCL reading's at %v", got["module.dl.aws_security_group.this"], hclDL)
	}
}

// IDs passed through a module's locals, conditionals and concat() (the
// EKSSG002 locals fixture): paired with the HCL, whose locals the plan's
// configuration lacks, the one unknown input of each link is its value; a
// known ID beside it leaves the list open; alone, the links stay unknown.
func TestPlanInfersLinksThroughLocals(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/rules/EKSSG002/tf-plan-paired-module-locals.scan")
	if err != nil {
		t.Fatal(err)
	}
	read := func() *Plan { return readPlan(t, filepath.Join(dir, "plan.json")) }
	res := Scan([]string{dir}, Options{FS: OSFS{}, Display: func(s string) string { return filepath.ToSlash(s) }})
	if len(res) != 1 {
		t.Fatalf("%d roots", len(res))
	}
	p := read()
	key := func(addr string) graph.SGKey { return graph.SGKey("tf:" + p.File + "#" + addr) }
	clusterSG := graph.ClusterSGKey(graph.ClusterKeyForName("demo"))
	members := func(doc *graph.Document) ([]graph.SGKey, bool) {
		ng := ngByName(doc, "default")
		if ng == nil {
			t.Fatal("no node group")
		}
		var out []graph.SGKey
		for _, m := range ng.SGs {
			out = append(out, m.SG)
		}
		return out, ng.SGsOpen
	}

	doc, _ := p.Document(&res[0])
	got, open := members(doc)
	if want := []graph.SGKey{key("module.nodes.aws_security_group.this[0]"), clusterSG}; open || !reflect.DeepEqual(got, want) {
		t.Errorf("paired: node group groups %v (open %v), want %v", got, open, want)
	}
	for _, r := range doc.Rules {
		if r.Resource == "module.nodes.aws_vpc_security_group_egress_rule.all" && r.SG != key("module.nodes.aws_security_group.this[0]") {
			t.Errorf("the rule's group through local.security_group_id: %s", r.SG)
		}
	}

	// a known ID among the inputs: that list has a member the plan does not name
	p = read()
	p.plan.Config.RootModule.ModuleCalls["nodes"].Expressions["extra_security_group_ids"] =
		&tfjson.Expression{ExpressionData: &tfjson.ExpressionData{ConstantValue: []any{"sg-0123456789abcdef0"}}}
	doc, _ = p.Document(&res[0])
	got, _ = members(doc)
	if len(got) != 2 || got[0] != key("module.nodes.aws_security_group.this[0]") || !strings.HasPrefix(string(got[1]), "unknown:") {
		t.Errorf("with a known ID beside it: %v", got)
	}

	// alone: no locals to follow
	doc, _ = read().Document(nil)
	if got, open := members(doc); !open && len(got) > 0 {
		t.Errorf("alone, the launch template's groups are unknown: %v", got)
	}
}

// Paired with a terraform-aws-modules/eks call the HCL reading modelled
// (one major), a planned resource inside the module is at the model's
// block, which stands at the user's module block, and the model's locals
// link it: the module's node group carries the module's node group SG.
func TestPlanThroughModelledEKSModule(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  version      = "~> 20.0"
  cluster_name = "demo"
  eks_managed_node_groups = {
    default = {}
  }
}
`}, Options{})
	src := res.source
	rng, body, ok := src.resource("module.eks.aws_security_group.node[0]")
	if !ok || body == nil {
		t.Fatalf("the model's node group SG: %v %v", rng, ok)
	}
	if loc := src.l.loc(rng); loc.File != "m/main.tf" || loc.Line != 1 {
		t.Errorf("a model block stands at the module block: %v", loc)
	}
	if m := src.module("module.eks"); m == nil || m.locals["node_security_group_id"] == nil {
		t.Fatal("the model's locals")
	}
	if _, body, ok := src.resource(`module.eks.module.eks_managed_node_group["default"].aws_launch_template.this[0]`); !ok || body == nil {
		t.Error("the model's node-group submodule")
	}
	// what a plan of this call holds for the launch template: its groups
	// come through the submodule's variable, from the module's local
	const plan = `{"format_version": "1.2", "resource_changes": [
 {"address": "module.eks.aws_security_group.node[0]", "module_address": "module.eks", "mode": "managed", "type": "aws_security_group", "name": "node", "index": 0,
  "change": {"actions": ["create"], "after": {"name_prefix": "demo-node-", "tags": {"kubernetes.io/cluster/demo": "owned"}, "tags_all": {"kubernetes.io/cluster/demo": "owned"}}, "after_unknown": {"id": true}}},
 {"address": "module.eks.module.eks_managed_node_group[\"default\"].aws_launch_template.this[0]", "module_address": "module.eks.module.eks_managed_node_group[\"default\"]",
  "mode": "managed", "type": "aws_launch_template", "name": "this", "index": 0,
  "change": {"actions": ["create"], "after": {"name_prefix": "default-"}, "after_unknown": {"id": true, "vpc_security_group_ids": true}}}
], "configuration": {"root_module": {"module_calls": {"eks": {"source": "terraform-aws-modules/eks/aws", "version_constraint": "~> 20.0",
  "expressions": {"cluster_name": {"constant_value": "demo"}, "eks_managed_node_groups": {"constant_value": {"default": {}}}},
  "module": {
   "resources": [{"address": "aws_security_group.node", "mode": "managed", "type": "aws_security_group", "name": "node",
     "expressions": {"name_prefix": {"references": ["var.cluster_name"]}}, "count_expression": {"references": ["local.create_node_sg"]}}],
   "module_calls": {"eks_managed_node_group": {"source": "./modules/eks-managed-node-group",
     "expressions": {"vpc_security_group_ids": {"references": ["local.node_security_group_id", "each.value.vpc_security_group_ids", "each.value", "var.eks_managed_node_group_defaults.vpc_security_group_ids", "var.eks_managed_node_group_defaults"]}},
     "for_each_expression": {"references": ["var.eks_managed_node_groups"]},
     "module": {"resources": [{"address": "aws_launch_template.this", "mode": "managed", "type": "aws_launch_template", "name": "this",
       "expressions": {"vpc_security_group_ids": {"references": ["var.vpc_security_group_ids"]}}}],
       "variables": {"vpc_security_group_ids": {"default": []}}}}},
   "variables": {"cluster_name": {}, "eks_managed_node_groups": {"default": {}}, "eks_managed_node_group_defaults": {"default": {}}, "create_node_security_group": {"default": true}, "node_security_group_id": {"default": ""}, "create": {"default": true}}}}}}}}`
	// The module itself writes the launch template's groups through locals
	// the model does not spell (local.security_group_ids): then the HCL
	// reading's value of that argument links it.
	realModule := strings.Replace(plan, `{"vpc_security_group_ids": {"references": ["var.vpc_security_group_ids"]}}`,
		`{"vpc_security_group_ids": {"references": ["local.network_interfaces", "local.security_group_ids"]}}`, 1)
	if realModule == plan {
		t.Fatal("the plan changed")
	}
	for name, text := range map[string]string{"model's locals": plan, "HCL reading": realModule} {
		p, err := decodePlan(t, "plan.json", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := p.Document(&res)
		sg := sgByName(doc, "module.eks.aws_security_group.node[0]")
		if sg == nil || sg.Loc.File != "m/main.tf" || sg.Loc.Line != 1 {
			t.Fatalf("%s: the module's node SG at the module block: %+v", name, sg)
		}
		var got []graph.Attachment
		for _, a := range doc.Attachments {
			if strings.HasSuffix(a.Resource, "aws_launch_template.this[0]") {
				got = append(got, a)
			}
		}
		if len(got) != 1 || got[0].SG != graph.SGKey("tf:plan.json#module.eks.aws_security_group.node[0]") {
			t.Errorf("%s: the launch template's groups: %+v", name, got)
		}
		// alone, neither is there
		doc, _ = p.Document(nil)
		for _, a := range doc.Attachments {
			if strings.HasSuffix(a.Resource, "aws_launch_template.this[0]") && !strings.HasPrefix(string(a.SG), "unknown:") {
				t.Errorf("%s: alone, the launch template's groups are unknown: %+v", name, a)
			}
		}
	}
}

// An Optional and Computed argument shows unknown when its expression
// gives null: a rule's source_security_group_id beside cidr_blocks or
// self is the provider's, not the unknown input of its expression
// (`var.from_group ? var.group_id : null`); without them it is that input.
func TestPlanProviderComputedIsNotInferred(t *testing.T) {
	rule := func(name, extra string) string {
		return `{"address": "module.m.aws_security_group_rule.` + name + `", "module_address": "module.m", "mode": "managed", "type": "aws_security_group_rule", "name": "` + name + `",
  "change": {"actions": ["create"], "after": {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443` + extra + `},
   "after_unknown": {"id": true, "security_group_id": true, "source_security_group_id": true}}}`
	}
	cfgRule := func(name string) string {
		return `{"address": "aws_security_group_rule.` + name + `", "mode": "managed", "type": "aws_security_group_rule", "name": "` + name + `",
  "expressions": {"security_group_id": {"references": ["var.group_id"]}, "source_security_group_id": {"references": ["var.from_group", "var.group_id"]}}}`
	}
	plan := `{"format_version": "1.2", "resource_changes": [
 {"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g", "change": {"actions": ["create"], "after": {"name": "g"}, "after_unknown": {"id": true}}},
 ` + rule("cidr", `, "cidr_blocks": ["10.0.0.0/8"], "self": false`) + `,
 ` + rule("self", `, "cidr_blocks": null, "self": true`) + `,
 ` + rule("group", `, "cidr_blocks": null, "self": false`) + `
], "configuration": {"root_module": {
  "resources": [{"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g", "expressions": {"name": {"constant_value": "g"}}}],
  "module_calls": {"m": {"source": "./m", "expressions": {"group_id": {"references": ["aws_security_group.g.id", "aws_security_group.g"]}, "from_group": {"constant_value": true}},
   "module": {"resources": [` + cfgRule("cidr") + `, ` + cfgRule("self") + `, ` + cfgRule("group") + `],
    "variables": {"group_id": {}, "from_group": {"default": false}}}}}}}}`
	p, err := decodePlan(t, "plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := p.Document(nil)
	g := graph.SGKey("tf:plan.json#aws_security_group.g")
	peers := map[string][]graph.Peer{}
	for _, r := range doc.Rules {
		if r.SG != g {
			t.Errorf("%s: the rule's group through var.group_id: %s", r.Resource, r.SG)
		}
		peers[strings.TrimPrefix(r.Resource, "module.m.aws_security_group_rule.")] = append(peers[strings.TrimPrefix(r.Resource, "module.m.aws_security_group_rule.")], r.Peer)
	}
	if ps := peers["cidr"]; len(ps) != 1 || ps[0].Kind != graph.PeerCIDR {
		t.Errorf("beside cidr_blocks the source group is null: %+v", ps)
	}
	if ps := peers["self"]; len(ps) != 1 || ps[0].Kind != graph.PeerSG || ps[0].Expr != "self" {
		t.Errorf("beside self the source group is null: %+v", ps)
	}
	if ps := peers["group"]; len(ps) != 1 || ps[0].Kind != graph.PeerSG || ps[0].SG != g {
		t.Errorf("alone it is the unknown input: %+v", ps)
	}
}
