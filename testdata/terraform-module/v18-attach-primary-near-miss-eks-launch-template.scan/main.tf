# Near miss of (a): without the module's launch template and with no
# template name (the root names the group's key by default,
# node_groups.tf@v18.31.2:280) EKS puts the nodes in the cluster SG only, so the attach argument has no effect: one tag. The
# module's cluster SG still admits 443 from the module's node SG, which no
# node carries (a client may sit in it), so EKSSG027 has no proof either.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 18.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      create_launch_template = false
      launch_template_name   = ""
      attach_cluster_primary_security_group = true
    }
  }
}
