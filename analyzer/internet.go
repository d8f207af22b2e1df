package analyzer

import (
	"net/netip"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// worldUnions lists, for one group, the sets of its certain ingress rules
// from address ranges that permit the same traffic and together cover the
// internet though none is 0.0.0.0/0 or ::/0 alone.
func worldUnions(sg *graph.SecurityGroup) [][]*graph.Rule {
	type shape struct {
		proto, from, to int
		known           bool
	}
	var order []shape
	by := map[shape][]*graph.Rule{}
	for _, r := range sg.Rules {
		if r.Direction != graph.Ingress || !r.Certain || r.Peer.Kind != graph.PeerCIDR || r.IsWorldOpen() {
			continue
		}
		k := shape{r.Protocol, r.FromPort, r.ToPort, r.PortsKnown}
		if len(by[k]) == 0 {
			order = append(order, k)
		}
		by[k] = append(by[k], r)
	}
	var out [][]*graph.Rule
	for _, k := range order {
		rules := by[k]
		if len(rules) < 2 {
			continue
		}
		prefixes := make([]netip.Prefix, len(rules))
		for i, r := range rules {
			prefixes[i] = r.Peer.CIDR
		}
		if graph.UnionIsWorld(prefixes) {
			out = append(out, rules)
		}
	}
	return out
}
