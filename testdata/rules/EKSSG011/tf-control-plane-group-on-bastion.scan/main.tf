# The control-plane group is also put on a bastion instance.

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

resource "aws_instance" "bastion" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = "subnet-1"
  vpc_security_group_ids = [aws_security_group.control_plane.id] # want: EKSSG011
}
