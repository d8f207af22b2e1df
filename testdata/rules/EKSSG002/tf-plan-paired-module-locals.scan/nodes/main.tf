variable "cluster_name" {
  type = string
}

variable "create_security_group" {
  type    = bool
  default = true
}

variable "security_group_id" {
  type    = string
  default = ""
}

variable "extra_security_group_ids" {
  type    = list(string)
  default = []
}

resource "aws_security_group" "this" {
  count  = var.create_security_group ? 1 : 0
  name   = "${var.cluster_name}-node"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags = {
    "kubernetes.io/cluster/${var.cluster_name}" = "owned" # want: EKSSG002 "2 security groups carry tag kubernetes.io/cluster/demo"
  }
}

locals {
  security_group_id  = var.create_security_group ? aws_security_group.this[0].id : var.security_group_id
  security_group_ids = compact(concat([local.security_group_id], var.extra_security_group_ids))
}

resource "aws_vpc_security_group_ingress_rule" "self" {
  security_group_id            = local.security_group_id
  referenced_security_group_id = local.security_group_id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = local.security_group_id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_launch_template" "this" {
  name                   = "${var.cluster_name}-node"
  vpc_security_group_ids = local.security_group_ids
}

resource "aws_eks_node_group" "this" {
  cluster_name    = var.cluster_name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/demo-node"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
  launch_template {
    id      = try(aws_launch_template.this.id, null)
    version = aws_launch_template.this.latest_version
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

output "security_group_id" {
  value = local.security_group_id
}
