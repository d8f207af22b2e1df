# Model of modules/eks-managed-node-group at v20.37.2 (see ../../main.tf).

variable "cluster_name" { default = null }
variable "name" { default = "" }
variable "vpc_security_group_ids" { default = [] }
variable "cluster_primary_security_group_id" { default = null }
variable "network_interfaces" { default = [] }
variable "use_custom_launch_template" { default = true }
variable "create_launch_template" { default = true }
variable "launch_template_id" { default = "" }
variable "remote_access" { default = {} }

# The SGs reach the nodes only through the module's own launch template
# (default on; off, EKS's template gives the nodes only the primary SG).
# @ modules/eks-managed-node-group/main.tf:67 cause: eks_managed_node_groups.*.use_custom_launch_template, eks_managed_node_group_defaults.use_custom_launch_template
resource "aws_launch_template" "this" {
  # @ modules/eks-managed-node-group/main.tf:73
  count = var.create_launch_template && var.use_custom_launch_template ? 1 : 0
  name  = "${var.name}-eks-node-group"
  # With network_interfaces the groups go on each interface, after the
  # interface's own security_groups: the nodes carry the union.
  # @ modules/eks-managed-node-group/main.tf:67 cause: eks_managed_node_groups.*.attach_cluster_primary_security_group, eks_managed_node_group_defaults.attach_cluster_primary_security_group, eks_managed_node_groups.*.vpc_security_group_ids, eks_managed_node_group_defaults.vpc_security_group_ids, eks_managed_node_groups.*.network_interfaces
  vpc_security_group_ids = compact(concat(flatten([for ni in var.network_interfaces : try(ni.security_groups, [])]), [var.cluster_primary_security_group_id], var.vpc_security_group_ids))
}

# @ modules/eks-managed-node-group/main.tf cause: eks_managed_node_groups
resource "aws_eks_node_group" "this" {
  count           = 1
  cluster_name    = var.cluster_name
  node_group_name = var.name

  dynamic "launch_template" {
    for_each = var.use_custom_launch_template ? [1] : []
    # The module's template, else the caller's (launch_template_id).
    # @ modules/eks-managed-node-group/main.tf:390 cause: eks_managed_node_groups.*.launch_template_id, eks_managed_node_groups.*.create_launch_template, eks_managed_node_group_defaults.launch_template_id, eks_managed_node_group_defaults.create_launch_template
    content {
      id      = var.create_launch_template ? aws_launch_template.this[0].id : var.launch_template_id
      version = "$Default"
    }
  }

  # EKS accepts remote_access only without a custom launch template.
  # @ modules/eks-managed-node-group/main.tf:434-440 cause: eks_managed_node_groups.*.remote_access, eks_managed_node_group_defaults.remote_access
  dynamic "remote_access" {
    for_each = !var.use_custom_launch_template && length(var.remote_access) > 0 ? [var.remote_access] : []
    content {
      ec2_ssh_key               = try(remote_access.value.ec2_ssh_key, null)
      source_security_group_ids = try(remote_access.value.source_security_group_ids, [])
    }
  }
}
