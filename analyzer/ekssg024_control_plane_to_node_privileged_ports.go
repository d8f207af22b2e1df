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
	cpGroupsOf := map[*graph.Cluster]map[graph.SGKey]bool{}
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		nodes, cp := g.Nodes(ng), g.ControlPlane(c)
		cpGroups := cpGroupsOf[c] // once per cluster, not per node group
		if cpGroups == nil {
			cpGroups = map[graph.SGKey]bool{}
			for _, m := range cp.SGs {
				if m.Certain {
					cpGroups[m.SG] = true
				}
			}
			cpGroupsOf[c] = cpGroups
		}
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
				f := g.Reach(cp, graph.Endpoint{Name: sg.Name, SGs: []graph.SGMember{{SG: sg.Key, Certain: true}}}, opened)
				if f.Allowed.IsEmpty() {
					continue
				}
				h := byRule[r]
				if h == nil {
					h = &hit{rule: r, c: c, sg: sg, open: f.Allowed}
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
