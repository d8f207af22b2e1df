package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ControlPlaneToNodePrivilegedPorts is EKSSG024.
var ControlPlaneToNodePrivilegedPorts = register(&Analyzer{
	ID:    "EKSSG024",
	Name:  "control-plane-to-node-privileged-ports",
	Level: LevelWarning,
	Short: "A node rule opens privileged ports (0-1024, other than 443) to the control plane.",
	Full: "AWS configures node and control-plane security groups to prevent communication with the nodes' " +
		"privileged ports. This rule fires when a node security group's ingress rule whose source is a " +
		"control-plane security group (or a rule someone added that admits the cluster security group) " +
		"opens ports in 0-1024 other than TCP 443, and the control plane's egress allows them; the " +
		"message names the ports. EKS's own all-traffic rule on the cluster security group is by design " +
		"and does not count; nor does a rule admitting all traffic from the cluster security group (what " +
		"carrying the cluster security group gives: AWS's recommended set-up, eksctl's shared node group " +
		"rule, CDK's instance group rules), nor any rule from the cluster security group on nodes that " +
		"already carry it (it adds nothing). Running CNCF conformance tests is the known reason to allow it (suppress " +
		"the finding then).",
	Help:             "Narrow the rule to TCP 443 and TCP 1025-65535.",
	SecuritySeverity: "5.0",
	Tags:             []string{"eks", "security-group", "reachability", "privileged-ports"},
	Run:              runControlPlaneToNodePrivilegedPorts,
})

func runControlPlaneToNodePrivilegedPorts(p *Pass) {
	g := p.Graph
	privileged := graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(0, 1024).Minus(graph.Ports(443, 443))).
		Union(graph.ProtocolPorts(graph.ProtoUDP, graph.Ports(0, 1024)))
	type hit struct {
		rule  *graph.Rule
		c     *graph.Cluster
		sg    *graph.SecurityGroup
		open  graph.Traffic
		nodes []Related
		more  int
	}
	var hits []*hit
	byRule := map[*graph.Rule]*hit{}
	// Per cluster, once: the control plane, its groups, and one
	// PairChecker from it to each node group's group, so that a control
	// plane of many groups is read once, not once per node group.
	type clusterState struct {
		cpGroups map[graph.SGKey]bool
		pc       *graph.PairChecker
		index    map[graph.SGKey]int
	}
	_, byCluster := nodeGroupsByCluster(g)
	states := map[*graph.Cluster]*clusterState{}
	stateOf := func(c *graph.Cluster) *clusterState {
		if st := states[c]; st != nil {
			return st
		}
		cp := g.ControlPlane(c)
		st := &clusterState{cpGroups: map[graph.SGKey]bool{}, index: map[graph.SGKey]int{}}
		for _, m := range cp.SGs {
			if m.Certain {
				st.cpGroups[m.SG] = true
			}
		}
		eps := []graph.Endpoint{cp}
		for _, ng := range byCluster[c] {
			for _, m := range ng.SGs {
				if _, ok := st.index[m.SG]; !ok {
					st.index[m.SG] = len(eps)
					eps = append(eps, graph.Endpoint{Name: g.SGName(m.SG), SGs: []graph.SGMember{{SG: m.SG, Certain: true}}})
				}
			}
		}
		st.pc = g.NewPairChecker(eps, privileged)
		states[c] = st
		return st
	}
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		nodes, st := g.Nodes(ng), stateOf(c)
		cpGroups := st.cpGroups
		for _, m := range graph.Distinct(nodes.SGs) {
			sg := g.SG(m.SG)
			if !m.Certain || sg == nil {
				continue
			}
			for _, r := range sg.Rules {
				if r.Direction != graph.Ingress || !r.Certain || r.Implicit != "" || r.Peer.Kind != graph.PeerSG || !cpGroups[r.Peer.SG] {
					continue
				}
				if sg.ClusterSGOf != "" && r.Peer.SG == sg.Key && r.Protocol == graph.ProtoAll {
					continue // EKS's own rule on the cluster SG, however it was described
				}
				// A rule from the cluster SG that only gives what carrying
				// the cluster SG gives is AWS's recommended set-up (eksctl's
				// IngressDefaultClusterToNodeSG, CDK's instance SG rules),
				// and one on nodes that carry the cluster SG adds nothing.
				if g.IsClusterSG(g.SG(r.Peer.SG), c) == graph.Yes && (g.EquivalentToMembership(r) || g.AddsNothingFor(r, nodes)) {
					continue
				}
				opened := r.Permits().Intersect(privileged)
				if opened.IsEmpty() {
					continue
				}
				// The control plane must be able to send it too.
				allowed := st.pc.Check(0, st.index[sg.Key]).Allowed.Intersect(opened)
				if allowed.IsEmpty() {
					continue
				}
				h := byRule[r]
				if h == nil {
					h = &hit{rule: r, c: c, sg: sg, open: allowed}
					byRule[r] = h
					hits = append(hits, h)
				}
				if len(h.nodes) < maxRelatedListed {
					h.nodes = append(h.nodes, Related{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)})
				} else {
					h.more++
				}
			}
		}
	}
	for _, h := range hits {
		related := append([]Related{{Loc: h.c.Loc, Message: fmt.Sprintf("cluster %q", h.c.DisplayName())}}, capNote(h.nodes, h.more, "node groups")...)
		p.Reportf(about(clusterIdentity(h.c), ruleIdentity(h.rule)), h.rule.Loc, related,
			"node security group %s admits %s from %s (control plane of cluster %q), and the control plane may send it: privileged node ports are open to the control plane. Narrow the rule to TCP 443 and 1025-65535, unless you need this (e.g. CNCF conformance tests; then suppress EKSSG024).",
			h.sg.Name, h.open.String(), g.SGName(h.rule.Peer.SG), h.c.DisplayName())
	}
}
