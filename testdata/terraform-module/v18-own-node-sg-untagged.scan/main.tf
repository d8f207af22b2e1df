# (b) create_node_security_group = false with an untagged group of the user's:
# no SG of the nodes carries kubernetes.io/cluster/prod (EKSSG001); the nodes
# do not carry the cluster SG (EKSSG026, at the list that sets their groups).
# v18's endpoint is public: nodes reach the API over it, so no EKSSG020 (docs/rules/EKSSG020.md). The v18 per-group SG is empty and untagged.
module "eks" { # want: EKSSG001
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 18.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  create_node_security_group = false
  eks_managed_node_groups = {
    default = {
      vpc_security_group_ids = [aws_security_group.nodes.id] # want: EKSSG026
    }
  }
}

resource "aws_security_group" "nodes" {
  name   = "prod-nodes"
  vpc_id = "vpc-0123456789abcdef0"
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
