# The nodes' group is not created here: a data source looks it up by ID, and
# describe-security-groups output in the same scan describes it: untagged.
resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

data "aws_security_group" "nodes" {
  id = "sg-0123456789abcdef0"
}

resource "aws_launch_template" "nodes" {
  name                   = "prod-nodes"
  vpc_security_group_ids = [data.aws_security_group.nodes.id] # want: EKSSG026
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.prod.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::111122223333:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "$Latest"
  }
  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
