# The cluster is in the root module; its node groups come from a local
# module that receives the cluster's name and its cluster SG.
resource "aws_eks_cluster" "this" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

module "with_cluster_sg" {
  source                    = "./modules/nodes"
  cluster_name              = aws_eks_cluster.this.name
  cluster_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}


# The module's output is the nodes' group: tagging it as well as carrying
# the cluster SG gives the nodes of module.both two tagged groups.
module "both" {
  source                    = "./modules/nodes"
  cluster_name              = aws_eks_cluster.this.name
  cluster_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  tags = {
    "kubernetes.io/cluster/prod" = "owned" # want: EKSSG002 "module.both.aws_security_group.this"
  }
}
