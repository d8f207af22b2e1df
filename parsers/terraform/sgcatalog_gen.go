package terraform

// placeholder until the generated catalog lands
var sgAttachmentCatalog = map[string][]string{
	"aws_launch_template": {"vpc_security_group_ids", "security_group_names", "network_interfaces[].security_groups"},
	"aws_instance":        {"vpc_security_group_ids", "security_groups"},
}
