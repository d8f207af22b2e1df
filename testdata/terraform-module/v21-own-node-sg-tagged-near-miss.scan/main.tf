# Near miss of (b): the user's group carries the cluster tag and an extra rule
# on the module's cluster SG admits it on 443: no EKSSG001, no EKSSG020.
module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  create_node_security_group = false
  security_group_additional_rules = {
    ingress_nodes = {
      type                     = "ingress"
      protocol                 = "tcp"
      from_port                = 443
      to_port                  = 443
      source_security_group_id = aws_security_group.nodes.id
    }
  }
  eks_managed_node_groups = {
    default = {
      vpc_security_group_ids = [aws_security_group.nodes.id] # want: EKSSG026
    }
  }
}

resource "aws_security_group" "nodes" {
  name   = "prod-nodes"
  vpc_id = "vpc-0123456789abcdef0"
  tags = {
    "kubernetes.io/cluster/prod" = "owned"
  }
  ingress {
    protocol  = "-1"
    from_port = 0
    to_port   = 0
    self      = true
  }
  ingress {
    protocol        = "tcp"
    from_port       = 443
    to_port         = 443
    security_groups = [module.eks.cluster_security_group_id]
  }
  ingress {
    protocol        = "tcp"
    from_port       = 1025
    to_port         = 65535
    security_groups = [module.eks.cluster_security_group_id]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
