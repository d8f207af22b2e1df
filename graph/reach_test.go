package graph

import (
	"net/netip"
	"testing"
)

// world is 0.0.0.0/0 as a peer.
var world = Peer{Kind: PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Expr: "0.0.0.0/0"}

func sgPeer(k SGKey) Peer { return Peer{Kind: PeerSG, SG: k} }

func rule(dir Direction, proto, from, to int, peer Peer) *Rule {
	return &Rule{Direction: dir, Protocol: proto, FromPort: from, ToPort: to, PortsKnown: true, Peer: peer, Certain: true}
}

// newGraph builds a graph of defined groups with the given rules.
func newGraph(groups map[SGKey][]*Rule) *Graph {
	g := &Graph{SGs: map[SGKey]*SecurityGroup{}}
	for k, rules := range groups {
		for _, r := range rules {
			r.SG = k
		}
		g.SGs[k] = &SecurityGroup{Key: k, Name: string(k), Defined: true, Rules: rules}
	}
	return g
}

func ep(keys ...SGKey) Endpoint {
	e := Endpoint{}
	for _, k := range keys {
		e.SGs = append(e.SGs, SGMember{SG: k, Certain: true})
	}
	return e
}

func tcpPorts(from, to int) Traffic { return ProtocolPorts(ProtoTCP, Ports(from, to)) }

func TestReachBothSidesNeeded(t *testing.T) {
	g := newGraph(map[SGKey][]*Rule{
		"nodes": {rule(Egress, ProtoAll, 0, 65535, world)},
		"cp":    {rule(Ingress, ProtoTCP, 443, 443, sgPeer("nodes")), rule(Egress, ProtoTCP, 1025, 65535, sgPeer("nodes"))},
	})
	g.SGs["nodes"].Rules = append(g.SGs["nodes"].Rules, rule(Ingress, ProtoTCP, 1025, 65535, sgPeer("cp")))
	nodes, cp := ep("nodes"), ep("cp")

	if f := g.Reach(nodes, cp, tcpPorts(443, 443)); f.Result() != Yes || len(f.EgressRules) != 1 || len(f.IngressRules) != 1 {
		t.Errorf("443 nodes->cp: %v, evidence %d/%d", f.Result(), len(f.EgressRules), len(f.IngressRules))
	}
	f := g.Reach(nodes, cp, tcpPorts(22, 22))
	if f.Result() != No || f.IngressBlocked.IsEmpty() || !f.EgressBlocked.IsEmpty() {
		t.Errorf("22 nodes->cp must be blocked by ingress only: %+v", f)
	}
	if got := f.IngressFromSource.String(); got != "TCP 443" {
		t.Errorf("cp admits from nodes %q, want TCP 443", got)
	}
	// The control plane's egress is restricted to 1025-65535: 443 back to
	// the nodes is blocked on the egress side as well as on ingress.
	f = g.Reach(cp, nodes, tcpPorts(443, 443))
	if f.Result() != No || f.EgressBlocked.IsEmpty() {
		t.Errorf("443 cp->nodes: egress must block: %+v", f)
	}
	// A question about a range answers which part flows.
	f = g.Reach(cp, nodes, tcpPorts(0, 65535))
	if f.Allowed.String() != "TCP 1025-65535" || f.Blocked.String() != "TCP 0-1024" || f.Result() != Unknown {
		t.Errorf("cp->nodes 0-65535: allowed %q blocked %q", f.Allowed, f.Blocked)
	}
}

func TestReachUnknowns(t *testing.T) {
	base := func() *Graph {
		return newGraph(map[SGKey][]*Rule{
			"nodes": {rule(Egress, ProtoAll, 0, 65535, world)},
			"cp":    {rule(Ingress, ProtoTCP, 443, 443, sgPeer("nodes"))},
		})
	}
	asked := tcpPorts(10250, 10250)

	// A group only referred to (rules unknown) can only add "allowed".
	g := base()
	g.SGs["param:x"] = &SecurityGroup{Key: "param:x", RulesOpen: true}
	if f := g.Reach(ep("nodes"), ep("cp", "param:x"), asked); f.Result() != Unknown {
		t.Errorf("unknown group on the destination: %v", f.Result())
	}
	// An open endpoint (e.g. an external launch template).
	g = base()
	open := ep("cp")
	open.Open = true
	if f := g.Reach(ep("nodes"), open, asked); f.Result() != Unknown {
		t.Errorf("open destination: %v", f.Result())
	}
	// A rule from a parameter group may be from the nodes' group.
	g = base()
	g.SGs["param:p"] = &SecurityGroup{Key: "param:p", RulesOpen: true}
	g.SGs["cp"].Rules = append(g.SGs["cp"].Rules, rule(Ingress, ProtoTCP, 10250, 10250, sgPeer("param:p")))
	if f := g.Reach(ep("nodes"), ep("cp"), asked); f.Result() != Unknown {
		t.Errorf("rule from a parameter group: %v", f.Result())
	}
	// A rule on a condition that cannot be evaluated.
	g = base()
	r := rule(Ingress, ProtoTCP, 10250, 10250, sgPeer("nodes"))
	r.Certain = false
	g.SGs["cp"].Rules = append(g.SGs["cp"].Rules, r)
	if f := g.Reach(ep("nodes"), ep("cp"), asked); f.Result() != Unknown {
		t.Errorf("conditional rule: %v", f.Result())
	}
	// Unknown ports or protocol: possibly allowed, never proven.
	g = base()
	r = rule(Ingress, ProtoTCP, 0, 0, sgPeer("nodes"))
	r.PortsKnown = false
	g.SGs["cp"].Rules = append(g.SGs["cp"].Rules, r)
	if f := g.Reach(ep("nodes"), ep("cp"), asked); f.Result() != Unknown {
		t.Errorf("unknown ports: %v", f.Result())
	}
}

func TestReachPeers(t *testing.T) {
	v6world := Peer{Kind: PeerCIDR, CIDR: netip.MustParsePrefix("::/0")}
	vpc := Peer{Kind: PeerCIDR, CIDR: netip.MustParsePrefix("10.0.0.0/16")}
	pl := Peer{Kind: PeerPrefixList, PrefixList: Lit("pl-63a5400a")}
	asked := tcpPorts(443, 443)
	for _, tc := range []struct {
		name   string
		egress Peer
		want   Tri
	}{
		{"IPv4 world covers every EKS interface", world, Yes},
		{"IPv6 world may not", v6world, Unknown},
		{"a narrower range may or may not", vpc, Unknown},
		{"a customer prefix list may hold the VPC range", pl, Unknown},
		{"another group", sgPeer("other"), No},
	} {
		g := newGraph(map[SGKey][]*Rule{
			"nodes": {rule(Egress, ProtoTCP, 443, 443, tc.egress)},
			"cp":    {rule(Ingress, ProtoAll, 0, 0, sgPeer("nodes"))},
			"other": nil,
		})
		if f := g.Reach(ep("nodes"), ep("cp"), asked); f.Result() != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, f.Result(), tc.want)
		}
	}
}

func TestReachSelfAndAllProtocol(t *testing.T) {
	// The cluster SG: all traffic from itself, all egress.
	g := newGraph(map[SGKey][]*Rule{
		"csg": {rule(Ingress, ProtoAll, 0, 65535, sgPeer("csg")), rule(Egress, ProtoAll, 0, 65535, world)},
	})
	if f := g.Reach(ep("csg"), ep("csg"), AllTraffic()); f.Result() != Yes {
		t.Errorf("cluster SG to itself: %v", f.Result())
	}
	// ICMP of one type is not the whole protocol.
	icmp := &Rule{Direction: Ingress, Protocol: ProtoICMP, FromPort: 8, ToPort: 0, PortsKnown: true, Peer: sgPeer("a"), Certain: true}
	if !icmp.Permits().IsEmpty() || icmp.MayPermit().Ports(ProtoICMP).IsEmpty() {
		t.Error("ICMP echo: permits nothing for certain, may permit ICMP")
	}
}
