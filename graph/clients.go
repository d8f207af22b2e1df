package graph

// ClusterSGClients lists the resources of the files, other than the given
// node groups, placed in the cluster security group of c: a bastion, a CI
// runner, or the kubectl provider functions aws-cdk-lib's aws_eks.Cluster
// puts in the VPC with `securityGroups: cluster.kubectlSecurityGroup ?
// [cluster.kubectlSecurityGroup]` (aws/aws-cdk aws-eks lib/kubectl-provider.ts),
// which is the cluster SG (the synthesized Handler and framework-onEvent
// functions carry
// `VpcConfig.SecurityGroupIds: [Ref <...>ClusterSecurityGroupId]`, e.g.
// integ.access-entry-removal-policy.js.snapshot/*KubectlProvider*.nested.template.json).
// The cluster SG admits all traffic from itself, so each is a path to the
// API server (RULES.md, EKSSG027). An attachment is a node's when a node
// group's own group list holds that group at that very place.
//
// Instances tied to the cluster only by carrying its cluster SG
// (LinkByClusterSG: no cluster tag, no bootstrap user data) are not counted
// as nodes: they may be such clients themselves. Conditional attachments
// count: a client path on some branch means the finding does not hold on
// every branch.
func (g *Graph) ClusterSGClients(c *Cluster, nodes []*NodeGroup) []Attachment {
	if c.ClusterSG == "" {
		return nil
	}
	var proven []*NodeGroup
	for _, ng := range nodes {
		if ng.ClusterLink != LinkByClusterSG {
			proven = append(proven, ng)
		}
	}
	return g.CarriersBesides(c.ClusterSG, proven)
}
