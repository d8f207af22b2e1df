package main

import (
	"strings"
	"testing"
)

// The variables a Terraform scan uses come from terraform.tfvars, then
// --var-file, then --var, each later one winning, as in Terraform.
const tfNodes = `
variable "cluster_name" { type = string }
variable "ssh_from" {
  type    = list(string)
  default = ["10.0.0.0/8"]
}
resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = "arn:aws:iam::1:role/eks"
  vpc_config { subnet_ids = ["subnet-1"] }
}
resource "aws_security_group" "ssh" {
  tags = { "kubernetes.io/cluster/${var.cluster_name}" = "owned" }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = var.ssh_from
  }
}
resource "aws_launch_template" "nodes" {
  vpc_security_group_ids = [aws_security_group.ssh.id, aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
}
resource "aws_eks_node_group" "ng" {
  cluster_name = aws_eks_cluster.this.name
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "1"
  }
}
`

func TestTerraformVarAndVarFile(t *testing.T) {
	inTemp(t)
	writeFile(t, "infra/main.tf", tfNodes)
	writeFile(t, "infra/terraform.tfvars", `cluster_name = "from-tfvars"`+"\n")
	writeFile(t, "open.tfvars", `ssh_from = ["0.0.0.0/0"]`+"\n")

	// The group is tagged for the cluster as well as the cluster SG:
	// EKSSG002 names the cluster, so it shows which name was used.
	r := runCLI(t, "--no-progress", "infra")
	if r.code != 1 || strings.Contains(r.stdout, "EKSSG031") || !strings.Contains(r.stdout, `cluster "from-tfvars"`) {
		t.Fatalf("terraform.tfvars names the cluster; SSH from 10.0.0.0/8 is no finding:\n%s", r)
	}
	r = runCLI(t, "--no-progress", "--var-file", "open.tfvars", "infra")
	if r.code != 1 || !strings.Contains(r.stdout, "EKSSG031") {
		t.Fatalf("--var-file should open SSH to 0.0.0.0/0:\n%s", r)
	}
	r = runCLI(t, "--no-progress", "--var-file", "open.tfvars", "--var", "cluster_name=prod", "infra")
	if r.code != 1 || !strings.Contains(r.stdout, `cluster "prod"`) {
		t.Fatalf("--var should win over terraform.tfvars:\n%s", r)
	}
	r = runCLI(t, "--no-progress", "--var", `ssh_from=["0.0.0.0/0"]`, "infra")
	if r.code != 1 || !strings.Contains(r.stdout, "EKSSG031") {
		t.Fatalf("--var of a list variable is an HCL expression:\n%s", r)
	}
	r = runCLI(t, "--no-progress", "--var-file", "missing.tfvars", "infra")
	if r.code != 2 || !strings.Contains(r.stdout+r.stderr, "missing.tfvars") {
		t.Fatalf("a missing --var-file is a file error (exit 2):\n%s", r)
	}
}
