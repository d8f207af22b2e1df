# terraform-aws-modules/eks/aws v19 with its defaults and one managed node
# group. Expected from the module's source (docs/terraform-aws-eks-module.md,
# section 6, "clean default"), each at the module block since a default causes
# it: node to node is not all traffic (EKSSG022), the control plane reaches the
# nodes only on the module's listed ports (EKSSG023), the nodes do not carry
# the cluster SG (EKSSG026); v19+'s private-only endpoint with no client rule (EKSSG027).
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026 EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 19.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      instance_types = ["m5.large"]
    }
  }
}
