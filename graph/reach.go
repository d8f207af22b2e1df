package graph

import (
	"sort"
	"strings"
)

// Endpoint is one side of a flow: the set of security groups on its
// network interfaces (RULES.md: the control plane = the cluster SG plus the
// control-plane SGs; a node group = its node SGs).
type Endpoint struct {
	Name string
	SGs  []SGMember
	// Open is true when more groups may be attached than the files show.
	Open bool
	// Home is the file that defines the endpoint (homeNowhere for a
	// cluster no file defines; "" when not known): a group private to
	// another template cannot be among its groups, open or not.
	Home string
}

// homeNowhere is the Home of a cluster that no input defines.
const homeNowhere = "\x00nowhere"

// ControlPlane is the endpoint of a cluster's control plane.
func (g *Graph) ControlPlane(c *Cluster) Endpoint {
	e := Endpoint{Name: "control plane of cluster " + quote(c.DisplayName()), Open: !c.Defined || c.ControlPlaneSGsOpen, Home: homeNowhere}
	if c.Defined {
		e.Home = c.Loc.File
	}
	e.SGs = append(e.SGs, c.ControlPlaneSGs...)
	if c.HasClusterSG() {
		if c.ClusterSG == "" {
			e.Open = true
		} else {
			e.SGs = append(e.SGs, SGMember{SG: c.ClusterSG, Certain: true, Loc: c.Loc})
		}
	}
	return e
}

// Nodes is the endpoint of a node group.
func (g *Graph) Nodes(ng *NodeGroup) Endpoint {
	return Endpoint{Name: "node group " + quote(ng.Name), SGs: ng.SGs, Open: ng.SGsOpen, Home: ng.Loc.File}
}

func quote(s string) string { return `"` + s + `"` }

// Permits is the traffic a rule certainly allows (nothing when its
// protocol or ports are unknown).
func (r *Rule) Permits() Traffic {
	switch {
	case r.Protocol == ProtoAll:
		return AllTraffic()
	case r.Protocol == ProtoUnknown || !r.PortsKnown:
		return NoTraffic()
	case r.Protocol == ProtoTCP || r.Protocol == ProtoUDP:
		return ProtocolPorts(r.Protocol, Ports(r.FromPort, r.ToPort))
	case (r.Protocol == ProtoICMP || r.Protocol == ProtoICMPv6) && r.FromPort != -1:
		return NoTraffic() // one ICMP type: not the whole protocol
	}
	return ProtocolPorts(r.Protocol, AllPorts())
}

// MayPermit is the most a rule could allow.
func (r *Rule) MayPermit() Traffic {
	switch {
	case r.Protocol == ProtoAll || r.Protocol == ProtoUnknown:
		return AllTraffic()
	case !r.PortsKnown || (r.Protocol != ProtoTCP && r.Protocol != ProtoUDP):
		return ProtocolPorts(r.Protocol, AllPorts())
	}
	return ProtocolPorts(r.Protocol, Ports(r.FromPort, r.ToPort))
}

// Flow is the answer to "may this traffic go from A to B?".
type Flow struct {
	// Asked is the traffic in question.
	Asked Traffic
	// Allowed is the part of Asked proven to flow; Blocked the part proven
	// not to (every group on both sides fully known); the rest is unknown.
	Allowed, Blocked Traffic
	// EgressBlocked and IngressBlocked are the parts of Asked that the
	// source's egress, or the destination's ingress, certainly refuses.
	EgressBlocked, IngressBlocked Traffic
	// Evidence: the rules that allow the proven part.
	EgressRules, IngressRules []*Rule
	// IngressFromSource is what the destination admits from the source for
	// certain (all traffic, not only Asked), for messages such as "admits
	// only TCP 443".
	IngressFromSource Traffic
}

// Result summarises a flow: Yes when all of Asked is allowed, No when all
// of it is blocked, Unknown otherwise.
func (f Flow) Result() Tri {
	switch {
	case f.Allowed.Covers(f.Asked):
		return Yes
	case f.Blocked.Covers(f.Asked):
		return No
	}
	return Unknown
}

// Reach answers whether traffic can flow from one endpoint to another.
// Traffic flows when some egress rule of the source allows it towards the
// destination AND some ingress rule of the destination allows it from the
// source; rules are allow-only and unioned over all groups of a side.
func (g *Graph) Reach(from, to Endpoint, asked Traffic) Flow {
	out, outMay, outRules := g.side(from, to, Egress, asked)
	in, inMay, inRules := g.side(to, from, Ingress, asked)
	f := Flow{Asked: asked, IngressFromSource: in}
	f.Allowed = out.Intersect(in).Intersect(asked)
	f.Blocked = asked.Minus(outMay.Intersect(inMay))
	f.EgressBlocked = asked.Minus(outMay)
	f.IngressBlocked = asked.Minus(inMay)
	for _, r := range outRules {
		if !r.Permits().Intersect(f.Allowed).IsEmpty() {
			f.EgressRules = append(f.EgressRules, r)
		}
	}
	for _, r := range inRules {
		if !r.Permits().Intersect(f.Allowed).IsEmpty() {
			f.IngressRules = append(f.IngressRules, r)
		}
	}
	return f
}

// side computes what the groups of `self` certainly allow (sure) and might
// allow (may) in one direction with respect to `peer`, plus the rules that
// make up the certain part.
func (g *Graph) side(self, peer Endpoint, dir Direction, asked Traffic) (sure, may Traffic, rules []*Rule) {
	sure, may = NoTraffic(), NoTraffic()
	if self.Open {
		may = AllTraffic()
	}
	self.SGs = Distinct(self.SGs)
	lookups := 0
	if len(peer.SGs) > peerSetScanMax {
		lookups = g.lookups(self.SGs, dir)
	}
	ps := newPeerSet(peer, lookups)
	for _, m := range self.SGs {
		sg := g.SGs[m.SG]
		if sg == nil || !sg.Defined || sg.RulesOpen {
			may = AllTraffic() // rules not fully known: anything may be allowed
		}
		if sg == nil {
			continue
		}
		for _, r := range sg.Rules {
			if r.Direction != dir {
				continue
			}
			covers := g.peerCovers(r.Peer, ps)
			if covers == No {
				continue
			}
			may = may.Union(r.MayPermit())
			if covers == Yes && r.Certain && m.Certain {
				if p := r.Permits(); !p.IsEmpty() {
					sure = sure.Union(p)
					rules = append(rules, r)
				}
			}
		}
	}
	less := func(a, b *Rule) bool { return a.Loc.Less(b.Loc) }
	if !sort.SliceIsSorted(rules, func(i, j int) bool { return less(rules[i], rules[j]) }) {
		sort.SliceStable(rules, func(i, j int) bool { return less(rules[i], rules[j]) })
	}
	return sure, may, rules
}

// peerSetScanMax is the most groups a peerSet scans linearly.
const peerSetScanMax = 16

// peerSet is the groups of the other endpoint of a flow, for membership
// tests: a linear scan for the usual handful of groups, maps beyond.
type peerSet struct {
	sgs           []SGMember
	certain, held map[SGKey]bool
	open          bool
	home          string
}

// newPeerSet prepares for about `lookups` membership tests: maps only pay
// when there are both many groups and many tests (a control plane of a
// thousand groups asked about by a node group's three rules is scanned).
func newPeerSet(peer Endpoint, lookups int) peerSet {
	ps := peerSet{sgs: peer.SGs, open: peer.Open, home: peer.Home}
	if len(peer.SGs) > peerSetScanMax && lookups > 8 {
		ps.certain, ps.held = map[SGKey]bool{}, map[SGKey]bool{}
		for _, m := range peer.SGs {
			ps.held[m.SG] = true
			if m.Certain {
				ps.certain[m.SG] = true
			}
		}
	}
	return ps
}

// lookups counts the rules of the groups in one direction whose peer is a
// group: the membership tests side() makes.
func (g *Graph) lookups(sgs []SGMember, dir Direction) int {
	n := 0
	for _, m := range sgs {
		if sg := g.SGs[m.SG]; sg != nil {
			for _, r := range sg.Rules {
				if r.Direction == dir && r.Peer.Kind == PeerSG {
					n++
				}
			}
		}
	}
	return n
}

// has says whether k is one of the groups, and whether it certainly is.
func (ps *peerSet) has(k SGKey) (held, certain bool) {
	if ps.held != nil {
		return ps.held[k], ps.certain[k]
	}
	for _, m := range ps.sgs {
		if m.SG == k {
			held = true
			if m.Certain {
				return true, true
			}
		}
	}
	return held, false
}

// peerCovers says whether a rule's peer includes the other endpoint.
func (g *Graph) peerCovers(p Peer, ps peerSet) Tri {
	switch p.Kind {
	case PeerSG:
		held, certain := ps.has(p.SG)
		if certain {
			return Yes
		}
		if held {
			return Unknown
		}
		if g.privateElsewhere(p.SG, ps.home) {
			// Only its physical ID, given in some input, could put it there.
			for _, m := range ps.sgs {
				if g.identity(m.SG) == identityPhysical {
					return Unknown
				}
			}
			return No
		}
		if ps.open {
			return Unknown
		}
		for _, m := range ps.sgs {
			if g.SameGroup(p.SG, m.SG) != No {
				return Unknown
			}
		}
		return No
	case PeerCIDR:
		if !p.CIDR.IsValid() {
			return Unknown
		}
		// Every EKS node and control-plane interface has an IPv4 address,
		// so 0.0.0.0/0 covers it; whether ::/0 or a narrower range covers
		// it depends on addresses the files do not give.
		if p.CIDR.Addr().Is4() && p.CIDR.Bits() == 0 {
			return Yes
		}
		return Unknown
	case PeerPrefixList:
		// AWS-managed lists hold service ranges, but a customer-managed
		// list may hold the VPC's; the ID does not say which.
		return Unknown
	}
	return Unknown
}

// privateElsewhere says whether a group is private to a template other
// than home (RULES.md, "Groups a stack creates").
func (g *Graph) privateElsewhere(k SGKey, home string) bool {
	sg := g.SGs[k]
	return home != "" && sg != nil && sg.PrivateTo != "" && sg.PrivateTo != home
}

// identity classes: what the files settle about which group a key is.
const (
	identityUnknown  = iota // parameters, imports, custom-resource outputs
	identityPhysical        // an sg-… ID
	identityCreated         // created by a stack or by EKS; physical ID not known
)

func (g *Graph) identity(k SGKey) int {
	if strings.HasPrefix(string(k), "sg-") {
		return identityPhysical
	}
	sg := g.SGs[k]
	if sg != nil && (sg.Defined || sg.ClusterSGOf != "" || sg.RemoteAccessOf != "") {
		return identityCreated
	}
	return identityUnknown
}

// SameGroup says whether two keys name the same group. Two sg-… IDs, or
// two groups the files create, are different when their keys differ; an
// sg-… ID may be a group a stack or EKS created (its ID is not in the
// files), and a parameter or import may be any group.
func (g *Graph) SameGroup(a, b SGKey) Tri {
	if a == b {
		return Yes
	}
	ia, ib := g.identity(a), g.identity(b)
	if ia == identityUnknown || ib == identityUnknown || ia != ib {
		return Unknown
	}
	return No
}

// Distinct merges repeated groups (certain if any mention is certain),
// keeping first-seen order. When no group repeats it returns ms itself
// (rules call it for every node group of every scan): treat the result as
// read-only.
func Distinct(ms []SGMember) []SGMember {
	if len(ms) <= 16 {
		// A linear scan beats a map for the usual handful of groups.
		repeats := false
		for i := 1; i < len(ms) && !repeats; i++ {
			for j := 0; j < i; j++ {
				if ms[j].SG == ms[i].SG {
					repeats = true
					break
				}
			}
		}
		if !repeats {
			return ms
		}
		out := make([]SGMember, 0, len(ms))
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
	idx := make(map[SGKey]int, len(ms))
	var out []SGMember
	for i, m := range ms {
		if j, ok := idx[m.SG]; ok {
			if out == nil {
				out = append(make([]SGMember, 0, len(ms)), ms[:i]...)
			}
			out[j].Certain = out[j].Certain || m.Certain
			continue
		}
		idx[m.SG] = len(idx)
		if out != nil {
			out = append(out, m)
		}
	}
	if out == nil {
		return ms
	}
	return out
}
