package graph

// Membership equivalence: when a rule grants nothing beyond what carrying
// a group gives (RULES.md, EKSSG024 and EKSSG027). Carrying group P means
// receiving what P admits from its own members; a rule that admits from P
// no more than that, on endpoints that carry P, adds nothing, and a rule
// admitting all traffic from a group that admits all traffic from itself
// gives its holders what P's members give each other.

// SelfAdmits is the traffic group k certainly admits from its own members:
// its certain ingress rules whose peer is k itself. The EKS-created cluster
// security group admits all traffic from itself (EKS's default rule, which
// no template can remove) even when the files do not describe its rules.
func (g *Graph) SelfAdmits(k SGKey) Traffic {
	sg := g.SGs[k]
	if sg == nil {
		return NoTraffic()
	}
	if sg.ClusterSGOf != "" && (!sg.Defined || sg.RulesOpen) {
		return AllTraffic()
	}
	t := NoTraffic()
	for _, r := range sg.Rules {
		if r.Direction == Ingress && r.Certain && r.Peer.Kind == PeerSG && r.Peer.SG == k {
			t = t.Union(r.Permits())
		}
	}
	return t
}

// AddsNothingFor reports whether ingress rule r gives endpoint e nothing
// that e's membership of r's peer group does not already give: e certainly
// carries the peer group P, and P admits from its own members everything r
// may admit. (The rule's source is P's members; so is the self rule's.)
func (g *Graph) AddsNothingFor(r *Rule, e Endpoint) bool {
	if r.Direction != Ingress || r.Peer.Kind != PeerSG {
		return false
	}
	carries := false
	for _, m := range e.SGs {
		if m.SG == r.Peer.SG && m.Certain {
			carries = true
			break
		}
	}
	return carries && g.SelfAdmits(r.Peer.SG).Covers(r.MayPermit())
}

// EquivalentToMembership reports whether ingress rule r admits from its
// peer group P exactly what carrying P gives: all traffic, from a group
// that admits all traffic from itself. The holders of r's group then
// receive from P's members what they would receive by carrying P.
func (g *Graph) EquivalentToMembership(r *Rule) bool {
	return r.Direction == Ingress && r.Peer.Kind == PeerSG && r.Certain &&
		r.Permits().IsAll() && g.SelfAdmits(r.Peer.SG).IsAll()
}

// CarriersBesides lists the attachments of group k (certain or on some
// condition branch) to resources other than the network interfaces of the
// given node groups and of clusters' control planes: the other resources
// placed in the group (a bastion, a CI runner, a function). A node group's
// own attachments are told by the place its group is listed, which the
// parsers record for the node group and for the attachment alike.
func (g *Graph) CarriersBesides(k SGKey, nodes []*NodeGroup) []Attachment {
	type site struct {
		sg  SGKey
		loc Location
	}
	ofNodes := map[site]bool{}
	for _, ng := range nodes {
		for _, m := range ng.SGs {
			if m.SG == k {
				ofNodes[site{m.SG, m.Loc}] = true
			}
		}
	}
	var out []Attachment
	for _, i := range g.attachmentsOf(k) {
		a := g.Attachments[i]
		if a.ResourceType == "AWS::EKS::Cluster" || ofNodes[site{a.SG, a.Loc}] {
			continue
		}
		out = append(out, a)
	}
	return out
}

// attachmentsOf indexes g.Attachments by group on first use (rules run in
// parallel, hence the Once; scanning every attachment per question is
// quadratic in a scan of many clusters).
func (g *Graph) attachmentsOf(k SGKey) []int {
	g.attachOnce.Do(func() {
		g.attachIndex = map[SGKey][]int{}
		for i, a := range g.Attachments {
			g.attachIndex[a.SG] = append(g.attachIndex[a.SG], i)
		}
	})
	return g.attachIndex[k]
}
