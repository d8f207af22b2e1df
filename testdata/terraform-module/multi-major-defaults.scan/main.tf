# A constraint admitting 18 and later, with v18-20 argument names (v21 has no
# cluster_name, so it is ruled out): majors 20, 19 and 18 are each modelled
# and only what holds for all three is reported. EKSSG027 holds only for
# v19+ (v18's endpoint is public), so it is left out, with a notification.
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026
  source  = "terraform-aws-modules/eks/aws"
  version = ">= 18.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {}
  }
}
