variable "sg" { type = string }
resource "terraform_data" "inner" {
  for_each = toset(["a"])
  input    = var.sg
}
output "out" { value = terraform_data.inner["a"].id }
