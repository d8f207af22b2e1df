package graph

import "encoding/binary"

// PairChecker answers, for every ordered pair of a list of endpoints, part
// of what Reach(from, to, asked) answers: Flow.Blocked,
// Flow.IngressBlocked and Flow.Result(), exactly as Reach computes them,
// without building a Flow per pair. Rules that compare all pairs (node group to node group)
// would otherwise do quadratic work with a large constant: a cluster with a
// thousand node groups has a million pairs.
//
// What one side of a flow may allow depends on the other endpoint only
// through which of its groups the side's rules name as peers, plus a few
// facts about the rest (is it open, does it hold a group of unknown
// identity, …). PairChecker memoises each side on exactly that, and each
// pair on the two sides' values.
type PairChecker struct {
	g     *Graph
	asked Traffic
	// direct holds the endpoints when there are too few to memoise (then
	// isDirect is set).
	direct   []Endpoint
	isDirect bool
	eps      []pairEndpoint
	// values interns traffic values; pairs memoises a pair's answer by the
	// interned values of its two sides.
	values map[string]int32
	vals   []Traffic
	pairs  map[[4]int32]PairFlow
}

// PairFlow is what PairChecker.Check answers about a pair: the fields and
// the Result of Reach's Flow.
type PairFlow struct {
	Blocked, IngressBlocked Traffic
	Result                  Tri
}

// Peer flags of an endpoint, as peerCovers sees it.
const (
	peerOpen = 1 << iota
	peerNonEmpty
	peerHasUnknown  // a group of unknown identity (a parameter, an import)
	peerHasPhysical // an sg-… ID
	peerHasCreated  // a group a stack or EKS creates
)

type pairEndpoint struct {
	sgs   []SGMember // its groups (repeats allowed)
	flags uint8
	sides [2]pairSide // by Direction
}

// pairSide is one direction of one endpoint's groups.
type pairSide struct {
	// base and baseSure are what the side may and certainly does allow
	// whatever the peer: everything may be allowed when the endpoint or one
	// of its groups is open; every rule whose peer is not a group may cover
	// the peer, and one to 0.0.0.0/0 certainly does.
	base, baseSure Traffic
	// baseIDs are their interned values, once baseInterned.
	baseIDs      [2]int32
	baseInterned bool
	// sgRules are the rules whose peer is a group.
	sgRules []pairRule
	// bit numbers the groups those rules name (when at most 64), to key
	// memo by the peer's flags and which of them the peer holds (certainly).
	bit  map[SGKey]uint
	memo map[pairMemoKey][2]int32
}

type pairRule struct {
	peer     SGKey
	identity int
	// may is what the rule may permit; sure what it certainly permits
	// when the peer certainly holds its group (empty unless the rule and
	// the group's membership of the endpoint are certain).
	may, sure Traffic
}

type pairMemoKey struct {
	flags         uint8
	mask, certain uint64
}

// pairCheckerMin is the number of endpoints from which memoising pays;
// fewer are simply handed to Reach.
const pairCheckerMin = 5

// NewPairChecker prepares the endpoints for Check.
func (g *Graph) NewPairChecker(eps []Endpoint, asked Traffic) *PairChecker {
	if len(eps) < pairCheckerMin {
		return &PairChecker{g: g, asked: asked, direct: eps, isDirect: true}
	}
	pc := &PairChecker{g: g, asked: asked, eps: make([]pairEndpoint, len(eps)),
		values: map[string]int32{}, pairs: map[[4]int32]PairFlow{}}
	for i, e := range eps {
		pe := &pc.eps[i]
		if e.Open {
			pe.flags |= peerOpen
		}
		pe.sgs = e.SGs
		for _, m := range e.SGs {
			pe.flags |= peerNonEmpty
			switch g.identity(m.SG) {
			case identityUnknown:
				pe.flags |= peerHasUnknown
			case identityPhysical:
				pe.flags |= peerHasPhysical
			case identityCreated:
				pe.flags |= peerHasCreated
			}
		}
		for _, dir := range []Direction{Ingress, Egress} {
			pe.sides[dir] = g.pairSide(e, dir)
		}
	}
	return pc
}

// pairSide gathers what side() reads of one endpoint in one direction.
func (g *Graph) pairSide(self Endpoint, dir Direction) pairSide {
	s := pairSide{}
	if self.Open {
		s.base = AllTraffic()
	}
	for _, m := range Distinct(self.SGs) {
		sg := g.SGs[m.SG]
		if sg == nil || !sg.Defined || sg.RulesOpen {
			s.base = AllTraffic()
		}
		if sg == nil {
			continue
		}
		for _, r := range sg.Rules {
			if r.Direction != dir {
				continue
			}
			var sure Traffic
			if r.Certain && m.Certain {
				sure = r.Permits()
			}
			if r.Peer.Kind != PeerSG {
				s.base = s.base.Union(r.MayPermit())
				if g.peerCovers(r.Peer, peerSet{}) == Yes {
					s.baseSure = s.baseSure.Union(sure)
				}
				continue
			}
			s.sgRules = append(s.sgRules, pairRule{peer: r.Peer.SG, identity: g.identity(r.Peer.SG), may: r.MayPermit(), sure: sure})
		}
	}
	s.bit = map[SGKey]uint{}
	for _, r := range s.sgRules {
		if _, ok := s.bit[r.peer]; !ok {
			s.bit[r.peer] = uint(len(s.bit))
		}
	}
	if len(s.bit) <= 64 {
		s.memo = map[pairMemoKey][2]int32{}
	}
	return s
}

// covers is peerCovers(...) != No for a rule whose peer is a group:
// certainly or possibly one of the peer's groups.
func (r *pairRule) covers(peer *pairEndpoint, holds bool) bool {
	switch {
	case holds || peer.flags&(peerOpen|peerHasUnknown) != 0:
		return true
	case peer.flags&peerNonEmpty == 0:
		return false
	case r.identity == identityUnknown:
		return true
	case r.identity == identityPhysical:
		return peer.flags&peerHasCreated != 0
	}
	return peer.flags&peerHasPhysical != 0 // identityCreated
}

// side is the interned values of what endpoint i's groups may and
// certainly do allow in direction dir with respect to endpoint j (side()'s
// `may` and `sure`).
func (pc *PairChecker) side(i, j int, dir Direction) [2]int32 {
	self, peer := &pc.eps[i], &pc.eps[j]
	s := &self.sides[dir]
	if len(s.sgRules) == 0 {
		if !s.baseInterned {
			s.baseIDs, s.baseInterned = [2]int32{pc.intern(s.base), pc.intern(s.baseSure)}, true
		}
		return s.baseIDs
	}
	var key pairMemoKey
	if s.memo != nil {
		key.flags = peer.flags
		for _, m := range peer.sgs {
			if b, ok := s.bit[m.SG]; ok {
				key.mask |= 1 << b
				if m.Certain {
					key.certain |= 1 << b
				}
			}
		}
		if ids, ok := s.memo[key]; ok {
			return ids
		}
	}
	may, sure := s.base, s.baseSure
	for idx := range s.sgRules {
		r := &s.sgRules[idx]
		var holds, certain bool
		if s.memo != nil {
			b := uint64(1) << s.bit[r.peer]
			holds, certain = key.mask&b != 0, key.certain&b != 0
		} else {
			ps := peerSet{sgs: peer.sgs}
			holds, certain = ps.has(r.peer)
		}
		if r.covers(peer, holds) {
			may = may.Union(r.may)
		}
		if certain {
			sure = sure.Union(r.sure)
		}
	}
	ids := [2]int32{pc.intern(may), pc.intern(sure)}
	if s.memo != nil {
		s.memo[key] = ids
	}
	return ids
}

// intern numbers traffic values so that equal ones share a number.
func (pc *PairChecker) intern(t Traffic) int32 {
	k := t.key()
	if id, ok := pc.values[k]; ok {
		return id
	}
	id := int32(len(pc.vals))
	pc.vals = append(pc.vals, t)
	pc.values[k] = id
	return id
}

// Check answers for Reach(eps[from], eps[to], asked).
func (pc *PairChecker) Check(from, to int) PairFlow {
	if pc.isDirect {
		f := pc.g.Reach(pc.direct[from], pc.direct[to], pc.asked)
		return PairFlow{Blocked: f.Blocked, IngressBlocked: f.IngressBlocked, Result: f.Result()}
	}
	out := pc.side(from, to, Egress)
	in := pc.side(to, from, Ingress)
	k := [4]int32{out[0], out[1], in[0], in[1]}
	if r, ok := pc.pairs[k]; ok {
		return r
	}
	outMay, outSure, inMay, inSure := pc.vals[out[0]], pc.vals[out[1]], pc.vals[in[0]], pc.vals[in[1]]
	f := Flow{Asked: pc.asked, Allowed: outSure.Intersect(inSure).Intersect(pc.asked),
		Blocked: pc.asked.Minus(outMay.Intersect(inMay))}
	r := PairFlow{Blocked: f.Blocked, IngressBlocked: pc.asked.Minus(inMay), Result: f.Result()}
	pc.pairs[k] = r
	return r
}

// key is a compact identity of t (equal sets, equal keys).
func (t Traffic) key() string {
	b := make([]byte, 0, 32+8*(len(t.tcp.ranges)+len(t.udp.ranges))+4)
	for _, w := range t.other {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	for _, s := range []PortSet{t.tcp, t.udp} {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(s.ranges)))
		for _, r := range s.ranges {
			b = binary.LittleEndian.AppendUint32(b, uint32(r.From)<<16|uint32(r.To))
		}
	}
	return string(b)
}
