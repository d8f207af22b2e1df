# The same cluster as ../cloudformation/cluster.yaml, in Terraform
# (resource names equal the logical IDs). The explicit egress block is
# what CloudFormation's default egress rule gives: the AWS provider
# removes that default.
resource "aws_eks_cluster" "Cluster" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids              = ["subnet-1", "subnet-2"]
    security_group_ids      = [aws_security_group.ControlPlaneSecurityGroup.id]
    endpoint_private_access = true
  }
}

resource "aws_security_group" "ControlPlaneSecurityGroup" {
  description = "control plane"
  vpc_id      = "vpc-1"
  ingress {
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "NodeSecurityGroup" {
  description = "nodes"
  vpc_id      = "vpc-1"
  tags = {
    "kubernetes.io/cluster/prod" = "owned"
  }
  ingress {
    protocol        = "tcp"
    from_port       = 443
    to_port         = 443
    security_groups = [aws_security_group.ControlPlaneSecurityGroup.id]
  }
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "NodeLaunchTemplate" {
  vpc_security_group_ids = [aws_security_group.NodeSecurityGroup.id]
}

resource "aws_eks_node_group" "NodeGroup" {
  cluster_name    = aws_eks_cluster.Cluster.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  launch_template {
    id      = aws_launch_template.NodeLaunchTemplate.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

resource "aws_instance" "Bastion" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.ControlPlaneSecurityGroup.id]
}
