# Model of modules/eks-managed-node-group at v18.31.2 (see ../../main.tf).

variable "cluster_name" { default = null }
variable "name" { default = "" }
variable "vpc_security_group_ids" { default = [] }
variable "cluster_primary_security_group_id" { default = null }
variable "network_interfaces" { default = [] }
variable "create_launch_template" { default = true }
variable "launch_template_name" { default = "" }
variable "remote_access" { default = {} }
variable "create_security_group" { default = true }
variable "security_group_rules" { default = {} }
variable "security_group_tags" { default = {} }
variable "cluster_security_group_id" { default = "" }

# The group's own SG: created by default, no rules and no cluster tag
# unless the caller gives them.
# @ modules/eks-managed-node-group/main.tf:358-402 cause: eks_managed_node_groups.*.create_security_group, eks_managed_node_group_defaults.create_security_group
resource "aws_security_group" "this" {
  count = var.create_security_group ? 1 : 0
  name  = "${var.name}-eks-node-group"
  # @ modules/eks-managed-node-group/main.tf:358-402 cause: eks_managed_node_groups.*.security_group_tags, eks_managed_node_group_defaults.security_group_tags
  tags = merge({ Name = "${var.name}-eks-node-group" }, var.security_group_tags)
}

# @ modules/eks-managed-node-group/main.tf:358-402 cause: eks_managed_node_groups.*.security_group_rules, eks_managed_node_group_defaults.security_group_rules
resource "aws_security_group_rule" "this" {
  for_each                 = { for k, v in var.security_group_rules : k => v if var.create_security_group }
  security_group_id        = aws_security_group.this[0].id
  type                     = each.value.type
  protocol                 = each.value.protocol
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
  cidr_blocks              = try(each.value.cidr_blocks, null)
  ipv6_cidr_blocks         = try(each.value.ipv6_cidr_blocks, null)
  prefix_list_ids          = try(each.value.prefix_list_ids, null)
  self                     = try(each.value.self, null)
  source_security_group_id = try(each.value.source_security_group_id, try(each.value.source_cluster_security_group, false) ? var.cluster_security_group_id : null)
}

locals {
  # A custom launch template is used when the module creates one or the
  # caller names one (the root passes the group's key by default): only
  # create_launch_template = false with launch_template_name = "" leaves
  # the nodes on EKS's template.
  # @ modules/eks-managed-node-group/main.tf:33-38
  use_custom_launch_template = var.create_launch_template || var.launch_template_name != ""
}

# The SGs reach the nodes only through the module's own launch template
# (default on; off, EKS's template gives the nodes only the primary SG).
# @ modules/eks-managed-node-group/main.tf:42 cause: eks_managed_node_groups.*.create_launch_template, eks_managed_node_group_defaults.create_launch_template
resource "aws_launch_template" "this" {
  count = var.create_launch_template ? 1 : 0
  name  = "${var.name}-eks-node-group"
  # The group's own SG first, then the primary SG when attached, then the list.
  # With network_interfaces the groups go on each interface, after the
  # interface's own security_groups: the nodes carry the union.
  # @ modules/eks-managed-node-group/main.tf:42 cause: eks_managed_node_groups.*.attach_cluster_primary_security_group, eks_managed_node_group_defaults.attach_cluster_primary_security_group, eks_managed_node_groups.*.vpc_security_group_ids, eks_managed_node_group_defaults.vpc_security_group_ids, eks_managed_node_groups.*.network_interfaces
  vpc_security_group_ids = compact(concat(flatten([for ni in var.network_interfaces : try(ni.security_groups, [])]), aws_security_group.this[*].id, [var.cluster_primary_security_group_id], var.vpc_security_group_ids))
}

# @ modules/eks-managed-node-group/main.tf cause: eks_managed_node_groups
resource "aws_eks_node_group" "this" {
  count           = 1
  cluster_name    = var.cluster_name
  node_group_name = var.name

  # The module's template, else the caller's, by name.
  # @ modules/eks-managed-node-group/main.tf:267 cause: eks_managed_node_groups.*.launch_template_name, eks_managed_node_group_defaults.launch_template_name, eks_managed_node_groups.*.create_launch_template, eks_managed_node_group_defaults.create_launch_template
  dynamic "launch_template" {
    for_each = local.use_custom_launch_template ? [1] : []
    content {
      id      = var.create_launch_template ? aws_launch_template.this[0].id : null
      name    = var.create_launch_template ? null : var.launch_template_name
      version = "$Default"
    }
  }

  # EKS accepts remote_access only without a custom launch template.
  # @ modules/eks-managed-node-group/main.tf:309-315 cause: eks_managed_node_groups.*.remote_access, eks_managed_node_group_defaults.remote_access
  dynamic "remote_access" {
    for_each = !local.use_custom_launch_template && length(var.remote_access) > 0 ? [var.remote_access] : []
    content {
      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)
      source_security_group_ids = try(remote_access.value.source_security_group_ids, [])
    }
  }
}
