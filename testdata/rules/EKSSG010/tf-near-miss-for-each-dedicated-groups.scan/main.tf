# Near miss: for_each gives each cluster its own group.
locals {
  clusters = toset(["blue", "green"])
}

resource "aws_security_group" "control_plane" {
  for_each = local.clusters
  name     = "${each.key}-control-plane"
  vpc_id   = "vpc-1"
}

resource "aws_eks_cluster" "this" {
  for_each = local.clusters
  name     = each.key
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.control_plane[each.key].id]
  }
}
