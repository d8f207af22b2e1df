package terraform

import (
	"testing"
)

// FuzzModule evaluates arbitrary bytes as a root module's main.tf (and as
// main.tf.json when they look like JSON), with a local module beside it:
// nothing may panic or hang, and errors must carry the file's name.
func FuzzModule(f *testing.F) {
	f.Add([]byte(clusterTF))
	f.Add([]byte(`resource "aws_security_group" "g" { count = 2
  dynamic "ingress" {
    for_each = { a = 1, b = 2 }
    content { from_port = ingress.value
      to_port = ingress.value
      protocol = "tcp"
      cidr_blocks = ["0.0.0.0/0"] }
  }
}
module "m" { source = "./mod"
  x = aws_security_group.g[0].id }
locals { y = [for k, v in module.m : v] }
`))
	f.Add([]byte(`{"resource": {"aws_security_group": {"g": {"ingress": [{"from_port": 1, "to_port": 2, "protocol": "tcp", "self": true}]}}}}`))
	f.Add([]byte(`locals { a = [for i in range(1024) : [for j in range(1024) : i]] }`))
	// the modelled terraform-aws-modules/eks (several majors) and a
	// downloaded module named by modules.json
	f.Add([]byte(`module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = ">= 18, != 19.1.0"
  cluster_name = "prod"
  node_security_group_additional_rules = { a = { type = "ingress", protocol = "-1", from_port = 0, to_port = 0, self = true } }
  eks_managed_node_groups = { a = { attach_cluster_primary_security_group = true, remote_access = { ec2_ssh_key = "k" } } }
  self_managed_node_groups = { b = { vpc_security_group_ids = [module.m.id] } }
}
module "dl" { source = "terraform-aws-modules/vpc/aws" }
module "m" { source = "./mod"
  x = module.eks.node_security_group_id }
`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "main.tf"
		if len(data) > 0 && data[0] == '{' {
			name = "main.tf.json"
		}
		fsys := MapFS{"/m/" + name: data,
			"/m/mod/main.tf": []byte(`variable "x" {}
resource "aws_security_group" "inner" {
  ingress {
    from_port = 443
    to_port = 443
    protocol = "tcp"
    security_groups = [var.x]
  }
}
output "id" { value = aws_security_group.inner.id }`),
			"/m/.terraform/modules/modules.json": []byte(`{"Modules":[{"Key":"dl","Source":"terraform-aws-modules/vpc/aws","Dir":".terraform/modules/dl"}]}`),
			"/m/.terraform/modules/dl/main.tf":   []byte(`resource "aws_security_group" "dl" {}`)}
		res := Scan([]string{"/m"}, Options{FS: fsys, Display: func(s string) string { return s }})
		for _, r := range res {
			for _, e := range r.Errors {
				if e.Loc.File == "" {
					t.Fatalf("error without a file: %+v", e)
				}
			}
		}
	})
}
