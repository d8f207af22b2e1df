package graph

import (
	"strings"
	"testing"
)

func nestedParent(file string, url Value, asset string) *Document {
	return &Document{File: file, NestedStacks: []NestedStack{{Resource: "Child", Name: "Child", TemplateURL: url, AssetPath: asset,
		Loc: Location{File: file, Line: 3}, Params: []NestedParam{{Name: "NodeSG", Value: Value{Kind: KindResource, Scope: file, Str: "SG"},
			SG: ResourceSGKey(file, "SG")}}}}}
}

func TestLinkNestedFindsTheChild(t *testing.T) {
	s3 := Concat(Lit("https://s3."), Value{Kind: KindParam, Scope: "cdk.out/p.template.json", Str: "AWS::Region"}, Lit(".amazonaws.com/bucket/abc123.json"))
	cases := []struct {
		name  string
		docs  []*Document
		child string // file bound, "" for none
		note  string
	}{
		{"local path", []*Document{nestedParent("stacks/p.yaml", Lit("./child/c.yaml"), ""), {File: "stacks/child/c.yaml"}}, "stacks/child/c.yaml", ""},
		{"asset metadata", []*Document{nestedParent("cdk.out/p.template.json", s3, "c.nested.template.json"), {File: "cdk.out/c.nested.template.json"}}, "cdk.out/c.nested.template.json", ""},
		{"asset manifest", []*Document{nestedParent("cdk.out/p.template.json", s3, ""), {File: "cdk.out/p.assets.json", Assets: AssetManifest{"abc123.json": "c.nested.template.json"}},
			{File: "cdk.out/c.nested.template.json"}}, "cdk.out/c.nested.template.json", ""},
		{"manifest of another folder", []*Document{nestedParent("cdk.out/p.template.json", s3, ""), {File: "other/p.assets.json", Assets: AssetManifest{"abc123.json": "c.nested.template.json"}},
			{File: "other/c.nested.template.json"}}, "", "is not among the inputs"},
		{"S3 URL nothing matches", []*Document{nestedParent("p.yaml", Lit("https://s3.amazonaws.com/bucket/child.yaml"), "")}, "", "(https://s3.amazonaws.com/bucket/child.yaml) is not among the inputs"},
		{"not scanned", []*Document{nestedParent("p.yaml", Lit("child.yaml"), "")}, "", "(child.yaml) is not among the inputs"},
		{"used twice", []*Document{nestedParent("a.yaml", Lit("c.yaml"), ""), nestedParent("b.yaml", Lit("c.yaml"), ""), {File: "c.yaml"}}, "", "used by more than one stack resource"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aliases := map[SGKey]SGKey{}
			notes := linkNested(tc.docs, aliases)
			var got string
			for from, to := range aliases {
				if strings.HasPrefix(string(from), "param:") && strings.HasSuffix(string(from), "#NodeSG") && strings.HasPrefix(string(to), "cfn:") {
					got = strings.TrimSuffix(strings.TrimPrefix(string(from), "param:"), "#NodeSG")
				}
			}
			if got != tc.child {
				t.Errorf("bound child %q, want %q (aliases %v)", got, tc.child, aliases)
			}
			joined := ""
			for _, n := range notes {
				joined += n.Message + "\n"
			}
			if tc.note == "" && joined != "" || !strings.Contains(joined, tc.note) {
				t.Errorf("notifications %q, want one containing %q", joined, tc.note)
			}
		})
	}
}

// TestLinkNestedRewritesValues: the child's parameter in a tag key and in a
// cluster name becomes the parent's value, so the child's placeholder
// cluster takes the parent cluster's key; a parent's GetAtt
// Stack.Outputs.X becomes the child's output.
func TestLinkNestedRewritesValues(t *testing.T) {
	param := Value{Kind: KindParam, Scope: "c.yaml", Str: "ClusterName"}
	child := &Document{File: "c.yaml",
		SGs: []*SecurityGroup{{Key: ResourceSGKey("c.yaml", "SG"), Tags: []Tag{{Key: Concat(Lit(ClusterTagPrefix), param), Value: Lit("owned")}}},
			{Key: ClusterSGKey("sym:" + param.Key()), ClusterSGOf: "sym:" + param.Key()}},
		Clusters:   []*Cluster{{Key: "sym:" + param.Key(), Name: param, ClusterSG: ClusterSGKey("sym:" + param.Key())}},
		NodeGroups: []*NodeGroup{{Key: "ng", ClusterKey: "sym:" + param.Key()}},
		Outputs:    []StackOutput{{Name: "Name", Value: Concat(param, Lit("-nodes"))}},
	}
	parent := &Document{File: "p.yaml", NestedStacks: []NestedStack{{Resource: "Child", TemplateURL: Lit("c.yaml"),
		Params: []NestedParam{{Name: "ClusterName", Value: Lit("prod")}}}},
		SGs: []*SecurityGroup{{Key: "x", Tags: []Tag{{Key: Value{Kind: KindGetAtt, Scope: "p.yaml", Str: "Child", Attr: "Outputs.Name"}}}}}}
	aliases := map[SGKey]SGKey{}
	linkNested([]*Document{parent, child}, aliases)
	if got := child.SGs[0].Tags[0].Key; got.Key() != Lit("kubernetes.io/cluster/prod").Key() {
		t.Errorf("child tag key %s, want kubernetes.io/cluster/prod", got)
	}
	if c := child.Clusters[0]; c.Key != "name:prod" || c.ClusterSG != ClusterSGKey("name:prod") {
		t.Errorf("child cluster key %q, cluster SG %q", c.Key, c.ClusterSG)
	}
	if child.NodeGroups[0].ClusterKey != "name:prod" || child.SGs[1].ClusterSGOf != "name:prod" {
		t.Errorf("node group cluster %q, cluster SG of %q", child.NodeGroups[0].ClusterKey, child.SGs[1].ClusterSGOf)
	}
	if aliases[ClusterSGKey("sym:"+param.Key())] != ClusterSGKey("name:prod") {
		t.Errorf("no alias for the child's cluster SG: %v", aliases)
	}
	if got := parent.SGs[0].Tags[0].Key; got.String() != "prod-nodes" {
		t.Errorf("parent's GetAtt Child.Outputs.Name became %s, want prod-nodes", got)
	}
}
