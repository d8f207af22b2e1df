# Model of modules/self-managed-node-group at v18.31.2 (see ../../main.tf).

variable "cluster_name" { default = null }
variable "name" { default = "" }
variable "vpc_security_group_ids" { default = [] }
variable "cluster_primary_security_group_id" { default = null }
variable "network_interfaces" { default = [] }
variable "create_security_group" { default = true }
variable "security_group_rules" { default = {} }
variable "security_group_tags" { default = {} }
variable "cluster_security_group_id" { default = "" }
variable "create_launch_template" { default = true }
variable "launch_template_name" { default = "" }

# The group's own SG: created by default, no rules and no cluster tag.
# @ modules/self-managed-node-group/main.tf:453-480 cause: self_managed_node_groups.*.create_security_group, self_managed_node_group_defaults.create_security_group
resource "aws_security_group" "this" {
  count = var.create_security_group ? 1 : 0
  name  = "${var.name}-node-group"
  # @ modules/self-managed-node-group/main.tf:453-480 cause: self_managed_node_groups.*.security_group_tags, self_managed_node_group_defaults.security_group_tags
  tags = merge({ Name = "${var.name}-node-group" }, var.security_group_tags)
}

# @ modules/self-managed-node-group/main.tf:453-480 cause: self_managed_node_groups.*.security_group_rules, self_managed_node_group_defaults.security_group_rules
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

# @ modules/self-managed-node-group/main.tf:48 cause: self_managed_node_groups.*.attach_cluster_primary_security_group, self_managed_node_group_defaults.attach_cluster_primary_security_group, self_managed_node_groups.*.vpc_security_group_ids, self_managed_node_group_defaults.vpc_security_group_ids, self_managed_node_groups.*.network_interfaces
resource "aws_launch_template" "this" {
  # @ modules/self-managed-node-group/main.tf:52 cause: self_managed_node_groups.*.create_launch_template, self_managed_node_group_defaults.create_launch_template
  count                  = var.create_launch_template ? 1 : 0
  name                   = "${var.name}-node-group"
  # With network_interfaces the groups go on each interface, after the
  # interface's own security_groups: the nodes carry the union
  # (modules/self-managed-node-group/main.tf:215).
  vpc_security_group_ids = compact(concat(flatten([for ni in var.network_interfaces : try(ni.security_groups, [])]), aws_security_group.this[*].id, [var.cluster_primary_security_group_id], var.vpc_security_group_ids))
}

# @ modules/self-managed-node-group/main.tf cause: self_managed_node_groups
resource "aws_autoscaling_group" "this" {
  count = 1
  name  = var.name
  # The module's template, else the caller's, by name.
  # @ modules/self-managed-node-group/main.tf:260 cause: self_managed_node_groups.*.launch_template_name, self_managed_node_group_defaults.launch_template_name, self_managed_node_groups.*.create_launch_template, self_managed_node_group_defaults.create_launch_template
  launch_template {
    id      = var.create_launch_template ? aws_launch_template.this[0].id : null
    name    = var.create_launch_template ? null : var.launch_template_name
    version = "$Default"
  }
  tag {
    key                 = "kubernetes.io/cluster/${var.cluster_name}"
    value               = "owned"
    propagate_at_launch = true
  }
}
