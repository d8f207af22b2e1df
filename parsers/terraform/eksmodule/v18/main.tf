# eks-sg-lint's model of terraform-aws-modules/eks/aws v18 (read at v18.31.2):
# only what decides security groups, written from the facts recorded in
# docs/terraform-aws-eks-module.md, not copied from the module. A comment
# "# @ file:line" cites the module's file at that tag; "cause:" names the
# caller's arguments a finding on the block or argument below points at.

variable "create" { default = true }
# @ variables.tf:23
variable "cluster_name" { default = "" }
variable "cluster_version" { default = null }
variable "subnet_ids" { default = [] }
variable "vpc_id" { default = null }
variable "tags" { default = {} }
variable "cluster_tags" { default = {} }
variable "cluster_ip_family" { default = "ipv4" }
variable "cluster_endpoint_private_access" { default = false }
variable "cluster_endpoint_public_access" { default = true }
variable "cluster_endpoint_public_access_cidrs" { default = ["0.0.0.0/0"] }
variable "cluster_additional_security_group_ids" { default = [] }
variable "create_cluster_security_group" { default = true }
variable "cluster_security_group_id" { default = "" }
variable "cluster_security_group_additional_rules" { default = {} }
variable "cluster_security_group_tags" { default = {} }
variable "create_cluster_primary_security_group_tags" { default = true }
variable "create_node_security_group" { default = true }
variable "node_security_group_id" { default = "" }
variable "node_security_group_additional_rules" { default = {} }
variable "node_security_group_ntp_ipv4_cidr_block" { default = ["0.0.0.0/0"] }
variable "node_security_group_tags" { default = {} }
variable "eks_managed_node_groups" { default = {} }
variable "eks_managed_node_group_defaults" { default = {} }
variable "self_managed_node_groups" { default = {} }
variable "self_managed_node_group_defaults" { default = {} }

locals {
  create_cluster_sg = var.create && var.create_cluster_security_group
  # @ main.tf:127
  cluster_security_group_id = local.create_cluster_sg ? aws_security_group.cluster[0].id : var.cluster_security_group_id
  create_node_sg            = var.create && var.create_node_security_group
  # @ node_groups.tf:57
  node_security_group_id = local.create_node_sg ? aws_security_group.node[0].id : var.node_security_group_id
  ipv6                   = var.cluster_ip_family == "ipv6"
}

# @ main.tf
resource "aws_eks_cluster" "this" {
  count   = var.create ? 1 : 0
  name    = var.cluster_name
  version = var.cluster_version

  # @ main.tf:24
  vpc_config {
    # @ main.tf:24 cause: cluster_additional_security_group_ids, create_cluster_security_group, cluster_security_group_id
    security_group_ids = compact(distinct(concat(var.cluster_additional_security_group_ids, [local.cluster_security_group_id])))
    subnet_ids         = var.subnet_ids
    # @ variables.tf:59 cause: cluster_endpoint_private_access
    endpoint_private_access = var.cluster_endpoint_private_access
    # @ variables.tf:65 cause: cluster_endpoint_public_access
    endpoint_public_access = var.cluster_endpoint_public_access
    public_access_cidrs    = var.cluster_endpoint_public_access_cidrs
  }
}

# Every key of tags and cluster_tags but Name, copied onto the primary SG.
# @ main.tf:66-77 cause: cluster_tags, tags
resource "aws_ec2_tag" "cluster_primary_security_group" {
  for_each    = { for k, v in merge(var.tags, var.cluster_tags) : k => v if var.create && var.create_cluster_primary_security_group_tags && k != "Name" }
  resource_id = aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id
  key         = each.key
  value       = each.value
}

# The module's cluster SG: no kubernetes.io/cluster tag.
# @ main.tf:127 cause: cluster_security_group_additional_rules, create_cluster_security_group, create_node_security_group
resource "aws_security_group" "cluster" {
  count  = local.create_cluster_sg ? 1 : 0
  name   = "${var.cluster_name}-cluster"
  vpc_id = var.vpc_id
  # @ main.tf:160-176 cause: cluster_security_group_tags, tags
  tags = merge(var.tags, { Name = "${var.cluster_name}-cluster" }, var.cluster_security_group_tags)
}

locals {
  # Base rules, only while the module also creates the node SG.
  # @ main.tf:132-157
  cluster_security_group_rules = { for k, v in {
    ingress_nodes_443      = { description = "Node groups to cluster API", protocol = "tcp", from_port = 443, to_port = 443, type = "ingress", source_node_security_group = true }
    egress_nodes_443       = { description = "Cluster API to node groups", protocol = "tcp", from_port = 443, to_port = 443, type = "egress", source_node_security_group = true }
    egress_nodes_kubelet   = { description = "Cluster API to node kubelets", protocol = "tcp", from_port = 10250, to_port = 10250, type = "egress", source_node_security_group = true }
  } : k => v if local.create_node_sg }
}

# Base rules, then the caller's (same key replaces, main.tf:180); at v18 an
# explicit source_security_group_id wins over source_node_security_group.
# @ main.tf:195-198 cause: cluster_security_group_additional_rules, create_node_security_group
resource "aws_security_group_rule" "cluster" {
  for_each                 = { for k, v in merge(local.cluster_security_group_rules, var.cluster_security_group_additional_rules) : k => v if local.create_cluster_sg }
  security_group_id        = aws_security_group.cluster[0].id
  type                     = each.value.type
  protocol                 = each.value.protocol
  from_port                = each.value.from_port
  to_port                  = each.value.to_port
  cidr_blocks              = try(each.value.cidr_blocks, null)
  ipv6_cidr_blocks         = try(each.value.ipv6_cidr_blocks, null)
  prefix_list_ids          = try(each.value.prefix_list_ids, null)
  self                     = try(each.value.self, null)
  source_security_group_id = try(each.value.source_security_group_id, try(each.value.source_node_security_group, false) ? local.node_security_group_id : null)
}

# @ outputs.tf:50
output "cluster_primary_security_group_id" { value = try(aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id, null) }
# @ outputs.tf:83
output "cluster_security_group_id" { value = try(aws_security_group.cluster[0].id, "") }
# @ outputs.tf:97
output "node_security_group_id" { value = try(aws_security_group.node[0].id, "") }
output "cluster_name" { value = try(aws_eks_cluster.this[0].name, null) }
output "cluster_id" { value = try(aws_eks_cluster.this[0].id, null) }
output "cluster_arn" { value = try(aws_eks_cluster.this[0].arn, null) }
output "cluster_endpoint" { value = try(aws_eks_cluster.this[0].endpoint, null) }
output "cluster_version" { value = try(aws_eks_cluster.this[0].version, null) }
