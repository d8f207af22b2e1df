package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeGroupWithoutClusterSG is EKSSG026.
var NodeGroupWithoutClusterSG = register(&Analyzer{
	ID:    "EKSSG026",
	Name:  "node-group-without-cluster-sg",
	Level: LevelNote,
	Short: "A node group does not carry the cluster security group.",
	Full: "AWS recommends adding the cluster security group to all existing and future node groups: it lets " +
		"the control plane, managed node groups and these nodes talk freely without hand-written rules. " +
		"This rule fires when every security group of a node group is known and none of them is the " +
		"cluster security group: self-managed nodes, or a managed node group whose launch template sets " +
		"its own groups (EKS then does not add the cluster security group). Clusters below Kubernetes " +
		"1.14 have no cluster security group and are exempt.",
	Help: "Add the cluster security group (CloudFormation: !GetAtt <Cluster>.ClusterSecurityGroupId; CLI: " +
		"aws eks describe-cluster --query cluster.resourcesVpcConfig.clusterSecurityGroupId) to the node " +
		"group's launch template or instance security groups.",
	SecuritySeverity: "2.0",
	Tags:             []string{"eks", "security-group", "node-group"},
	Run:              runNodeGroupWithoutClusterSG,
})

func runNodeGroupWithoutClusterSG(p *Pass) {
	g := p.Graph
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil || !c.HasClusterSG() || ng.SGsOpen {
			continue
		}
		members := graph.Distinct(ng.SGs)
		if len(members) == 0 {
			continue
		}
		proven := true
		var keys []graph.SGKey
		for _, m := range members {
			keys = append(keys, m.SG)
			if g.IsClusterSG(g.SG(m.SG), c) != graph.No {
				proven = false
				break
			}
		}
		if !proven {
			continue
		}
		fix := "aws eks describe-cluster --query cluster.resourcesVpcConfig.clusterSecurityGroupId"
		if ref := graph.ClusterSGReference(c); ref != "" {
			fix = ref
		}
		p.Reportf(about(clusterIdentity(c), nodeGroupIdentity(ng)), ng.SGsLoc, []Related{{Loc: ng.Loc, Message: fmt.Sprintf("node group %q", ng.Name)}},
			"%s does not carry the cluster security group (its groups: %s); AWS recommends adding it to every node group (%s).",
			nodeGroupPhrase(ng, c), sgNames(g, keys), fix)
	}
}
