package terraform

import (
	"os"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"github.com/zclconf/go-cty/cty"
)

func decodePlan(t *testing.T, name string, data []byte) (*Plan, error) {
	t.Helper()
	docs, _, err := yamltree.Parse(data, yamltree.Options{JSON: true})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !IsPlan(docs[0]) {
		t.Fatalf("%s: not recognised as a plan", name)
	}
	return DecodePlan(name, data, docs[0])
}

func readPlan(t *testing.T, path string) *Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := decodePlan(t, path, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// symbolOf is the address of the symbol a value consists of.
func symbolOf(pb *planBuild, v cty.Value) string {
	if s := pb.ev.syms.only(v); s != nil {
		return s.full()
	}
	return ""
}

// The references of a real `terraform show -json` (Terraform 1.11, only
// built-in terraform_data resources) resolve as the HCL reading would: a
// module output to the resource inside the module instance, a module
// variable to what its caller passes, an instance key kept, a known
// attribute to its value; a splat (no attribute) is not one ID.
func TestPlanReferencesOfRealTerraform(t *testing.T) {
	p := readPlan(t, "testdata/terraform-data-plan/plan.json")
	pb := newPlanBuild(p, nil)
	pb.load()
	root := p.plan.Config.RootModule
	call := root.ModuleCalls["m"]
	resolve := func(scope string, refs []string) (cty.Value, bool) {
		pb.budget = maxResolveSteps
		return pb.referenced(scope, refs)
	}

	out := call.Module.Outputs["out"].Expression.References
	if v, ok := resolve("module.m", out); !ok || symbolOf(pb, v) != `module.m.terraform_data.inner["a"].id` {
		t.Errorf("output out %v: got %#v, %v", out, v, ok)
	}
	if v, ok := resolve("", []string{"module.m.out", "module.m"}); !ok || symbolOf(pb, v) != `module.m.terraform_data.inner["a"].id` {
		t.Errorf("module.m.out from the root: got %#v, %v", v, ok)
	}
	inner := call.Module.Resources[0].Expressions["input"].References
	if v, ok := resolve("module.m", inner); !ok || symbolOf(pb, v) != "terraform_data.sg.id" {
		t.Errorf("var.sg %v: got %#v, %v", inner, v, ok)
	}
	if v, ok := resolve("", []string{"terraform_data.many[1].id", "terraform_data.many[1]", "terraform_data.many"}); !ok || symbolOf(pb, v) != "terraform_data.many[1].id" {
		t.Errorf("indexed reference: got %#v, %v", v, ok)
	}
	if v, ok := resolve("", []string{"terraform_data.sg.input", "terraform_data.sg"}); !ok || !v.RawEquals(cty.StringVal("x")) {
		t.Errorf("a known attribute is its value: got %#v, %v", v, ok)
	}
	var user []string
	for _, r := range root.Resources {
		if r.Name == "user" {
			user = r.Expressions["input"].References
		}
	}
	if v, ok := resolve("", user); ok {
		t.Errorf("references with a splat (%v) are not a list of IDs: got %#v", user, v)
	}
	if _, ok := resolve("", []string{"local.ids"}); ok {
		t.Error("a local is not in a plan's configuration: it must stay unknown")
	}
}

// A group and a cluster that already exist have known IDs in a plan: the
// group is the same group as that ID (another input may name it), and a
// rule giving the ID literally is on it.
func TestPlanKnownIDsAlias(t *testing.T) {
	const plan = `{
  "format_version": "1.2",
  "terraform_version": "1.9.8",
  "resource_changes": [
    {"address": "aws_security_group.node", "mode": "managed", "type": "aws_security_group", "name": "node",
     "change": {"actions": ["update"], "before": {}, "after": {"id": "sg-0123456789abcdef0", "name": "node",
       "tags": {"Name": "node"}, "tags_all": {"Name": "node", "team": "platform"}}, "after_unknown": {}}},
    {"address": "aws_eks_cluster.this", "mode": "managed", "type": "aws_eks_cluster", "name": "this",
     "change": {"actions": ["no-op"], "before": {}, "after": {"name": "demo",
       "vpc_config": [{"cluster_security_group_id": "sg-0fedcba9876543210", "endpoint_public_access": true}]}, "after_unknown": {}}},
    {"address": "aws_security_group.gone", "mode": "managed", "type": "aws_security_group", "name": "gone",
     "change": {"actions": ["delete"], "before": {"id": "sg-0aaaaaaaaaaaaaaaa"}, "after": null, "after_unknown": {}}}
  ]
}`
	p, err := decodePlan(t, "plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := p.Document(nil)
	if got := doc.Aliases["tf:plan.json#aws_security_group.node"]; got != "sg-0123456789abcdef0" {
		t.Errorf("group alias: %q", got)
	}
	if got := doc.Aliases[graph.ClusterSGKey(graph.ClusterKeyForName("demo"))]; got != "sg-0fedcba9876543210" {
		t.Errorf("cluster SG alias: %q (%v)", got, doc.Aliases)
	}
	if sgByName(doc, "aws_security_group.gone") != nil {
		t.Error("a group the plan deletes is not in the graph")
	}
	sg := sgByName(doc, "aws_security_group.node")
	if sg == nil || len(sg.Tags) != 2 {
		t.Fatalf("tags_all (the provider's default_tags merged) are the group's tags: %+v", sg)
	}
	if sg.Loc.Line != 5 {
		t.Errorf("plan alone: the resource is at its address's line, got %v", sg.Loc)
	}
}

// A plan terraform-json rejects is an error at a line of the file.
func TestPlanDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		msg        string
	}{
		{"wrong type", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"address\": 5}\n  ]\n}\n", 4, "resource_changes.address holds a JSON number where a string belongs"},
		{"unsupported version", "{\n  \"planned_values\": {},\n  \"format_version\": \"9.0\"\n}\n", 3, "unsupported plan format version"},
		{"actions not a list", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [{\"change\":\n    {\"actions\": \"create\"}}]\n}\n", 4, "holds a JSON string where a list belongs"},
	} {
		_, err := decodePlan(t, "plan.json", []byte(tc.text))
		fe, ok := err.(*yamltree.Error)
		if !ok || fe.Line != tc.line || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("%s: got %#v, want line %d and %q", tc.name, err, tc.line, tc.msg)
		}
	}
}
