# (a) on a self-managed node group: its launch template holds the module's
# node SG and the cluster SG, both tagged kubernetes.io/cluster/prod = owned
# (self-managed groups always use the module's template): EKSSG002.
module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  self_managed_node_group_defaults = {
    attach_cluster_primary_security_group = true # want: EKSSG002
  }
  self_managed_node_groups = {
    workers = {
      instance_type = "m5.large"
    }
  }
}
