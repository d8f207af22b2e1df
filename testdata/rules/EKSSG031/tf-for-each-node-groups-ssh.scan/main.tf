# for_each node groups: the one with an SSH key and no source groups gets
# EKS's remote-access group, open to 0.0.0.0/0 on 22; the one without a
# key gets none.
locals {
  node_groups = {
    ops = { ssh_key = "ops-key" }
    app = { ssh_key = null }
  }
}

resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.30"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.control_plane.id]
  }
}

# The dedicated control-plane group admits the nodes on 443 and may reach
# them on 443 and 1025-65535.
resource "aws_security_group" "control_plane" {
  name   = "prod-control-plane"
  vpc_id = "vpc-1"
}

resource "aws_vpc_security_group_ingress_rule" "cp_from_nodes_443" {
  security_group_id            = aws_security_group.control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_vpc_security_group_egress_rule" "cp_to_nodes" {
  security_group_id            = aws_security_group.control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 65535
  referenced_security_group_id = aws_security_group.nodes.id
}

resource "aws_eks_node_group" "this" {
  for_each        = local.node_groups
  cluster_name    = aws_eks_cluster.prod.name
  node_group_name = each.key
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
  dynamic "remote_access" { # want: EKSSG031 "remote_access sets ec2_ssh_key without source_security_group_ids"
    for_each = each.value.ssh_key == null ? [] : [each.value.ssh_key]
    content {
      ec2_ssh_key = remote_access.value
    }
  }
}

resource "aws_security_group" "nodes" {
  name   = "prod-nodes"
  vpc_id = "vpc-1"
  tags = {
    "kubernetes.io/cluster/prod" = "owned"
  }
  ingress {
    description = "node to node"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }
  ingress {
    description     = "control plane to webhooks and kubelet"
    from_port       = 1025
    to_port         = 65535
    protocol        = "tcp"
    security_groups = [aws_security_group.control_plane.id]
  }
  ingress {
    description     = "control plane to 443"
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.control_plane.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
