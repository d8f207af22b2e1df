package analyzer

import "fmt"

// ControlPlaneToKubeletBlocked is EKSSG021.
var ControlPlaneToKubeletBlocked = register(&Analyzer{
	ID:    "EKSSG021",
	Name:  "control-plane-to-kubelet-10250-blocked",
	Level: LevelError,
	Short: "The control plane cannot reach a node group's kubelet on TCP 10250.",
	Full: "The API server reaches each node's kubelet on TCP 10250 for kubectl logs, exec, port-forward and " +
		"metrics. AWS's minimum rules are outbound TCP 10250 from the control-plane security group to all " +
		"node security groups, and inbound TCP 10250 on the nodes from the control-plane security group. " +
		"This rule fires when every security group on both sides is known and no rule pair allows it; " +
		"the message says which side blocks.",
	Help: "Add an ingress rule on the node security group for TCP 10250 from the control-plane security " +
		"group (AWS recommends TCP 1025-65535), and an egress rule on the control-plane security group " +
		"to the node security group if its egress is restricted.",
	SecuritySeverity: "7.0",
	Tags:             []string{"eks", "security-group", "reachability"},
	Run:              runControlPlaneToKubeletBlocked,
})

func runControlPlaneToKubeletBlocked(p *Pass) {
	g := p.Graph
	asked := tcp(10250, 10250)
	sites := &siteSet{}
	flows := newControlPlaneFlows(g, asked)
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		f, nodeSG, cpSG, ok := blockedFlow(p, flows, ng, c, true, "whether the control plane reaches its kubelet on TCP 10250")
		if !ok {
			continue
		}
		nodes, cp := g.Nodes(ng), flows.by[c].cp
		also := ""
		if !f.IngressBlocked.IsEmpty() {
			if !f.EgressBlocked.IsEmpty() {
				also = fmt.Sprintf(" The control plane's egress (%s) allows no TCP 10250 to them either: also add an egress rule from %s to %s.",
					endpointSGNames(g, cp), cpSG.Name, nodeSG.Name)
			}
			sites.add(about(clusterIdentity(c), sgSetIdentity(nodes), "blocked=node-ingress"), nodeSG.Loc, ng, []Related{{Loc: cpSG.Loc, Message: groupRole(cpSG, "control-plane security group")}},
				fmt.Sprintf("control plane of cluster %q cannot reach nodes on TCP 10250: their security groups (%s) admit %s from the control plane (%s); add an ingress rule for TCP 10250 (AWS recommends 1025-65535) from %s to %s.%s",
					c.DisplayName(), endpointSGNames(g, nodes), admitted(f), endpointSGNames(g, cp), cpSG.Name, nodeSG.Name, also))
			continue
		}
		sites.add(about(clusterIdentity(c), sgSetIdentity(nodes), "blocked=control-plane-egress"), cpSG.Loc, ng, []Related{{Loc: nodeSG.Loc, Message: groupRole(nodeSG, "node security group")}},
			fmt.Sprintf("control plane of cluster %q cannot reach nodes on TCP 10250: the egress of the control plane's security groups (%s) allows no TCP 10250 to their security groups (%s); add an egress rule for TCP 10250 (AWS recommends 1025-65535) from %s to %s.",
				c.DisplayName(), endpointSGNames(g, cp), endpointSGNames(g, nodes), cpSG.Name, nodeSG.Name))
	}
	sites.report(p)
}
