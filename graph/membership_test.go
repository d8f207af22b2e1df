package graph

import "testing"

// membershipGraph: cluster SG "csg" (described, all traffic from itself),
// group "ctrl" with a narrower self rule, node group "a" on csg and "x",
// node group "b" on "x" only, and a bastion placed in csg.
func membershipGraph() *Graph {
	loc := func(line int) Location { return Location{File: "f.yaml", Line: line} }
	self := func(sg SGKey, proto, from, to int) *Rule {
		return &Rule{SG: sg, Direction: Ingress, Protocol: proto, FromPort: from, ToPort: to, PortsKnown: true,
			Peer: Peer{Kind: PeerSG, SG: sg}, Certain: true, Loc: loc(1)}
	}
	doc := &Document{File: "f.yaml",
		SGs: []*SecurityGroup{
			{Key: "csg", Defined: true, ClusterSGOf: "name:prod", Rules: []*Rule{self("csg", ProtoAll, 0, 65535)}},
			{Key: "ctrl", Defined: true, Rules: []*Rule{self("ctrl", ProtoTCP, 443, 443)}},
			{Key: "x", Defined: true},
			{Key: "open-csg", ClusterSGOf: "name:other", RulesOpen: true},
		},
		Clusters: []*Cluster{{Key: "name:prod", Name: Lit("prod"), Defined: true, ClusterSG: "csg"}},
		NodeGroups: []*NodeGroup{
			{Key: "a", ClusterKey: "name:prod", SGs: []SGMember{{SG: "csg", Certain: true, Loc: loc(10)}, {SG: "x", Certain: true, Loc: loc(10)}}},
			{Key: "b", ClusterKey: "name:prod", SGs: []SGMember{{SG: "x", Certain: true, Loc: loc(20)}}},
		},
		Attachments: []Attachment{
			{SG: "csg", Certain: true, Resource: "NodesLT", ResourceType: "AWS::EC2::LaunchTemplate", Loc: loc(10)},
			{SG: "csg", Certain: true, Resource: "Cluster", ResourceType: "AWS::EKS::Cluster", Loc: loc(2)},
			{SG: "csg", Certain: true, Resource: "Bastion", ResourceType: "AWS::EC2::Instance", Loc: loc(30)},
			{SG: "csg", Certain: false, Resource: "Maybe", ResourceType: "AWS::EC2::Instance", Loc: loc(40)},
		},
	}
	return Merge([]*Document{doc})
}

func TestSelfAdmits(t *testing.T) {
	g := membershipGraph()
	for _, tc := range []struct {
		sg   SGKey
		want Traffic
	}{
		{"csg", AllTraffic()},
		{"ctrl", ProtocolPorts(ProtoTCP, Ports(443, 443))},
		{"x", NoTraffic()},
		{"open-csg", AllTraffic()}, // EKS's default rule, whatever the files say
		{"missing", NoTraffic()},
	} {
		if got := g.SelfAdmits(tc.sg); !got.Equal(tc.want) {
			t.Errorf("SelfAdmits(%s) = %s, want %s", tc.sg, got, tc.want)
		}
	}
}

func TestMembershipEquivalence(t *testing.T) {
	g := membershipGraph()
	rule := func(peer SGKey, proto, from, to int) *Rule {
		return &Rule{SG: "x", Direction: Ingress, Protocol: proto, FromPort: from, ToPort: to, PortsKnown: true,
			Peer: Peer{Kind: PeerSG, SG: peer}, Certain: true}
	}
	a, b := g.Nodes(g.NodeGroups[0]), g.Nodes(g.NodeGroups[1])
	allFromCSG, sshFromCSG := rule("csg", ProtoAll, 0, 0), rule("csg", ProtoTCP, 22, 22)
	allTCPFromCSG := rule("csg", ProtoTCP, 0, 65535)
	allFromCtrl, httpsFromCtrl := rule("ctrl", ProtoAll, 0, 0), rule("ctrl", ProtoTCP, 443, 443)

	if !g.EquivalentToMembership(allFromCSG) {
		t.Error("all traffic from a group admitting all from itself: want equivalent to membership")
	}
	for name, r := range map[string]*Rule{"TCP 22": sshFromCSG, "all TCP ports": allTCPFromCSG, "all from a group with a narrower self rule": allFromCtrl} {
		if g.EquivalentToMembership(r) {
			t.Errorf("%s: want not equivalent to membership", name)
		}
	}
	if !g.AddsNothingFor(sshFromCSG, a) || !g.AddsNothingFor(allTCPFromCSG, a) {
		t.Error("rules from the cluster SG on nodes carrying it: want adds nothing")
	}
	if g.AddsNothingFor(sshFromCSG, b) {
		t.Error("TCP 22 from the cluster SG on nodes without it: want adds something")
	}
	if g.AddsNothingFor(httpsFromCtrl, a) {
		t.Error("a rule from a group the nodes do not carry: want adds something")
	}
	egress := *sshFromCSG
	egress.Direction = Egress
	if g.AddsNothingFor(&egress, a) || g.EquivalentToMembership(&egress) {
		t.Error("egress rules are not about membership")
	}
}

func TestCarriersBesides(t *testing.T) {
	g := membershipGraph()
	got := g.CarriersBesides("csg", g.NodeGroups)
	if len(got) != 2 || got[0].Resource != "Bastion" || got[1].Resource != "Maybe" {
		t.Errorf("CarriersBesides = %+v, want the bastion and the conditional instance (not the nodes' launch template or the cluster)", got)
	}
	if got := g.CarriersBesides("x", g.NodeGroups); len(got) != 0 {
		t.Errorf("CarriersBesides(x) = %+v, want none", got)
	}
}
