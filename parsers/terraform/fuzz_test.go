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
output "id" { value = aws_security_group.inner.id }`)}
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
