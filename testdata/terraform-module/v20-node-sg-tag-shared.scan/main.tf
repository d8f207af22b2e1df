# node_security_group_tags is merged last onto the module's node SG: it can
# change the value of its kubernetes.io/cluster/prod tag (not remove it).
# The one tagged group of the nodes then says "shared": EKSSG003.
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026 EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  node_security_group_tags = { # want: EKSSG003 "shared"
    "kubernetes.io/cluster/prod" = "shared"
  }
  eks_managed_node_groups = {
    default = {}
  }
}
