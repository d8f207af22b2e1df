# Near miss: another group admits the control-plane group (a rule's
# source), and an output hands it out; neither places anything in it.

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

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.prod.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

resource "aws_security_group" "nodes" {
  name   = "unused"
  vpc_id = "vpc-1"
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = "vpc-1"
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.control_plane.id]
  }
}

output "control_plane_sg" {
  value = aws_security_group.control_plane.id
}
