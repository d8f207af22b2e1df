package graph

import (
	"fmt"
	"hash/maphash"
	"math/rand"
	"net/netip"
	"reflect"
	"testing"
)

// TestMergeRuleDedupHashCollisions merges random documents whose rules
// repeat, once with the real hash of rule keys and once with a hash that
// makes every key collide: the groups must get the same rules.
func TestMergeRuleDedupHashCollisions(t *testing.T) {
	docs := func() []*Document {
		r := rand.New(rand.NewSource(2))
		prefixes := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("10.0.0.0/8"), {}}
		var out []*Document
		for d := 0; d < 6; d++ {
			doc := &Document{File: "f.yaml"}
			for i := 0; i < 40; i++ {
				rl := &Rule{SG: SGKey([]string{"sg-1", "sg-2", "cfn:f.yaml#A"}[r.Intn(3)]), Direction: Direction(r.Intn(2)),
					Protocol: []int{ProtoAll, ProtoTCP, ProtoUDP}[r.Intn(3)], FromPort: r.Intn(3), ToPort: 3 + r.Intn(2),
					PortsKnown: r.Intn(5) != 0, Certain: r.Intn(3) != 0, Loc: Location{File: "f.yaml", Line: 1 + r.Intn(4)}}
				switch r.Intn(4) {
				case 0:
					rl.Peer = Peer{Kind: PeerCIDR, CIDR: prefixes[r.Intn(len(prefixes))]}
				case 1:
					rl.Peer = Peer{Kind: PeerUnknown}
				case 2:
					rl.Peer = Peer{Kind: PeerPrefixList, PrefixList: Lit([]string{"pl-1", "pl-2"}[r.Intn(2)])}
				default:
					rl.Peer = Peer{Kind: PeerSG, SG: SGKey([]string{"sg-1", "sg-3"}[r.Intn(2)])}
				}
				if r.Intn(6) == 0 {
					rl.Implicit = "default"
				}
				doc.Rules = append(doc.Rules, rl)
			}
			out = append(out, doc)
		}
		return out
	}
	summary := func(g *Graph) map[SGKey][]ruleKey {
		m := map[SGKey][]ruleKey{}
		for k, sg := range g.SGs {
			for _, r := range sg.Rules {
				m[k] = append(m[k], r.semanticKey())
			}
		}
		return m
	}
	want := summary(Merge(docs()))
	kept := 0
	for _, rs := range want {
		kept += len(rs)
	}
	if kept == 0 || kept == 6*40 {
		t.Fatalf("%d of %d rules kept: the test needs duplicates and distinct rules", kept, 6*40)
	}
	defer func(h func(maphash.Seed, ruleKey) uint64) { ruleHash = h }(ruleHash)
	ruleHash = func(maphash.Seed, ruleKey) uint64 { return 42 }
	got := summary(Merge(docs()))
	if len(got) != len(want) {
		t.Fatalf("%d groups with colliding hashes, want %d", len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if len(g) != len(w) {
			t.Fatalf("%s: %d rules with colliding hashes, want %d", k, len(g), len(w))
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s rule %d: %+v, want %+v", k, i, g[i], w[i])
			}
		}
	}
}

// TestDistinct checks both ways Distinct works (a scan up to 16 groups, a
// map beyond), against a plain implementation.
func TestDistinct(t *testing.T) {
	plain := func(ms []SGMember) []SGMember {
		var out []SGMember
	next:
		for _, m := range ms {
			for i := range out {
				if out[i].SG == m.SG {
					out[i].Certain = out[i].Certain || m.Certain
					continue next
				}
			}
			out = append(out, m)
		}
		return out
	}
	r := rand.New(rand.NewSource(3))
	for n := 0; n < 60; n++ {
		for _, keys := range []int{3, 1000} { // few keys: repeats; many: mostly none
			ms := make([]SGMember, n)
			for i := range ms {
				ms[i] = SGMember{SG: SGKey(fmt.Sprintf("sg-%d", r.Intn(keys))), Certain: r.Intn(2) == 0, Loc: Location{Line: i + 1}}
			}
			orig := append(make([]SGMember, 0, n), ms...)
			got, want := Distinct(ms), plain(ms)
			if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("n=%d keys=%d: Distinct %v, want %v", n, keys, got, want)
			}
			if !reflect.DeepEqual(ms, orig) {
				t.Fatalf("n=%d keys=%d: the input changed", n, keys)
			}
			if len(got) == len(ms) && n > 0 && &got[0] != &ms[0] {
				t.Errorf("n=%d keys=%d: no repeats, yet a copy", n, keys)
			}
		}
	}
}
