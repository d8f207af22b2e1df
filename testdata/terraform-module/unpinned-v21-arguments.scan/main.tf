# No version constraint, but v21's argument names (name, kubernetes_version):
# only v21 declares them, so v21 alone is modelled and all its findings hold.
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026 EKSSG027
  source = "terraform-aws-modules/eks/aws"

  name               = "prod"
  kubernetes_version = "1.33"
  vpc_id             = "vpc-0123456789abcdef0"
  subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {}
  }
}
