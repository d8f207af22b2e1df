# The control-plane group admits nothing: no rule resource lets the
# nodes in on 443.

# Every rule is a resource of its own; the groups have no inline blocks.
resource "aws_security_group" "nodes" {
  name   = "prod-nodes"
  vpc_id = "vpc-1"
  tags = {
    "kubernetes.io/cluster/prod" = "owned"
  }
}

resource "aws_security_group_rule" "nodes_self" {
  type              = "ingress"
  security_group_id = aws_security_group.nodes.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  self              = true
}

resource "aws_security_group_rule" "nodes_from_cp_443" {
  type                     = "ingress"
  security_group_id        = aws_security_group.nodes.id
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.control_plane.id
}

resource "aws_security_group_rule" "nodes_from_cp" {
  type                     = "ingress"
  security_group_id        = aws_security_group.nodes.id
  from_port                = 1025
  to_port                  = 65535
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.control_plane.id
}

resource "aws_security_group_rule" "nodes_egress" {
  type              = "egress"
  security_group_id = aws_security_group.nodes.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids      = [aws_security_group.control_plane.id]
    endpoint_private_access = true
  }
}

resource "aws_security_group" "control_plane" { # want: EKSSG020 "the control plane .* admits nothing"
  name   = "prod-control-plane"
  vpc_id = "vpc-1"
}

resource "aws_security_group_rule" "cp_egress" {
  type                     = "egress"
  security_group_id        = aws_security_group.control_plane.id
  from_port                = 443
  to_port                  = 65535
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.nodes.id
}

resource "aws_launch_template" "nodes" {
  name                   = "prod-nodes"
  vpc_security_group_ids = [aws_security_group.nodes.id] # want: EKSSG026
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.prod.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = aws_launch_template.nodes.latest_version
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
