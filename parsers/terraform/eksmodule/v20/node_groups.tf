# The node SG, its rules, and the node groups (see main.tf for the notation).

# Tagged kubernetes.io/cluster/<cluster_name> = owned; node_security_group_tags
# is merged last (it can change the value, not remove the key).
# @ node_groups.tf:91 cause: node_security_group_enable_recommended_rules, node_security_group_additional_rules, create_node_security_group
resource "aws_security_group" "node" {
  count  = local.create_node_sg ? 1 : 0
  name   = "${var.cluster_name}-node"
  vpc_id = var.vpc_id
  # @ node_groups.tf:216-223 cause: node_security_group_tags, tags
  tags = merge(var.tags, { Name = "${var.cluster_name}-node", "kubernetes.io/cluster/${var.cluster_name}" = "owned" }, var.node_security_group_tags)
}

locals {
  # @ node_groups.tf:95-128
  node_security_group_rules = {
    ingress_cluster_443    = { description = "Cluster API to node groups", protocol = "tcp", from_port = 443, to_port = 443, type = "ingress", source_cluster_security_group = true }
    ingress_cluster_kubelet = { description = "Cluster API to node kubelets", protocol = "tcp", from_port = 10250, to_port = 10250, type = "ingress", source_cluster_security_group = true }
    ingress_self_coredns_tcp = { description = "Node to node CoreDNS", protocol = "tcp", from_port = 53, to_port = 53, type = "ingress", self = true }
    ingress_self_coredns_udp = { description = "Node to node CoreDNS UDP", protocol = "udp", from_port = 53, to_port = 53, type = "ingress", self = true }
  }
  # @ node_groups.tf:130-184
  node_security_group_recommended_rules = {
    ingress_nodes_ephemeral = { description = "Node to node ingress on ephemeral ports", protocol = "tcp", from_port = 1025, to_port = 65535, type = "ingress", self = true }
    ingress_cluster_4443_webhook = { description = "Cluster API to node 4443/tcp webhook", protocol = "tcp", from_port = 4443, to_port = 4443, type = "ingress", source_cluster_security_group = true }
    ingress_cluster_6443_webhook = { description = "Cluster API to node 6443/tcp webhook", protocol = "tcp", from_port = 6443, to_port = 6443, type = "ingress", source_cluster_security_group = true }
    ingress_cluster_8443_webhook = { description = "Cluster API to node 8443/tcp webhook", protocol = "tcp", from_port = 8443, to_port = 8443, type = "ingress", source_cluster_security_group = true }
    ingress_cluster_9443_webhook = { description = "Cluster API to node 9443/tcp webhook", protocol = "tcp", from_port = 9443, to_port = 9443, type = "ingress", source_cluster_security_group = true }
    egress_all = { description = "Allow all egress", protocol = "-1", from_port = 0, to_port = 0, type = "egress", cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = local.ipv6 ? ["::/0"] : null }
  }
  # @ node_groups.tf:186-205
  node_security_group_efa_rules = {
    ingress_self_efa = { description = "Node to node EFA", protocol = "-1", from_port = 0, to_port = 0, type = "ingress", self = true }
    egress_self_efa  = { description = "Node to node EFA", protocol = "-1", from_port = 0, to_port = 0, type = "egress", self = true }
  }
}

# Base, recommended and EFA rules, then the caller's (same key replaces);
# source_cluster_security_group wins over source_security_group_id.
# @ node_groups.tf:230-251 cause: node_security_group_additional_rules, node_security_group_enable_recommended_rules, enable_efa_support
resource "aws_security_group_rule" "node" {
  for_each = { for k, v in merge(
    local.node_security_group_rules,
    { for k, v in local.node_security_group_recommended_rules : k => v if var.node_security_group_enable_recommended_rules },
    { for k, v in local.node_security_group_efa_rules : k => v if var.enable_efa_support },
    var.node_security_group_additional_rules,
  ) : k => v if local.create_node_sg }
  security_group_id        = aws_security_group.node[0].id
  type                     = each.value.type
  protocol                 = each.value.protocol
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
  cidr_blocks              = try(each.value.cidr_blocks, null)
  ipv6_cidr_blocks         = try(each.value.ipv6_cidr_blocks, null)
  prefix_list_ids          = try(each.value.prefix_list_ids, null)
  self                     = try(each.value.self, null)
  source_security_group_id = try(each.value.source_cluster_security_group, false) ? local.cluster_security_group_id : try(each.value.source_security_group_id, null)
}

# The node SG, then the group's vpc_security_group_ids (replacing the
# defaults' value); the primary SG when attach_cluster_primary_security_group.
# @ node_groups.tf:409 cause: eks_managed_node_groups
module "eks_managed_node_group" {
  source   = "./modules/eks-managed-node-group"
  # A group with create = false does not exist (the submodule counts its
  # resources by it; modules/eks-managed-node-group/main.tf:396).
  # @ node_groups.tf:301 cause: eks_managed_node_groups.*.create
  for_each = { for k, v in var.eks_managed_node_groups : k => v if var.create && try(v.create, true) != false }

  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  # @ node_groups.tf:409 cause: eks_managed_node_groups.*.vpc_security_group_ids, eks_managed_node_group_defaults.vpc_security_group_ids, create_node_security_group
  vpc_security_group_ids = compact(concat([local.node_security_group_id], try(each.value.vpc_security_group_ids, var.eks_managed_node_group_defaults.vpc_security_group_ids, [])))
  # @ node_groups.tf:410 cause: eks_managed_node_groups.*.attach_cluster_primary_security_group, eks_managed_node_group_defaults.attach_cluster_primary_security_group
  cluster_primary_security_group_id = try(each.value.attach_cluster_primary_security_group, var.eks_managed_node_group_defaults.attach_cluster_primary_security_group, false) ? aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id : null
  use_custom_launch_template        = try(each.value.use_custom_launch_template, var.eks_managed_node_group_defaults.use_custom_launch_template, true)
  remote_access                     = try(each.value.remote_access, var.eks_managed_node_group_defaults.remote_access, {})
  # @ node_groups.tf:348-350 cause: eks_managed_node_groups.*.create_launch_template, eks_managed_node_group_defaults.create_launch_template, eks_managed_node_groups.*.launch_template_id, eks_managed_node_group_defaults.launch_template_id
  create_launch_template = try(each.value.create_launch_template, var.eks_managed_node_group_defaults.create_launch_template, true)
  launch_template_id     = try(each.value.launch_template_id, var.eks_managed_node_group_defaults.launch_template_id, "")
  # @ node_groups.tf:384 cause: eks_managed_node_groups.*.network_interfaces, eks_managed_node_group_defaults.network_interfaces
  network_interfaces = try(each.value.network_interfaces, var.eks_managed_node_group_defaults.network_interfaces, [])
}

# @ node_groups.tf:564 cause: self_managed_node_groups
module "self_managed_node_group" {
  source   = "./modules/self-managed-node-group"
  # A group with create = false does not exist (the submodule counts its
  # resources by it; modules/self-managed-node-group/main.tf:504).
  # @ node_groups.tf:424 cause: self_managed_node_groups.*.create
  for_each = { for k, v in var.self_managed_node_groups : k => v if var.create && try(v.create, true) != false }

  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  # @ node_groups.tf:564 cause: self_managed_node_groups.*.vpc_security_group_ids, self_managed_node_group_defaults.vpc_security_group_ids, create_node_security_group
  vpc_security_group_ids = compact(concat([local.node_security_group_id], try(each.value.vpc_security_group_ids, var.self_managed_node_group_defaults.vpc_security_group_ids, [])))
  # @ node_groups.tf:565 cause: self_managed_node_groups.*.attach_cluster_primary_security_group, self_managed_node_group_defaults.attach_cluster_primary_security_group
  cluster_primary_security_group_id = try(each.value.attach_cluster_primary_security_group, var.self_managed_node_group_defaults.attach_cluster_primary_security_group, false) ? aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id : null
  # @ node_groups.tf:496-497 cause: self_managed_node_groups.*.create_launch_template, self_managed_node_group_defaults.create_launch_template, self_managed_node_groups.*.launch_template_id, self_managed_node_group_defaults.launch_template_id
  create_launch_template = try(each.value.create_launch_template, var.self_managed_node_group_defaults.create_launch_template, true)
  launch_template_id     = try(each.value.launch_template_id, var.self_managed_node_group_defaults.launch_template_id, "")
  # @ node_groups.tf:534 cause: self_managed_node_groups.*.network_interfaces, self_managed_node_group_defaults.network_interfaces
  network_interfaces = try(each.value.network_interfaces, var.self_managed_node_group_defaults.network_interfaces, [])
}
