# A node group module: its own group, a launch template and the managed
# node group, joined to the cluster named by the caller.
variable "cluster_name" {
  type = string
}

variable "cluster_security_group_id" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_security_group" "this" {
  name_prefix = "${var.cluster_name}-nodes-"
  vpc_id      = "vpc-1"
  tags        = var.tags
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "this" {
  name_prefix            = "${var.cluster_name}-nodes-"
  vpc_security_group_ids = compact([aws_security_group.this.id, var.cluster_security_group_id])
}

resource "aws_eks_node_group" "this" {
  cluster_name  = var.cluster_name
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = ["subnet-1", "subnet-2"]
  launch_template {
    id      = aws_launch_template.this.id
    version = aws_launch_template.this.latest_version
  }
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

output "security_group_id" {
  value = aws_security_group.this.id
}
