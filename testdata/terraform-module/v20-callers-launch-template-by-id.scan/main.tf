# create_launch_template = false with the caller's launch_template_id
# (node_groups.tf@v20.37.2:348-350; EMNG/main.tf@v20.37.2:390): the group runs
# on the caller's template, whose only group is untagged: EKSSG001, and no
# cluster SG on the nodes (EKSSG026). The group admits nothing from the control
# plane (EKSSG021, EKSSG023), and with v20's private endpoint the module's
# cluster SG admits 443 from its node SG only, not this group (EKSSG020).
resource "aws_security_group" "mine" { # want: EKSSG001 EKSSG021 EKSSG023
  name = "mine"
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
}

resource "aws_launch_template" "mine" {
  name_prefix            = "mine-"
  vpc_security_group_ids = [aws_security_group.mine.id] # want: EKSSG026
}

module "eks" { # want: EKSSG020
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  eks_managed_node_groups = {
    default = {
      create_launch_template = false
      launch_template_id     = aws_launch_template.mine.id
    }
  }
}
