# The control-plane group is also placed on a database (an argument from
# the generated catalog) and a Lambda function (a nested argument found by
# the provider's naming convention).
resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  version  = "1.30"
  vpc_config {
    subnet_ids         = ["subnet-1", "subnet-2"]
    security_group_ids = [aws_security_group.control_plane.id]
  }
}

resource "aws_security_group" "control_plane" {
  name   = "prod-control-plane"
  vpc_id = "vpc-1"
}

resource "aws_db_instance" "app" {
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  vpc_security_group_ids = [aws_security_group.control_plane.id] # want: EKSSG011 "aws_db_instance.app"
}

resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = "arn:aws:iam::111122223333:role/fn"
  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = [aws_security_group.control_plane.id] # want: EKSSG011 "aws_lambda_function.hook"
  }
}
