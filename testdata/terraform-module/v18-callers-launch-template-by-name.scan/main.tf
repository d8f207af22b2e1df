# create_launch_template = false without launch_template_name = "": v18's root
# passes the group's key as the template name (node_groups.tf@v18.31.2:280),
# so the group runs on the caller's template of that name
# (EMNG/main.tf@v18.31.2:33-38, :267), here one whose only group is untagged:
# EKSSG001, and no cluster SG on the nodes (EKSSG026). That group admits
# nothing from the control plane: EKSSG021 (10250) and EKSSG023. (v18's
# endpoint is public by default, so EKSSG020 does not apply.)
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
  name                   = "default"
  vpc_security_group_ids = [aws_security_group.mine.id] # want: EKSSG026
}

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
    }
  }
}
