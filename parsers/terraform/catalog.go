package terraform

// attachmentPaths lists the arguments of a resource type through which it
// places network interfaces in security groups.
func attachmentPaths(typ string) []string {
	if notAttachments[typ] {
		return nil
	}
	return sgAttachmentCatalog[typ]
}

// notAttachments are types whose group arguments are not placements:
// groups and their rules (a rule's group and peers), and the cluster
// itself (a control-plane group shared by clusters is EKSSG010's).
var notAttachments = map[string]bool{
	"aws_security_group": true, "aws_default_security_group": true, "aws_security_group_rule": true,
	"aws_vpc_security_group_ingress_rule": true, "aws_vpc_security_group_egress_rule": true,
	"aws_eks_cluster": true,
}
