# The node SG, its rules, and the node groups (see main.tf for the notation).

# Tagged kubernetes.io/cluster/<cluster_name> = owned; node_security_group_tags
# is merged last (it can change the value, not remove the key).
# @ node_groups.tf:57 cause: node_security_group_additional_rules, create_node_security_group
resource "aws_security_group" "node" {
  count  = local.create_node_sg ? 1 : 0
  name   = "${var.cluster_name}-node"
  vpc_id = var.vpc_id
  # @ node_groups.tf:156-163 cause: node_security_group_tags, tags
  tags = merge(var.tags, { Name = "${var.cluster_name}-node", "kubernetes.io/cluster/${var.cluster_name}" = "owned" }, var.node_security_group_tags)
}

locals {
  # Always present; node to node only on 53; no rule from the control plane
  # beyond 443 and 10250; no switch for more.
  # @ node_groups.tf:61-145
  node_security_group_rules = {
    egress_cluster_443       = { description = "Node groups to cluster API", protocol = "tcp", from_port = 443, to_port = 443, type = "egress", source_cluster_security_group = true }
    ingress_cluster_443      = { description = "Cluster API to node groups", protocol = "tcp", from_port = 443, to_port = 443, type = "ingress", source_cluster_security_group = true }
    ingress_cluster_kubelet  = { description = "Cluster API to node kubelets", protocol = "tcp", from_port = 10250, to_port = 10250, type = "ingress", source_cluster_security_group = true }
    ingress_self_coredns_tcp = { description = "Node to node CoreDNS", protocol = "tcp", from_port = 53, to_port = 53, type = "ingress", self = true }
    egress_self_coredns_tcp  = { description = "Node to node CoreDNS", protocol = "tcp", from_port = 53, to_port = 53, type = "egress", self = true }
    ingress_self_coredns_udp = { description = "Node to node CoreDNS", protocol = "udp", from_port = 53, to_port = 53, type = "ingress", self = true }
    egress_self_coredns_udp  = { description = "Node to node CoreDNS", protocol = "udp", from_port = 53, to_port = 53, type = "egress", self = true }
    egress_https             = { description = "Egress all HTTPS to internet", protocol = "tcp", from_port = 443, to_port = 443, type = "egress", cidr_blocks = ["0.0.0.0/0"], ipv6_cidr_blocks = local.ipv6 ? ["::/0"] : null }
    egress_ntp_tcp           = { description = "Egress NTP/TCP to internet", protocol = "tcp", from_port = 123, to_port = 123, type = "egress", cidr_blocks = var.node_security_group_ntp_ipv4_cidr_block }
    egress_ntp_udp           = { description = "Egress NTP/UDP to internet", protocol = "udp", from_port = 123, to_port = 123, type = "egress", cidr_blocks = var.node_security_group_ntp_ipv4_cidr_block }
  }
}

# Base rules, then the caller's (same key replaces, node_groups.tf:171); at
# v18 an explicit source_security_group_id wins.
# @ node_groups.tf:186-189 cause: node_security_group_additional_rules
resource "aws_security_group_rule" "node" {
  for_each = { for k, v in merge(
    local.node_security_group_rules,
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
  source_security_group_id = try(each.value.source_security_group_id, try(each.value.source_cluster_security_group, false) ? local.cluster_security_group_id : null)
}

# The node SG, then the group's vpc_security_group_ids (replacing the
# defaults' value); the primary SG when attach_cluster_primary_security_group.
# @ node_groups.tf:321 cause: eks_managed_node_groups
module "eks_managed_node_group" {
  source   = "./modules/eks-managed-node-group"
  # A group with create = false does not exist (the submodule counts its
  # resources by it; modules/eks-managed-node-group/main.tf:273).
  # @ node_groups.tf:235 cause: eks_managed_node_groups.*.create
  for_each = { for k, v in var.eks_managed_node_groups : k => v if var.create && try(v.create, true) != false }

  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  # @ node_groups.tf:321 cause: eks_managed_node_groups.*.vpc_security_group_ids, eks_managed_node_group_defaults.vpc_security_group_ids, create_node_security_group
  vpc_security_group_ids = compact(concat([local.node_security_group_id], try(each.value.vpc_security_group_ids, var.eks_managed_node_group_defaults.vpc_security_group_ids, [])))
  # @ node_groups.tf:322 cause: eks_managed_node_groups.*.attach_cluster_primary_security_group, eks_managed_node_group_defaults.attach_cluster_primary_security_group
  cluster_primary_security_group_id = try(each.value.attach_cluster_primary_security_group, var.eks_managed_node_group_defaults.attach_cluster_primary_security_group, false) ? aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id : null
  # @ node_groups.tf:279 cause: eks_managed_node_groups.*.create_launch_template, eks_managed_node_group_defaults.create_launch_template
  create_launch_template = try(each.value.create_launch_template, var.eks_managed_node_group_defaults.create_launch_template, true)
  # @ node_groups.tf:323 cause: eks_managed_node_groups.*.create_security_group, eks_managed_node_group_defaults.create_security_group
  create_security_group = try(each.value.create_security_group, var.eks_managed_node_group_defaults.create_security_group, true)
  security_group_rules  = try(each.value.security_group_rules, var.eks_managed_node_group_defaults.security_group_rules, {})
  security_group_tags   = try(each.value.security_group_tags, var.eks_managed_node_group_defaults.security_group_tags, {})
  cluster_security_group_id = local.cluster_security_group_id
  remote_access                     = try(each.value.remote_access, var.eks_managed_node_group_defaults.remote_access, {})
  # @ node_groups.tf:280 cause: eks_managed_node_groups.*.launch_template_name, eks_managed_node_group_defaults.launch_template_name
  launch_template_name = try(each.value.launch_template_name, var.eks_managed_node_group_defaults.launch_template_name, each.key)
  # @ node_groups.tf:305 cause: eks_managed_node_groups.*.network_interfaces, eks_managed_node_group_defaults.network_interfaces
  network_interfaces = try(each.value.network_interfaces, var.eks_managed_node_group_defaults.network_interfaces, [])
}

# @ node_groups.tf:452 cause: self_managed_node_groups
module "self_managed_node_group" {
  source   = "./modules/self-managed-node-group"
  # A group with create = false does not exist (the submodule counts its
  # resources by it; modules/self-managed-node-group/main.tf:266).
  # @ node_groups.tf:343 cause: self_managed_node_groups.*.create
  for_each = { for k, v in var.self_managed_node_groups : k => v if var.create && try(v.create, true) != false }

  cluster_name = aws_eks_cluster.this[0].name
  name         = try(each.value.name, each.key)
  # @ node_groups.tf:452 cause: self_managed_node_groups.*.vpc_security_group_ids, self_managed_node_group_defaults.vpc_security_group_ids, create_node_security_group
  vpc_security_group_ids = compact(concat([local.node_security_group_id], try(each.value.vpc_security_group_ids, var.self_managed_node_group_defaults.vpc_security_group_ids, [])))
  # @ node_groups.tf:454 cause: self_managed_node_groups.*.attach_cluster_primary_security_group, self_managed_node_group_defaults.attach_cluster_primary_security_group
  cluster_primary_security_group_id = try(each.value.attach_cluster_primary_security_group, var.self_managed_node_group_defaults.attach_cluster_primary_security_group, false) ? aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id : null
  # @ node_groups.tf:455 cause: self_managed_node_groups.*.create_security_group, self_managed_node_group_defaults.create_security_group
  create_security_group     = try(each.value.create_security_group, var.self_managed_node_group_defaults.create_security_group, true)
  security_group_rules      = try(each.value.security_group_rules, var.self_managed_node_group_defaults.security_group_rules, {})
  security_group_tags       = try(each.value.security_group_tags, var.self_managed_node_group_defaults.security_group_tags, {})
  cluster_security_group_id = local.cluster_security_group_id
  # @ node_groups.tf:404-405 cause: self_managed_node_groups.*.create_launch_template, self_managed_node_group_defaults.create_launch_template, self_managed_node_groups.*.launch_template_name, self_managed_node_group_defaults.launch_template_name
  create_launch_template = try(each.value.create_launch_template, var.self_managed_node_group_defaults.create_launch_template, true)
  launch_template_name   = try(each.value.launch_template_name, var.self_managed_node_group_defaults.launch_template_name, each.key)
  # @ node_groups.tf:436 cause: self_managed_node_groups.*.network_interfaces, self_managed_node_group_defaults.network_interfaces
  network_interfaces = try(each.value.network_interfaces, var.self_managed_node_group_defaults.network_interfaces, [])
}
