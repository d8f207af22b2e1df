package terraform

import (
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
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
