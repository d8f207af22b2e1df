# Near miss of (e): a rule admitting the VPN's range on 443 gives kubectl a
# path to the private endpoint: no EKSSG027. The rest is the clean default.
module "eks" { # want: EKSSG022 EKSSG023 EKSSG026
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name = "prod"
  kubernetes_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  security_group_additional_rules = {
    ingress_vpn_443 = {
      type        = "ingress"
      protocol    = "tcp"
      from_port   = 443
      to_port     = 443
      cidr_blocks = ["10.20.0.0/16"]
    }
  }
  eks_managed_node_groups = {
    default = {}
  }
}
