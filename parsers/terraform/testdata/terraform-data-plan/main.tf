# terraform_data only (built into Terraform, no provider download): plan.json
# is the real `terraform plan -out=p.out && terraform show -json p.out` of
# Terraform v1.11.4 (indented), the reference for the shape of `references`.
resource "terraform_data" "sg" {
  input = "x"
}
resource "terraform_data" "many" {
  count = 2
  input = "y"
}
module "m" {
  source = "./m"
  sg     = terraform_data.sg.id
}
resource "terraform_data" "user" {
  input = {
    a    = terraform_data.sg.id
    list = [terraform_data.sg.id, "known"]
    b    = terraform_data.many[1].id
    c    = module.m.out
    d    = terraform_data.many[*].id
    e    = { for k, v in { x = 1 } : k => terraform_data.sg.output }
  }
}
