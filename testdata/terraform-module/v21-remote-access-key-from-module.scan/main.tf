# EKS's own launch template with remote_access whose SSH key name comes from
# another module (unknown here) and no source_security_group_ids: v21 passes
# remote_access on to the node group as it is (EMNG/main.tf@v21.19.0:490-496),
# so EKS opens TCP 22 to 0.0.0.0/0 (RULES.md, remote-access SG): EKSSG031, at
# the argument. The unknown key name must not hide the remote_access block.
module "key_pair" {
  source  = "terraform-aws-modules/key-pair/aws"
  version = "~> 2.0"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      use_custom_launch_template = false
      remote_access = { # want: EKSSG031 "without source_security_group_ids"
        ec2_ssh_key = module.key_pair.key_pair_name
      }
    }
  }
}
