# Near miss of (a): attach_cluster_primary_security_group = true, but on node
# groups with create = false, which the module does not create (its submodules
# count every resource by create): no nodes, so no EKSSG002 (nor any node rule).
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 18.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    disabled = {
      create                                = false
      attach_cluster_primary_security_group = true
    }
  }
  self_managed_node_groups = {
    disabled = {
      create                                = false
      attach_cluster_primary_security_group = true
    }
  }
}
