# Near miss of (e): a function placed in the cluster SG through the module's
# output (as CDK does with its kubectl handler) is a client path to the
# private endpoint, the cluster SG admitting all traffic from itself: no
# EKSSG027.
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {}
  }
}

resource "aws_lambda_function" "kubectl" {
  function_name = "prod-kubectl"
  role          = "arn:aws:iam::111122223333:role/kubectl"
  vpc_config {
    subnet_ids         = ["subnet-0123456789abcdef0"]
    security_group_ids = [module.eks.cluster_primary_security_group_id]
  }
}
