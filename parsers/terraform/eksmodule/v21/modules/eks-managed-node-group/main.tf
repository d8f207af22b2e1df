# Model of modules/eks-managed-node-group at v21.19.0 (see ../../main.tf).

variable "cluster_name" { default = null }
variable "name" { default = "" }
variable "vpc_security_group_ids" { default = [] }
variable "cluster_primary_security_group_id" { default = null }
variable "network_interfaces" { default = [] }
variable "use_custom_launch_template" { default = true }
variable "create_launch_template" { default = true }
variable "launch_template_id" { default = "" }
variable "remote_access" { default = {} }
variable "create_security_group" { default = true }
variable "security_group_ingress_rules" { default = {} }
variable "security_group_egress_rules" { default = {} }
variable "enable_efa_support" { default = false }

locals {
  # EFA adds all traffic to and from the group's own SG, ahead of the
  # caller's rules (same key replaces).
  # @ modules/eks-managed-node-group/main.tf:722-758
  efa_self_rule = { all_self_efa = { ip_protocol = "-1", self = true } }
  ingress_rules = merge({ for k, v in local.efa_self_rule : k => v if var.enable_efa_support }, var.security_group_ingress_rules)
  egress_rules  = merge({ for k, v in local.efa_self_rule : k => v if var.enable_efa_support }, var.security_group_egress_rules)
  # The group's own SG exists only when it has rules
  # (modules/eks-managed-node-group/main.tf@v21.19.0:720; variables.tf:722).
  create_security_group = var.create_security_group && (length(local.ingress_rules) > 0 || length(local.egress_rules) > 0)
}

# No kubernetes.io/cluster tag.
# @ modules/eks-managed-node-group/main.tf:720 cause: eks_managed_node_groups.*.security_group_ingress_rules, eks_managed_node_groups.*.security_group_egress_rules
resource "aws_security_group" "this" {
  count = local.create_security_group ? 1 : 0
  name  = "${var.cluster_name}-${var.name}"
}

# @ modules/eks-managed-node-group/main.tf:720-790 cause: eks_managed_node_groups.*.security_group_ingress_rules, eks_managed_node_groups.*.enable_efa_support
resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each                     = { for k, v in local.ingress_rules : k => v if local.create_security_group }
  security_group_id            = aws_security_group.this[0].id
  ip_protocol                  = try(each.value.ip_protocol, "tcp")
  from_port                    = try(each.value.ip_protocol, "tcp") == "-1" ? null : try(each.value.from_port, null)
  to_port                      = try(each.value.ip_protocol, "tcp") == "-1" ? null : try(each.value.to_port, null)
  cidr_ipv4                    = try(each.value.cidr_ipv4, null)
  cidr_ipv6                    = try(each.value.cidr_ipv6, null)
  prefix_list_id               = try(each.value.prefix_list_id, null)
  referenced_security_group_id = try(each.value.self, false) ? aws_security_group.this[0].id : try(each.value.referenced_security_group_id, null)
}

# @ modules/eks-managed-node-group/main.tf:720-790 cause: eks_managed_node_groups.*.security_group_egress_rules, eks_managed_node_groups.*.enable_efa_support
resource "aws_vpc_security_group_egress_rule" "this" {
  for_each                     = { for k, v in local.egress_rules : k => v if local.create_security_group }
  security_group_id            = aws_security_group.this[0].id
  ip_protocol                  = try(each.value.ip_protocol, "tcp")
  from_port                    = try(each.value.ip_protocol, "tcp") == "-1" ? null : try(each.value.from_port, null)
  to_port                      = try(each.value.ip_protocol, "tcp") == "-1" ? null : try(each.value.to_port, null)
  cidr_ipv4                    = try(each.value.cidr_ipv4, null)
  cidr_ipv6                    = try(each.value.cidr_ipv6, null)
  prefix_list_id               = try(each.value.prefix_list_id, null)
  referenced_security_group_id = try(each.value.self, false) ? aws_security_group.this[0].id : try(each.value.referenced_security_group_id, null)
}

# The SGs reach the nodes only through the module's own launch template
# (default on; off, EKS's template gives the nodes only the primary SG).
# @ modules/eks-managed-node-group/variables.tf:124 cause: eks_managed_node_groups.*.use_custom_launch_template
resource "aws_launch_template" "this" {
  # @ modules/eks-managed-node-group/main.tf:99
  count = var.create_launch_template && var.use_custom_launch_template ? 1 : 0
  name  = "${var.name}-eks-node-group"
  # The group's own SG first (managed groups only).
  # With network_interfaces the groups go on each interface, after the
  # interface's own security_groups: the nodes carry the union.
  # @ modules/eks-managed-node-group/main.tf:95 cause: eks_managed_node_groups.*.attach_cluster_primary_security_group, eks_managed_node_groups.*.vpc_security_group_ids, eks_managed_node_groups.*.network_interfaces
  vpc_security_group_ids = compact(concat(flatten([for ni in var.network_interfaces : try(ni.security_groups, [])]), aws_security_group.this[*].id, [var.cluster_primary_security_group_id], var.vpc_security_group_ids))
}

# @ modules/eks-managed-node-group/main.tf cause: eks_managed_node_groups
resource "aws_eks_node_group" "this" {
  count           = 1
  cluster_name    = var.cluster_name
  node_group_name = var.name

  dynamic "launch_template" {
    for_each = var.use_custom_launch_template ? [1] : []
    # The module's template, else the caller's (launch_template_id).
    # @ modules/eks-managed-node-group/main.tf:444 cause: eks_managed_node_groups.*.launch_template_id, eks_managed_node_groups.*.create_launch_template
    content {
      id      = var.create_launch_template ? aws_launch_template.this[0].id : var.launch_template_id
      version = "$Default"
    }
  }

  # EKS accepts remote_access only without a custom launch template.
  # @ modules/eks-managed-node-group/main.tf:490-496 cause: eks_managed_node_groups.*.remote_access
  dynamic "remote_access" {
    for_each = !var.use_custom_launch_template && length(var.remote_access) > 0 ? [var.remote_access] : []
    content {
      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)
      source_security_group_ids = try(remote_access.value.source_security_group_ids, [])
    }
  }
}
