# The plan (plan.json) of this module, paired with it. The local module
# ./nodes passes its group's ID through a conditional local and concat(), as
# module authors do, and is given the cluster SG as an extra group: the node
# group carries two groups tagged for the cluster. A plan's configuration has
# no locals: paired, they are read from nodes/main.tf; the plan alone cannot
# link these groups and says nothing.
resource "aws_security_group" "cluster" {
  name   = "demo-cluster"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_vpc_security_group_ingress_rule" "api_from_nodes" {
  security_group_id            = aws_security_group.cluster.id
  referenced_security_group_id = module.nodes.security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_eks_cluster" "this" {
  name     = "demo"
  version  = "1.30"
  role_arn = "arn:aws:iam::123456789012:role/demo-cluster"
  vpc_config {
    subnet_ids              = ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"]
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
  }
}

module "nodes" {
  source                   = "./nodes"
  cluster_name             = aws_eks_cluster.this.name
  extra_security_group_ids = [aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
}
