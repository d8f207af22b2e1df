# remote_access with a key and no source groups, on EKS's own launch template:
# EKS creates a group admitting SSH from 0.0.0.0/0 on the nodes (EKSSG031).
# The nodes carry the cluster SG then, so EKSSG022/023/026 are silent, and
# no node carries the module's node SG, which the module's cluster SG admits
# on 443 (a client may sit in it): no proof for EKSSG027 either.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "prod"
  cluster_version = "1.30"
  vpc_id          = "vpc-0123456789abcdef0"
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    ops = {
      use_custom_launch_template = false
      remote_access = { # want: EKSSG031 "SSH"
        ec2_ssh_key = "ops"
      }
    }
  }
}
