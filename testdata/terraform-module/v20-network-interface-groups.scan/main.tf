# (a) through network_interfaces: the module puts a group's security groups on
# each of its interfaces after the interface's own security_groups
# (EMNG/main.tf@v20.37.2:277), so the nodes carry both the module's node SG
# (tagged kubernetes.io/cluster/prod = owned) and the interface's group, tagged
# owned too: EKSSG002. The rest is v20's clean default.
resource "aws_security_group" "efa" { # want: EKSSG022 EKSSG023
  name = "efa"
  tags = { "kubernetes.io/cluster/prod" = "owned" }
}

module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      network_interfaces = [ # want: EKSSG002 "2 security groups carry tag kubernetes.io/cluster/prod" EKSSG026
        {
          device_index    = 0
          security_groups = [aws_security_group.efa.id]
        }
      ]
    }
  }
}
