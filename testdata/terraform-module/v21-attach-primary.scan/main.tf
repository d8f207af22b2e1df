# (a) attach_cluster_primary_security_group = true beside the module's node SG:
# the nodes carry the module's node SG (tagged kubernetes.io/cluster/prod =
# owned) and the cluster SG (tagged owned by EKS): EKSSG002, at the argument.
# The cluster SG admits all traffic from itself, so EKSSG022/023/026 are gone.
module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      instance_types                        = ["m5.large"]
      attach_cluster_primary_security_group = true # want: EKSSG002 "2 security groups carry tag kubernetes.io/cluster/prod"
    }
  }
}
