# Model of modules/self-managed-node-group at v19.21.0 (see ../../main.tf).

variable "cluster_name" { default = null }
variable "name" { default = "" }
variable "vpc_security_group_ids" { default = [] }
variable "cluster_primary_security_group_id" { default = null }
variable "network_interfaces" { default = [] }
variable "create_launch_template" { default = true }
variable "launch_template_id" { default = "" }

# @ modules/self-managed-node-group/main.tf:44 cause: self_managed_node_groups.*.attach_cluster_primary_security_group, self_managed_node_group_defaults.attach_cluster_primary_security_group, self_managed_node_groups.*.vpc_security_group_ids, self_managed_node_group_defaults.vpc_security_group_ids, self_managed_node_groups.*.network_interfaces
resource "aws_launch_template" "this" {
  # @ modules/self-managed-node-group/main.tf:48
  count                  = var.create_launch_template ? 1 : 0
  name                   = "${var.name}-node-group"
  # With network_interfaces the groups go on each interface, after the
  # interface's own security_groups: the nodes carry the union
  # (modules/self-managed-node-group/main.tf:344).
  vpc_security_group_ids = compact(concat(flatten([for ni in var.network_interfaces : try(ni.security_groups, [])]), [var.cluster_primary_security_group_id], var.vpc_security_group_ids))
}

# @ modules/self-managed-node-group/main.tf cause: self_managed_node_groups
resource "aws_autoscaling_group" "this" {
  count = 1
  name = var.name
  # The module's template, else the caller's (launch_template_id).
  # @ modules/self-managed-node-group/main.tf:407 cause: self_managed_node_groups.*.launch_template_id, self_managed_node_groups.*.create_launch_template, self_managed_node_group_defaults.launch_template_id, self_managed_node_group_defaults.create_launch_template
  launch_template {
    id      = var.create_launch_template ? aws_launch_template.this[0].id : var.launch_template_id
    version = "$Default"
  }
  tag {
    key                 = "kubernetes.io/cluster/${var.cluster_name}"
    value               = "owned"
    propagate_at_launch = true
  }
}
