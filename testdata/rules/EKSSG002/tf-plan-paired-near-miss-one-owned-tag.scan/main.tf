# Near miss (plan.json paired with this module): the nodes' only group
# carries the cluster tag once. EKSSG026 stays: AWS recommends the cluster SG.
resource "aws_security_group" "cluster" {
  name   = "demo-cluster"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags = {
    Name = "demo-cluster"
  }
}

resource "aws_security_group" "node" {
  name   = "demo-node"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags = {
    Name                         = "demo-node"
    "kubernetes.io/cluster/demo" = "owned"
  }
}

resource "aws_vpc_security_group_ingress_rule" "node_self" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_ingress_rule" "node_from_cluster" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_ingress_rule" "kubelet_from_cluster" {
  security_group_id            = aws_security_group.node.id
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 1025
  to_port                      = 65535
}

resource "aws_vpc_security_group_egress_rule" "node_all" {
  security_group_id = aws_security_group.node.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "api_from_nodes" {
  security_group_id            = aws_security_group.cluster.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_egress_rule" "cluster_to_nodes" {
  security_group_id            = aws_security_group.cluster.id
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 65535
}

resource "aws_eks_cluster" "this" {
  name     = "demo"
  version  = "1.30"
  role_arn = "arn:aws:iam::123456789012:role/demo-cluster"
  vpc_config {
    subnet_ids              = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
  }
}

resource "aws_launch_template" "node" {
  name                   = "demo-node"
  vpc_security_group_ids = [aws_security_group.node.id] # want: EKSSG026
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/demo-node"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
