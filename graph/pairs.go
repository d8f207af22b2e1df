package graph

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
// identity, …). PairChecker indexes each side's rules by the group they
// name and memoises the rest by those facts, so one pair costs about the
// peer's groups, whatever the number of rules of the side.
type PairChecker struct {
	g     *Graph
	asked Traffic
	// direct holds the endpoints when there are too few to memoise (then
	// isDirect is set).
	direct   []Endpoint
	isDirect bool
	eps      []pairEndpoint
}

// PairFlow is what PairChecker.Check answers about a pair: the fields and
// the Result of Reach's Flow.
type PairFlow struct {
	Allowed, Blocked, IngressBlocked, EgressBlocked Traffic
	// IngressFromSource is what the destination certainly admits from the
	// source (all traffic, not only the asked).
	IngressFromSource Traffic
	Result            Tri
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
	sgs []SGMember // its groups (repeats allowed)
	// member says, for an endpoint of many groups, which it holds and
	// whether certainly (nil for a handful: they are scanned).
	member map[SGKey]bool
	flags  uint8
	sides  [2]pairSide // by Direction
}

// pairSide is one direction of one endpoint's groups.
type pairSide struct {
	// base and baseSure are what the side may and certainly does allow
	// whatever the peer: everything may be allowed when the endpoint or one
	// of its groups is open; every rule whose peer is not a group may cover
	// the peer, and one to 0.0.0.0/0 certainly does.
	base, baseSure Traffic
	// sgRules are the rules whose peer is a group, and byPeer indexes them
	// by that group: what the side allows a peer depends on the rules
	// naming groups the peer holds, plus, for the other rules, only on the
	// peer's flags (unheld, memoised by flags). So one question costs the
	// peer's groups, not the side's rules: a control plane of a thousand
	// groups asked about a thousand node groups stays linear.
	sgRules []pairRule
	byPeer  map[SGKey][]int32
	unheld  map[uint8]Traffic
}

type pairRule struct {
	peer     SGKey
	identity int
	// may is what the rule may permit; sure what it certainly permits
	// when the peer certainly holds its group (empty unless the rule and
	// the group's membership of the endpoint are certain).
	may, sure Traffic
}

// pairCheckerMin is the number of endpoints from which memoising pays;
// fewer are simply handed to Reach.
const pairCheckerMin = 5

// NewPairChecker prepares the endpoints for Check.
func (g *Graph) NewPairChecker(eps []Endpoint, asked Traffic) *PairChecker {
	if len(eps) < pairCheckerMin {
		return &PairChecker{g: g, asked: asked, direct: eps, isDirect: true}
	}
	pc := &PairChecker{g: g, asked: asked, eps: make([]pairEndpoint, len(eps))}
	for i, e := range eps {
		pe := &pc.eps[i]
		if e.Open {
			pe.flags |= peerOpen
		}
		pe.sgs = e.SGs
		if len(e.SGs) > peerSetScanMax {
			pe.member = make(map[SGKey]bool, len(e.SGs))
			for _, m := range e.SGs {
				pe.member[m.SG] = pe.member[m.SG] || m.Certain
			}
		}
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
	if len(s.sgRules) > 0 {
		s.byPeer = map[SGKey][]int32{}
		for i, r := range s.sgRules {
			s.byPeer[r.peer] = append(s.byPeer[r.peer], int32(i))
		}
		s.unheld = map[uint8]Traffic{}
	}
	return s
}

// coversFlags is peerCovers(...) != No for a rule whose peer is a group,
// for a peer with these flags that holds (or does not hold) the group.
func (r *pairRule) coversFlags(flags uint8, holds bool) bool {
	switch {
	case holds || flags&(peerOpen|peerHasUnknown) != 0:
		return true
	case flags&peerNonEmpty == 0:
		return false
	case r.identity == identityUnknown:
		return true
	case r.identity == identityPhysical:
		return flags&peerHasCreated != 0
	}
	return flags&peerHasPhysical != 0 // identityCreated
}

// side is what endpoint i's groups may and certainly do allow in
// direction dir with respect to endpoint j (side()'s `may` and `sure`).
func (pc *PairChecker) side(i, j int, dir Direction) (may, sure Traffic) {
	self, peer := &pc.eps[i], &pc.eps[j]
	s := &self.sides[dir]
	may, sure = s.base, s.baseSure
	if len(s.sgRules) == 0 {
		return may, sure
	}
	// A rule naming a group the peer does not hold may still cover it (a
	// group of unknown identity, an open peer): that depends on the peer's
	// flags only. A rule naming a group the peer holds always may.
	unheld, ok := s.unheld[peer.flags]
	if !ok {
		for idx := range s.sgRules {
			if r := &s.sgRules[idx]; r.coversFlags(peer.flags, false) {
				unheld = unheld.Union(r.may)
			}
		}
		s.unheld[peer.flags] = unheld
	}
	may = may.Union(unheld)
	if peer.member != nil && len(s.byPeer) < len(peer.sgs) {
		// A peer of many groups (a control plane described by many
		// files): look up the side's few named groups in it instead.
		for k, idxs := range s.byPeer {
			certain, held := peer.member[k]
			if !held {
				continue
			}
			for _, idx := range idxs {
				r := &s.sgRules[idx]
				may = may.Union(r.may)
				if certain {
					sure = sure.Union(r.sure)
				}
			}
		}
		return may, sure
	}
	for _, m := range peer.sgs {
		for _, idx := range s.byPeer[m.SG] {
			r := &s.sgRules[idx]
			may = may.Union(r.may)
			if m.Certain {
				sure = sure.Union(r.sure)
			}
		}
	}
	return may, sure
}

// EgressSureToAll is what endpoint i's egress certainly allows to any
// address whatever the peer (rules to 0.0.0.0/0); nothing when the
// endpoints were too few to prepare.
func (pc *PairChecker) EgressSureToAll(i int) Traffic {
	if pc.isDirect {
		return NoTraffic()
	}
	return pc.eps[i].sides[Egress].baseSure
}

// Check answers for Reach(eps[from], eps[to], asked).
func (pc *PairChecker) Check(from, to int) PairFlow {
	if pc.isDirect {
		f := pc.g.Reach(pc.direct[from], pc.direct[to], pc.asked)
		return PairFlow{Allowed: f.Allowed, Blocked: f.Blocked, IngressBlocked: f.IngressBlocked, EgressBlocked: f.EgressBlocked,
			IngressFromSource: f.IngressFromSource, Result: f.Result()}
	}
	outMay, outSure := pc.side(from, to, Egress)
	inMay, inSure := pc.side(to, from, Ingress)
	f := Flow{Asked: pc.asked, Allowed: outSure.Intersect(inSure).Intersect(pc.asked),
		Blocked: pc.asked.Minus(outMay.Intersect(inMay))}
	return PairFlow{Allowed: f.Allowed, Blocked: f.Blocked, IngressBlocked: pc.asked.Minus(inMay), EgressBlocked: pc.asked.Minus(outMay),
		IngressFromSource: inSure, Result: f.Result()}
}
