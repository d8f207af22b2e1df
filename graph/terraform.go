package graph

import "strings"

// ClusterSGReference is how the cluster's own files write a reference to
// its cluster security group, for messages that say what to add: Terraform
// `aws_eks_cluster.x.vpc_config[0].cluster_security_group_id`, otherwise
// CloudFormation's `!GetAtt X.ClusterSecurityGroupId`. "" when the cluster
// is not a resource of the files.
func ClusterSGReference(c *Cluster) string {
	if !c.Defined || c.Resource == "" {
		return ""
	}
	if isTerraformAddress(c.Resource) {
		return c.Resource + ".vpc_config[0].cluster_security_group_id"
	}
	return "!GetAtt " + c.Resource + ".ClusterSecurityGroupId"
}

// isTerraformAddress reports whether a resource name is a Terraform
// address (`aws_eks_cluster.this`, `module.x.aws_eks_cluster.this[0]`).
func isTerraformAddress(s string) bool {
	return strings.HasPrefix(s, "aws_eks_cluster.") || strings.HasPrefix(s, "module.")
}

// RemoteAccessWording names a managed node group's remote-access settings
// as the files that define the group write them: Terraform's
// remote_access { ec2_ssh_key, source_security_group_ids }, otherwise
// CloudFormation's RemoteAccess { Ec2SshKey, SourceSecurityGroups }.
func RemoteAccessWording(sg *SecurityGroup) (block, key, sources string) {
	if strings.HasPrefix(string(sg.Key), "remote-access:tf:") {
		return "remote_access", "ec2_ssh_key", "source_security_group_ids"
	}
	return "RemoteAccess", "Ec2SshKey", "SourceSecurityGroups"
}
