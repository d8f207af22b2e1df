# A launch template puts the nodes in their own tagged group AND in the
# cluster SG, which EKS tags too: two groups carry the cluster tag.
variable "cluster_name" {
  type = string
}

locals {
  node_sgs = [aws_security_group.nodes.id, aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_security_group" "nodes" {
  name   = "nodes"
  vpc_id = "vpc-1"
  tags = {
    "kubernetes.io/cluster/${var.cluster_name}" = "owned" # want: EKSSG002 "2 security groups carry tag kubernetes.io/cluster/\$\{var.cluster_name\}"
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "nodes" {
  name                   = "nodes"
  vpc_security_group_ids = local.node_sgs
}

resource "aws_eks_node_group" "ng" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "ng-1"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
