# (c) v19+ without the recommended rules: the node SG has no egress at all
# (EKSSG020 on the node side, EKSSG025), node to node only 53 ingress and no
# egress (EKSSG022), the control plane only on 443 and 10250 (EKSSG023, 9443
# among the ports named), each at the switch that removed the rules.
module "eks" { # want: EKSSG026 EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  node_security_group_enable_recommended_rules = false # want: EKSSG020 "egress" EKSSG022 "DNS" EKSSG023 "1025-10249" EKSSG025
  eks_managed_node_groups = {
    default = {}
  }
}
