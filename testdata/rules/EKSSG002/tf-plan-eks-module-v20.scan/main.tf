# The plan (plan.json) of this call of terraform-aws-modules/eks v20, paired
# with it: the resources of the module's plan that bear on security groups
# (IAM, KMS and logging ones left out), with the configuration references of
# the module's v20.37.2 source, which passes IDs through locals a plan does
# not carry. Paired, the links come from the built-in model's reading of the
# same resources, and the findings are the model's, at the same places; the
# plan alone links nothing through those locals and proves nothing.
module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "demo"
  cluster_version = "1.30"
  vpc_id          = "vpc-0a1b2c3d4e5f60718"
  subnet_ids      = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]

  eks_managed_node_groups = {
    default = {
      attach_cluster_primary_security_group = true # want: EKSSG002 "2 security groups carry tag kubernetes.io/cluster/demo"
    }
  }
}
