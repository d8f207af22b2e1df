package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeClusterTagMissing is EKSSG001.
var NodeClusterTagMissing = register(&Analyzer{
	ID:    "EKSSG001",
	Name:  "node-cluster-tag-missing",
	Level: LevelError,
	Short: "None of a node group's security groups carries the kubernetes.io/cluster/<cluster> tag.",
	Full: "Exactly one of the security groups attached to a cluster's nodes must carry the tag " +
		"kubernetes.io/cluster/<cluster-name> (value owned). This rule fires when every security group " +
		"of a node group is known and none carries that tag key. Without it, the AWS cloud provider and " +
		"the AWS Load Balancer Controller cannot tell which group to add load balancer rules to, so " +
		"Services of type LoadBalancer fail to reach the nodes.",
	Help: "Add the tag kubernetes.io/cluster/<cluster-name>: owned to exactly one security group of the " +
		"node group (usually the node security group), or attach the cluster security group, which EKS " +
		"tags itself.",
	SecuritySeverity: "7.0",
	Tags:             []string{"eks", "security-group", "tagging"},
	Run:              runNodeClusterTagMissing,
})

func runNodeClusterTagMissing(p *Pass) {
	g := p.Graph
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		if ng.SGsOpen {
			p.Skipf(ng.Loc, "%s: not all of its security groups are known, so a missing cluster tag cannot be proven", nodeGroupPhrase(ng, c))
			continue
		}
		members := graph.Distinct(ng.SGs)
		if len(members) == 0 {
			continue
		}
		var keys []graph.SGKey
		var target *graph.SecurityGroup
		proven := true
		for _, m := range members {
			sg := g.SG(m.SG)
			keys = append(keys, m.SG)
			if _, carries := g.ClusterTag(sg, c); carries != graph.No {
				proven = false
				break
			}
			if target == nil && sg.Defined && sg.RemoteAccessOf == "" && sg.ClusterSGOf == "" {
				target = sg
			}
		}
		if !proven {
			continue
		}
		at := ng.SGsLoc
		advice := "attach the cluster security group or tag one of them"
		related := []Related{{Loc: ng.Loc, Message: fmt.Sprintf("node group %q", ng.Name)}}
		if target != nil {
			at = target.Loc
			advice = fmt.Sprintf("add the tag %s: owned to %s", graph.ClusterTagKey(c), target.Name)
			related = append(related, Related{Loc: ng.SGsLoc, Message: "its security groups are set here"})
		}
		p.Reportf(about(clusterIdentity(c), nodeGroupIdentity(ng)), at, related, "%s: none of its security groups (%s) carries tag %s; exactly one must. To fix, %s.",
			nodeGroupPhrase(ng, c), sgNames(g, keys), graph.ClusterTagKey(c), advice)
	}
}
