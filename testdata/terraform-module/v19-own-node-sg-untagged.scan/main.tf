# (b) create_node_security_group = false with an untagged group of the user's:
# no SG of the nodes carries kubernetes.io/cluster/prod (EKSSG001); the nodes
# do not carry the cluster SG (EKSSG026, at the list that sets their groups).
# Without the module's node SG the module's cluster SG has no rule and the cluster SG admits only itself: nothing admits the nodes on TCP 443 to the private endpoint (EKSSG020, the control plane side).
module "eks" { # want: EKSSG027
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 19.0"

  cluster_name = "prod"
  cluster_version = "1.30"
  vpc_id = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  create_node_security_group = false # want: EKSSG020 "control plane"
  eks_managed_node_groups = {
    default = {
      vpc_security_group_ids = [aws_security_group.nodes.id] # want: EKSSG026
    }
  }
}

resource "aws_security_group" "nodes" { # want: EKSSG001
  name   = "prod-nodes"
  vpc_id = "vpc-0123456789abcdef0"
  ingress {
    protocol  = "-1"
    from_port = 0
    to_port   = 0
    self      = true
  }
  ingress {
    protocol        = "tcp"
    from_port       = 443
    to_port         = 443
    security_groups = [module.eks.cluster_security_group_id]
  }
  ingress {
    protocol        = "tcp"
    from_port       = 1025
    to_port         = 65535
    security_groups = [module.eks.cluster_security_group_id]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
