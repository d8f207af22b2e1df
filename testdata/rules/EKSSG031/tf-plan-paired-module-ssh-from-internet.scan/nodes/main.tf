variable "cluster_name" {
  type = string
}

variable "cluster_security_group_id" {
  type = string
}

resource "aws_security_group" "node" {
  name   = "${var.cluster_name}-node"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags = {
    "kubernetes.io/cluster/${var.cluster_name}" = "owned"
  }
  ingress { # want: EKSSG031 "SSH"
    description = "SSH for the on-call"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "self" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_ingress_rule" "kubelet_from_control_plane" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = var.cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 1025
  to_port                      = 65535
}

resource "aws_vpc_security_group_ingress_rule" "webhooks_from_control_plane" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = var.cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.node.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

output "security_group_id" {
  value = aws_security_group.node.id
}
