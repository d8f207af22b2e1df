package terraform

import (
	"fmt"
	"testing"
)

// BenchmarkRoot200 evaluates a root module of 200 .tf files (a cluster and
// 199 node-group files: a group with a dynamic block, a rule resource, a
// launch template and a for_each node group each), as issue 12 measures.
func BenchmarkRoot200(b *testing.B) {
	fsys := MapFS{"/m/main.tf": []byte(`
variable "cluster_name" {
  type    = string
  default = "prod"
}
locals {
  common_tags = { Team = "platform" }
}
resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = "arn"
  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = [aws_security_group.control_plane.id]
  }
}
resource "aws_security_group" "control_plane" {}
`)}
	for i := range 199 {
		fsys[fmt.Sprintf("/m/ng%03d.tf", i)] = []byte(fmt.Sprintf(`
locals {
  ng%[1]d_ports = { https = 443, kubelet = 10250 }
}
resource "aws_security_group" "ng%[1]d" {
  tags = merge(local.common_tags, { Name = "ng%[1]d" })
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
  dynamic "ingress" {
    for_each = local.ng%[1]d_ports
    content {
      from_port       = ingress.value
      to_port         = ingress.value
      protocol        = "tcp"
      security_groups = [aws_security_group.control_plane.id]
    }
  }
}
resource "aws_vpc_security_group_ingress_rule" "cp_from_ng%[1]d" {
  security_group_id            = aws_security_group.control_plane.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.ng%[1]d.id
}
resource "aws_launch_template" "ng%[1]d" {
  vpc_security_group_ids = [aws_security_group.ng%[1]d.id, aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
}
resource "aws_eks_node_group" "ng%[1]d" {
  for_each     = toset(["a", "b"])
  cluster_name = aws_eks_cluster.this.name
  launch_template {
    id      = aws_launch_template.ng%[1]d.id
    version = "1"
  }
}
`, i))
	}
	opts := Options{FS: fsys, Display: func(s string) string { return s }}
	b.ReportAllocs()
	for b.Loop() {
		res := Scan([]string{"/m"}, opts)
		if len(res[0].Doc.NodeGroups) != 398 {
			b.Fatalf("%d node groups", len(res[0].Doc.NodeGroups))
		}
	}
}
