# Two clusters share one control-plane group.
resource "aws_security_group" "control_plane" {
  name   = "shared-control-plane"
  vpc_id = "vpc-1"
}

resource "aws_eks_cluster" "blue" {
  name     = "blue"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.control_plane.id] # want: EKSSG010 "cluster "blue""
  }
}

resource "aws_eks_cluster" "green" {
  name     = "green"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.control_plane.id] # want: EKSSG010 "cluster "green""
  }
}
