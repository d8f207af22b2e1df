# Near miss of EKSSG022: the user's own rules on the module's node SG (through
# its output) admit all traffic between nodes.
module "eks" { # want: EKSSG023 EKSSG026 EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {}
  }
}

resource "aws_security_group_rule" "node_to_node_all" {
  security_group_id        = module.eks.node_security_group_id
  type                     = "ingress"
  protocol                 = "-1"
  from_port                = 0
  to_port                  = 0
  source_security_group_id = module.eks.node_security_group_id
}
