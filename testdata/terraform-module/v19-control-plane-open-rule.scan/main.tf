# An extra rule on the module's cluster SG admitting 443 from anywhere: the
# API server's groups are open to the internet (EKSSG030), and it is also a
# client path to the private endpoint (no EKSSG027).
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 19.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  cluster_security_group_additional_rules = { # want: EKSSG030
    ingress_anywhere_443 = {
      type        = "ingress"
      protocol    = "tcp"
      from_port   = 443
      to_port     = 443
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  eks_managed_node_groups = {
    default = {}
  }
}
