package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeToAPIServerBlocked is EKSSG020.
var NodeToAPIServerBlocked = register(&Analyzer{
	ID:    "EKSSG020",
	Name:  "node-to-api-server-443-blocked",
	Level: LevelError,
	Short: "A node group cannot reach the cluster's API server on TCP 443.",
	Full: "Nodes register with and talk to the Kubernetes API server on TCP 443. AWS's minimum rules are " +
		"inbound TCP 443 on the control-plane security group from all node security groups, and outbound " +
		"TCP 443 from the nodes to the control-plane security group. This rule fires when every security " +
		"group on both sides is known and no combination of a node egress rule and a control-plane " +
		"ingress rule allows TCP 443; the message says which side blocks. It applies when the cluster's " +
		"private endpoint access is on: nodes in the VPC then reach the API server through the control " +
		"plane's network interfaces (with only the public endpoint, they go through the internet and " +
		"EKSSG025 covers their egress). Nodes that cannot reach the API server never become Ready.",
	Help: "Add an ingress rule for TCP 443 from the node security group to the control-plane security " +
		"group, and make sure the node security group's egress allows TCP 443 to it (the default " +
		"allow-all egress does).",
	SecuritySeverity: "7.0",
	Tags:             []string{"eks", "security-group", "reachability"},
	Run:              runNodeToAPIServerBlocked,
})

func runNodeToAPIServerBlocked(p *Pass) {
	g := p.Graph
	asked := tcp(443, 443)
	sites := &siteSet{}
	flows := newControlPlaneFlows(g, asked)
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		switch c.EndpointPrivate {
		case graph.No:
			continue // nodes use the public endpoint; control-plane groups are not in the path
		case graph.Unknown:
			p.Skipf(ng.Loc, "%s: whether the cluster's private endpoint is on is not known, so the path to the API server is not known", nodeGroupPhrase(ng, c))
			continue
		}
		f, nodeSG, cpSG, ok := blockedFlow(p, flows, ng, c, false, "whether it reaches the API server on TCP 443")
		if !ok {
			continue
		}
		nodes, cp := g.Nodes(ng), flows.by[c].cp
		also := ""
		if !f.IngressBlocked.IsEmpty() {
			if !f.EgressBlocked.IsEmpty() {
				also = fmt.Sprintf(" Their egress (%s) allows no TCP 443 to the control plane either: also add an egress rule from %s to %s.",
					endpointSGNames(g, nodes), nodeSG.Name, cpSG.Name)
			}
			sites.add(about(clusterIdentity(c), sgSetIdentity(nodes), "blocked=control-plane-ingress"), cpSG.Loc, ng, []Related{{Loc: nodeSG.Loc, Message: groupRole(nodeSG, "node security group")}},
				fmt.Sprintf("nodes of cluster %q cannot reach the API server on TCP 443: the control plane (%s) admits %s from their security groups (%s); add an ingress rule for TCP 443 from %s to %s.%s",
					c.DisplayName(), endpointSGNames(g, cp), admitted(f), endpointSGNames(g, nodes), nodeSG.Name, cpSG.Name, also))
			continue
		}
		sites.add(about(clusterIdentity(c), sgSetIdentity(nodes), "blocked=node-egress"), nodeSG.Loc, ng, []Related{{Loc: cpSG.Loc, Message: groupRole(cpSG, "control-plane security group")}},
			fmt.Sprintf("nodes of cluster %q cannot reach the API server on TCP 443: the egress of their security groups (%s) allows no TCP 443 to the control plane; add an egress rule for TCP 443 from %s to %s.",
				c.DisplayName(), endpointSGNames(g, nodes), nodeSG.Name, cpSG.Name))
	}
	sites.report(p)
}
