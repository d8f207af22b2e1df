# Near miss of the v21 default's EKSSG022: a managed group with
# enable_efa_support = true gets its own SG with all traffic to and from itself
# (EMNG/main.tf@v21.19.0:720-758), attached beside the module's node SG
# (EMNG/main.tf@v21.19.0:95), so its nodes reach each other on every protocol.
# The rest of the clean default stays: EKSSG023, EKSSG026, EKSSG027.
module "eks" { # want: EKSSG023 EKSSG026 EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    efa = {
      instance_types     = ["p5.48xlarge"]
      enable_efa_support = true
    }
  }
}
