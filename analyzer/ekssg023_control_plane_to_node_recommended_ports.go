package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ControlPlaneToNodeRecommendedPorts is EKSSG023.
var ControlPlaneToNodeRecommendedPorts = register(&Analyzer{
	ID:    "EKSSG023",
	Name:  "control-plane-to-node-recommended-ports",
	Level: LevelNote,
	Short: "The control plane cannot reach nodes on TCP 443 or on part of TCP 1025-65535.",
	Full: "AWS recommends that the control plane can reach the nodes on TCP 443 and TCP 1025-65535: admission " +
		"webhooks, the metrics server and other aggregated APIs run on nodes and are called by the API " +
		"server on those ports. This rule fires when every security group on both sides is known and " +
		"some of those ports are certainly blocked; the message names them.",
	Help: "Add node ingress rules for TCP 443 and TCP 1025-65535 from the control-plane security group, and " +
		"matching egress rules on the control-plane security group if its egress is restricted.",
	SecuritySeverity: "2.0",
	Tags:             []string{"eks", "security-group", "reachability"},
	Run:              runControlPlaneToNodeRecommendedPorts,
})

func runControlPlaneToNodeRecommendedPorts(p *Pass) {
	g := p.Graph
	asked := tcp(443, 443).Union(tcp(1025, 65535))
	sites := &siteSet{}
	flows := newControlPlaneFlows(g, asked)
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		f, cp := flows.flow(ng, c, true)
		nodes := g.Nodes(ng)
		if f.Blocked.IsEmpty() {
			if f.Result == graph.Unknown {
				p.Skipf(ng.Loc, "%s: whether the control plane reaches it on TCP 443 and 1025-65535 depends on security groups or addresses the files do not settle", nodeGroupPhrase(ng, c))
			}
			continue
		}
		nodeSG, ok := fixTarget(g, nodes)
		cpSG, ok2 := fixTarget(g, cp)
		if !ok || !ok2 {
			continue
		}
		at, side := nodeSG.Loc, fmt.Sprintf("add node ingress rules from %s to %s", cpSG.Name, nodeSG.Name)
		if f.IngressBlocked.IsEmpty() {
			at, side = cpSG.Loc, fmt.Sprintf("add egress rules from %s to %s", cpSG.Name, nodeSG.Name)
		}
		// One finding per fix: node groups whose fix is the same rule on
		// the same group share it.
		fixOn := nodeSG
		if f.IngressBlocked.IsEmpty() {
			fixOn = cpSG
		}
		sites.add(about(clusterIdentity(c), "fix="+sgIdentity(fixOn.Key), trafficIdentity(f.Blocked)), at, ng, []Related{{Loc: cpSG.Loc, Message: groupRole(cpSG, "control-plane security group")}},
			fmt.Sprintf("control plane of cluster %q cannot reach nodes on %s (AWS recommends TCP 443 and 1025-65535 for webhooks and aggregated APIs); %s.",
				c.DisplayName(), f.Blocked.String(), side))
	}
	sites.report(p)
}
