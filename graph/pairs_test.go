package graph

import (
	"fmt"
	"math/rand"
	"net/netip"
	"testing"
)

// randomGraph builds groups of every identity class (created by a
// template, physical sg-… IDs, parameters, undescribed) with random rules,
// and endpoints on random subsets of them. When closed, every group is
// described and no endpoint is open (so that no side is simply "anything").
func randomGraph(r *rand.Rand, nGroups, nEndpoints, maxEndpointSGs int, closed bool) (*Graph, []Endpoint) {
	g := &Graph{SGs: map[SGKey]*SecurityGroup{}}
	var keys []SGKey
	for i := 0; i < nGroups; i++ {
		var k SGKey
		sg := &SecurityGroup{Defined: true}
		switch r.Intn(5) {
		case 0, 1:
			k = ResourceSGKey("f.yaml", fmt.Sprintf("G%d", i))
		case 2:
			k = SGKey(fmt.Sprintf("sg-%08x", i))
		case 3:
			k = ParamSGKey("f.yaml", fmt.Sprintf("P%d", i))
			sg.Defined = false
		default:
			k = ImportSGKey(fmt.Sprintf("export-%d", i))
			sg.Defined = r.Intn(2) == 0
		}
		sg.Key, sg.Name = k, string(k)
		sg.RulesOpen = r.Intn(10) == 0
		if closed {
			sg.Defined, sg.RulesOpen = true, false
		}
		if r.Intn(8) == 0 {
			sg.ClusterSGOf = "name:c"
		}
		g.SGs[k] = sg
		keys = append(keys, k)
	}
	protos := []int{ProtoAll, ProtoTCP, ProtoTCP, ProtoUDP, ProtoICMP, ProtoUnknown, 50}
	for _, k := range keys {
		for n := r.Intn(6); n > 0; n-- {
			from := r.Intn(70000) - 2000
			rl := &Rule{SG: k, Direction: Direction(r.Intn(2)), Protocol: protos[r.Intn(len(protos))],
				FromPort: from, ToPort: from + r.Intn(3000), PortsKnown: r.Intn(6) != 0, Certain: r.Intn(4) != 0}
			kind := r.Intn(5)
			if closed && (nGroups > 64 || r.Intn(4) != 0) {
				kind, rl.Protocol = 4, ProtoTCP // mostly narrow rules naming groups
			}
			switch kind {
			case 0:
				rl.Peer = Peer{Kind: PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0")}
			case 1:
				rl.Peer = Peer{Kind: PeerCIDR, CIDR: netip.MustParsePrefix("10.0.0.0/8")}
			case 2:
				rl.Peer = Peer{Kind: PeerPrefixList}
			default:
				rl.Peer = Peer{Kind: PeerSG, SG: keys[r.Intn(len(keys))]}
			}
			g.SGs[k].Rules = append(g.SGs[k].Rules, rl)
		}
	}
	eps := make([]Endpoint, nEndpoints)
	for i := range eps {
		e := Endpoint{Open: !closed && r.Intn(8) == 0}
		for n := r.Intn(maxEndpointSGs + 1); n > 0; n-- {
			k := keys[r.Intn(len(keys))]
			if !closed && r.Intn(10) == 0 {
				k = SGKey(fmt.Sprintf("sg-missing%d", r.Intn(3))) // not in the graph
			}
			e.SGs = append(e.SGs, SGMember{SG: k, Certain: r.Intn(4) != 0})
		}
		eps[i] = e
	}
	return g, eps
}

// TestPairCheckerMatchesReach compares PairChecker with Reach on every
// pair of endpoints of random graphs, both with the memo (few peer groups)
// and without it (more than 64).
func TestPairCheckerMatchesReach(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	askeds := []Traffic{AllTraffic(), ProtocolPorts(ProtoTCP, Ports(443, 443)),
		ProtocolPorts(ProtoTCP, Ports(53, 53)).Union(ProtocolPorts(ProtoUDP, Ports(53, 53)))}
	manyPeers := 0
	results := map[Tri]int{}
	for round := 0; round < 60; round++ {
		nGroups, maxSGs, closed := 4+r.Intn(12), 4, round%3 == 0
		if round%10 == 9 {
			nGroups, maxSGs, closed = 150, 80, true // sides naming more than 64 peer groups
		}
		nEndpoints := 25
		if round%7 == 6 {
			nEndpoints = pairCheckerMin - 1 // handed to Reach
		}
		g, eps := randomGraph(r, nGroups, nEndpoints, maxSGs, closed)
		asked := askeds[round%len(askeds)]
		pc := g.NewPairChecker(eps, asked)
		for _, e := range pc.eps {
			for _, s := range e.sides {
				if len(s.byPeer) > 64 {
					manyPeers++
				}
			}
		}
		for i := range eps {
			for j := range eps {
				f := g.Reach(eps[i], eps[j], asked)
				got := pc.Check(i, j)
				if !got.Blocked.Equal(f.Blocked) || !got.IngressBlocked.Equal(f.IngressBlocked) || got.Result != f.Result() ||
					!got.EgressBlocked.Equal(f.EgressBlocked) || !got.Allowed.Equal(f.Allowed) || !got.IngressFromSource.Equal(f.IngressFromSource) {
					t.Fatalf("round %d, pair %d->%d: PairChecker blocked %q (ingress %q), %v; Reach blocked %q (ingress %q), %v",
						round, i, j, got.Blocked, got.IngressBlocked, got.Result, f.Blocked, f.IngressBlocked, f.Result())
				}
				results[f.Result()]++
			}
		}
	}
	if results[Yes] == 0 || results[No] == 0 || results[Unknown] == 0 {
		t.Errorf("results %v: every answer must be tested", results)
	}
	if manyPeers == 0 {
		t.Error("no side named more than 64 peer groups: large sides were not tested")
	}
}
