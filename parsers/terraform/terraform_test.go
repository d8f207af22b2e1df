package terraform

import (
	"sort"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// scanMap evaluates the root module /m (and any module it calls) from
// in-memory files.
func scanMap(t *testing.T, files map[string]string, opts Options) Result {
	t.Helper()
	fsys := MapFS{}
	for name, text := range files {
		fsys["/m/"+name] = []byte(text)
	}
	opts.FS = fsys
	opts.Display = func(abs string) string { return strings.TrimPrefix(abs, "/") }
	res := Scan([]string{"/m"}, opts)
	if len(res) != 1 {
		t.Fatalf("got %d root modules, want 1", len(res))
	}
	return res[0]
}

func sgByName(d *graph.Document, name string) *graph.SecurityGroup {
	for _, sg := range d.SGs {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

func ngByName(d *graph.Document, name string) *graph.NodeGroup {
	for _, ng := range d.NodeGroups {
		if ng.Name == name {
			return ng
		}
	}
	return nil
}

const clusterTF = `
variable "cluster_name" { type = string }
resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = "arn:aws:iam::1:role/eks"
  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = [aws_security_group.cp.id]
  }
}
resource "aws_security_group" "cp" {
  name = "cp"
}
`

func TestReferencesStaySymbolic(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": clusterTF + `
resource "aws_security_group" "nodes" { name = "nodes" }
resource "aws_launch_template" "lt" {
  vpc_security_group_ids = [aws_security_group.nodes.id, aws_eks_cluster.this.vpc_config[0].cluster_security_group_id]
}
resource "aws_eks_node_group" "ng" {
  cluster_name = aws_eks_cluster.this.name
  launch_template {
    id      = aws_launch_template.lt.id
    version = "$Latest"
  }
}
`}, Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	ng := ngByName(res.Doc, "aws_eks_node_group.ng")
	if ng == nil {
		t.Fatal("node group missing")
	}
	if ng.SGsOpen || len(ng.SGs) != 2 {
		t.Fatalf("node SGs = %+v (open %v), want the two known groups", ng.SGs, ng.SGsOpen)
	}
	c := res.Doc.Clusters[0]
	if ng.SGs[0].SG != graph.SGKey("tf:m#aws_security_group.nodes") || ng.SGs[1].SG != c.ClusterSG {
		t.Errorf("node SGs = %v, %v; want the nodes group and %v", ng.SGs[0].SG, ng.SGs[1].SG, c.ClusterSG)
	}
	if ng.ClusterKey != c.Key {
		t.Errorf("node group cluster %q, want %q", ng.ClusterKey, c.Key)
	}
	if got := c.Name.String(); got != "${var.cluster_name}" {
		t.Errorf("cluster name %q", got)
	}
	if len(c.ControlPlaneSGs) != 1 || c.ControlPlaneSGs[0].SG != "tf:m#aws_security_group.cp" {
		t.Errorf("control-plane SGs %+v", c.ControlPlaneSGs)
	}
	if ng.SGsLoc.Line != 4+len(strings.Split(clusterTF, "\n"))-1 {
		t.Logf("SGsLoc %v", ng.SGsLoc)
	}
}

func TestNoDefaultEgressAndInlineRules(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
resource "aws_security_group" "a" {
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    cidr_blocks     = ["10.0.0.0/8", "::/0"]
    security_groups = [aws_security_group.b.id]
    self            = true
  }
}
resource "aws_security_group" "b" {
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_vpc_security_group_ingress_rule" "r" {
  security_group_id            = aws_security_group.b.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.a.id
}
`}, Options{})
	a, b := sgByName(res.Doc, "aws_security_group.a"), sgByName(res.Doc, "aws_security_group.b")
	for _, r := range a.Rules {
		if r.Direction == graph.Egress {
			t.Errorf("group a has egress %+v; the provider adds none", r)
		}
	}
	if len(a.Rules) != 4 {
		t.Errorf("group a has %d rules, want 4 (two CIDRs, a group, self)", len(a.Rules))
	}
	var self bool
	for _, r := range a.Rules {
		if r.Peer.Kind == graph.PeerSG && r.Peer.SG == a.Key {
			self = true
		}
		if r.FromPort != 443 || r.ToPort != 443 || r.Protocol != graph.ProtoTCP || !r.Certain {
			t.Errorf("rule %+v", r)
		}
	}
	if !self {
		t.Error("self rule missing")
	}
	if len(b.Rules) != 1 || b.Rules[0].Protocol != graph.ProtoAll || !b.Rules[0].PortsKnown || b.Rules[0].ToPort != 65535 {
		t.Errorf("group b rules %+v", b.Rules)
	}
	if len(res.Doc.Rules) != 1 || res.Doc.Rules[0].SG != b.Key || res.Doc.Rules[0].Peer.SG != a.Key || res.Doc.Rules[0].FromPort != 10250 {
		t.Errorf("standalone rules %+v", res.Doc.Rules)
	}
}

func TestVariablesLocalsCountForEach(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "enabled" { type = bool }
variable "groups" {
  type    = map(object({ port = number, cidr = optional(string, "10.0.0.0/8") }))
  default = { web = { port = 443 } }
}
locals {
  ports = { for k, g in var.groups : k => g.port }
  twice = local.ports
}
resource "aws_security_group" "maybe" {
  count = var.enabled ? 1 : 0
}
resource "aws_security_group" "each" {
  for_each = var.groups
  name     = "g-${each.key}"
  ingress {
    from_port   = local.twice[each.key]
    to_port     = each.value.port
    protocol    = "tcp"
    cidr_blocks = [each.value.cidr]
  }
}
resource "aws_security_group" "none" {
  count = 0
}
`,
		"terraform.tfvars": `groups = { web = { port = 443 }, db = { port = 5432, cidr = "10.1.0.0/16" } }`,
	}
	res := scanMap(t, files, Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	maybe := sgByName(res.Doc, "aws_security_group.maybe[count.index]")
	if maybe == nil {
		t.Fatalf("unknown count should give one instance; groups: %v", names(res.Doc))
	}
	if sgByName(res.Doc, `aws_security_group.none[0]`) != nil {
		t.Error("count = 0 gave an instance")
	}
	db := sgByName(res.Doc, `aws_security_group.each["db"]`)
	if db == nil || len(db.Rules) != 1 || db.Rules[0].FromPort != 5432 || db.Rules[0].Peer.Expr != "10.1.0.0/16" {
		t.Fatalf("db group %+v (groups %v)", db, names(res.Doc))
	}
	web := sgByName(res.Doc, `aws_security_group.each["web"]`)
	if web == nil || web.Rules[0].Peer.Expr != "10.0.0.0/8" {
		t.Fatalf("web group should take the optional() default: %+v", web)
	}
	// --var overrides tfvars; a bool variable takes an HCL expression.
	res = scanMap(t, files, Options{Vars: map[string]string{"enabled": "true"}})
	if sgByName(res.Doc, "aws_security_group.maybe[0]") == nil {
		t.Errorf("--var enabled=true should give instance [0]; groups %v", names(res.Doc))
	}
}

func names(d *graph.Document) []string {
	var out []string
	for _, sg := range d.SGs {
		out = append(out, sg.Name)
	}
	return out
}

func TestUnknownCountIsNotCertain(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
variable "n" { type = number }
resource "aws_security_group" "g" {
  count = var.n
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}`}, Options{})
	g := res.Doc.SGs[0]
	if len(g.Rules) != 1 || g.Rules[0].Certain {
		t.Errorf("rules of a group that may not exist must not be certain: %+v", g.Rules)
	}
}

func TestTagsDefaultTagsAndEC2Tag(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": clusterTF + `
provider "aws" {
  default_tags {
    tags = {
      "kubernetes.io/cluster/${var.cluster_name}" = "shared"
      Team = "x"
    }
  }
}
resource "aws_security_group" "nodes" {
  tags = { Team = "y" }
}
resource "aws_ec2_tag" "extra" {
  resource_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  key         = "karpenter.sh/discovery"
  value       = var.cluster_name
}
`}, Options{})
	nodes := sgByName(res.Doc, "aws_security_group.nodes")
	got := map[string]string{}
	for _, tg := range nodes.Tags {
		got[tg.Key.String()] = tg.Value.String()
	}
	if got["Team"] != "y" || got["kubernetes.io/cluster/${var.cluster_name}"] != "shared" || len(got) != 2 {
		t.Errorf("tags %v: want the resource's Team and the default cluster tag", got)
	}
	for _, tg := range nodes.Tags {
		if tg.Key.String() != "Team" && tg.Loc.Line != 18 {
			t.Errorf("default tag located at %v, want its key's line 18", tg.Loc)
		}
	}
	csg := res.Doc.SGs[0]
	if csg.ClusterSGOf == "" || len(csg.Tags) != 2 || csg.Tags[1].Key.String() != "karpenter.sh/discovery" {
		t.Errorf("cluster SG tags %+v", csg.Tags)
	}
}

func TestMalformedFileIsPositionedError(t *testing.T) {
	res := scanMap(t, map[string]string{"a.tf": "resource \"aws_security_group\" \"x\" {\n  name = \"é\"\n  ingress {\n    from_port = \n}\n"}, Options{})
	if len(res.Errors) != 1 || res.Errors[0].Loc.File != "m/a.tf" || res.Errors[0].Loc.Line != 4 {
		t.Fatalf("errors %+v, want one at m/a.tf:4", res.Errors)
	}
	if res.Doc != nil {
		t.Error("a module with a broken file must not be evaluated")
	}
}

func TestColumnsCountCodePoints(t *testing.T) {
	// "é" is two bytes, and "👍🏽" one grapheme of two code points.
	res := scanMap(t, map[string]string{"main.tf": "locals { x = \"é👍🏽\" }\nresource \"aws_security_group\" \"g\" { tags = { \"é👍🏽\" = local.x, \"k\" = \"v\" } }\n"}, Options{})
	tg := res.Doc.SGs[0].Tags[1]
	if k := res.Doc.SGs[0].Tags[0]; k.Key.String() != "k" || k.Loc.Line != 2 || k.Loc.Column != 63 {
		t.Errorf("tag k at %d:%d, want 2:63 (HCL's grapheme column is 62)", k.Loc.Line, k.Loc.Column)
	}
	if tg.Value.String() != "é👍🏽" {
		t.Errorf("tag value %q", tg.Value.String())
	}
}

func TestCommentsAreRealComments(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `resource "aws_security_group" "g" {
  description = "# eks-sg-lint:ignore EKSSG031 set by anyone who can edit the group"
  # eks-sg-lint:ignore EKSSG030 a real one
  tags = {
    Note = <<-EOT
    # eks-sg-lint:ignore EKSSG001 inside a heredoc
    EOT
  }
}
`}, Options{})
	if len(res.Comments) != 1 || res.Comments[0].Line != 3 || res.Comments[0].Column != 3 {
		t.Fatalf("comments %+v, want only the one on line 3", res.Comments)
	}
}

func TestAttachmentCatalog(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
resource "aws_security_group" "cp" {}
resource "aws_db_instance" "db" {
  vpc_security_group_ids = [aws_security_group.cp.id]
}
resource "aws_lambda_function" "fn" {
  vpc_config {
    subnet_ids         = ["subnet-1"]
    security_group_ids = [aws_security_group.cp.id]
  }
}
resource "aws_ecs_service" "svc" {
  dynamic "network_configuration" {
    for_each = [1]
    content {
      subnets         = ["subnet-1"]
      security_groups = [aws_security_group.cp.id]
    }
  }
}
resource "aws_network_interface_sg_attachment" "a" {
  security_group_id    = aws_security_group.cp.id
  network_interface_id = "eni-1"
}
resource "aws_security_group_rule" "r" {
  type                     = "ingress"
  security_group_id        = aws_security_group.cp.id
  source_security_group_id = aws_security_group.cp.id
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
}
`}, Options{})
	got := map[string]bool{}
	for _, a := range res.Doc.Attachments {
		got[a.Resource+" "+a.Property] = true
	}
	want := []string{"aws_db_instance.db vpc_security_group_ids", "aws_lambda_function.fn vpc_config[].security_group_ids",
		"aws_ecs_service.svc network_configuration[].security_groups", "aws_network_interface_sg_attachment.a security_group_id"}
	for _, w := range want {
		if !got[w] {
			t.Errorf("attachment %q missing; got %v", w, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d attachments, want %d (a rule resource attaches nothing): %v", len(got), len(want), got)
	}
}

// A cluster whose name the evaluator cannot compute (a function it does not
// know) is still the cluster its node groups name through
// aws_eks_cluster.x.name, passed through a module and a time_sleep's
// triggers as terraform-aws-modules/eks does.
func TestUnknownClusterNameStillLinks(t *testing.T) {
	files := map[string]string{
		"main.tf": `
resource "aws_eks_cluster" "this" {
  name     = "ex-${uuid()}"
  role_arn = "arn"
  vpc_config { subnet_ids = ["subnet-1"] }
}
resource "time_sleep" "this" {
  triggers = { name = aws_eks_cluster.this.name }
}
module "ng" {
  source       = "./ng"
  cluster_name = time_sleep.this.triggers["name"]
}
`,
		"ng/main.tf": `
variable "cluster_name" { type = string }
resource "aws_eks_node_group" "this" {
  cluster_name = var.cluster_name
}
`}
	res := scanMap(t, files, Options{})
	if len(res.Doc.Clusters) != 1 || len(res.Doc.NodeGroups) != 1 {
		t.Fatalf("clusters %d, node groups %d: want one of each, linked", len(res.Doc.Clusters), len(res.Doc.NodeGroups))
	}
	c, ng := res.Doc.Clusters[0], res.Doc.NodeGroups[0]
	if ng.ClusterKey != c.Key || len(ng.SGs) != 1 || ng.SGs[0].SG != c.ClusterSG {
		t.Errorf("node group %q on %v, want cluster %q and its cluster SG", ng.ClusterKey, ng.SGs, c.Key)
	}
	if got := c.Name.String(); got != "${aws_eks_cluster.this.name}" {
		t.Errorf("cluster name %q", got)
	}
}

// A symbol's text proves nothing about its value: comparing it makes the
// result unknown, so the resource below may or may not exist.
func TestComparingSymbolsIsUnknown(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
variable "existing_sg_id" { type = string }
resource "aws_security_group" "created" {
  count = var.existing_sg_id == "" ? 1 : 0
}
resource "aws_security_group" "other" {
  count = aws_security_group.created[0].id != "x" ? 1 : 0
}
resource "aws_security_group" "known" {
  count = "a" == "a" ? 1 : 0
}
`}, Options{})
	for _, name := range []string{"aws_security_group.created[count.index]", "aws_security_group.other[count.index]", "aws_security_group.known[0]"} {
		if sgByName(res.Doc, name) == nil {
			t.Errorf("%s missing; groups %v", name, names(res.Doc))
		}
	}
}

// A list chosen by an unknown condition gives the groups of both results,
// each possible rather than certain.
func TestUnknownConditionalGivesBothBranches(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
variable "use_extra" { type = bool }
resource "aws_security_group" "base" {}
resource "aws_security_group" "extra" {}
resource "aws_launch_template" "lt" {
  vpc_security_group_ids = var.use_extra ? [aws_security_group.base.id, aws_security_group.extra.id] : [aws_security_group.base.id]
}
resource "aws_eks_cluster" "c" {
  name = "prod"
  vpc_config { security_group_ids = var.use_extra ? [aws_security_group.extra.id] : [] }
}
resource "aws_eks_node_group" "ng" {
  cluster_name = aws_eks_cluster.c.name
  launch_template {
    id      = aws_launch_template.lt.id
    version = "1"
  }
}
`}, Options{})
	ng := ngByName(res.Doc, "aws_eks_node_group.ng")
	// base and extra, then base; and the cluster SG, since every group is
	// conditional (on a branch with none, EKS would use the cluster SG).
	if ng.SGsOpen || len(ng.SGs) != 4 || ng.SGs[3].SG != res.Doc.Clusters[0].ClusterSG {
		t.Fatalf("node SGs %+v open %v: want base, extra, base from both branches and the cluster SG", ng.SGs, ng.SGsOpen)
	}
	for _, m := range ng.SGs {
		if m.Certain {
			t.Errorf("%s is on one branch only, so not certain", m.SG)
		}
	}
	c := res.Doc.Clusters[0]
	if c.ControlPlaneSGsOpen || len(c.ControlPlaneSGs) != 1 || c.ControlPlaneSGs[0].Certain {
		t.Errorf("control-plane SGs %+v open %v", c.ControlPlaneSGs, c.ControlPlaneSGsOpen)
	}
}

// A cluster defined elsewhere, read through data "aws_eks_cluster": its
// cluster SG is the one of the cluster of that name (shared with any other
// input that describes the cluster).
func TestDataSourceClusterSG(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
data "aws_eks_cluster" "prod" { name = "prod" }
resource "aws_launch_template" "lt" {
  vpc_security_group_ids = [data.aws_eks_cluster.prod.vpc_config[0].cluster_security_group_id]
}
resource "aws_eks_node_group" "ng" {
  cluster_name = data.aws_eks_cluster.prod.name
  launch_template {
    id      = aws_launch_template.lt.id
    version = "1"
  }
}
`}, Options{})
	ng := res.Doc.NodeGroups[0]
	want := graph.ClusterSGKey(graph.ClusterKeyForName("prod"))
	if ng.ClusterKey != graph.ClusterKeyForName("prod") || len(ng.SGs) != 1 || ng.SGs[0].SG != want {
		t.Errorf("node group on %q with %+v; want cluster prod and %s", ng.ClusterKey, ng.SGs, want)
	}
}

// terraform-aws-eks v18-v20 read their merged rule maps with
// lookup(each.value, KEY, null): a key a rule lacks is null (no peer of
// that kind), one it has is its value, as in Terraform.
func TestLookupWithNullDefault(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
locals {
  rules = {
    dns = { from_port = 53, to_port = 53, self = true }
    out = { from_port = 0, to_port = 0, protocol = "-1", type = "egress", cidr_blocks = ["0.0.0.0/0"] }
  }
}
resource "aws_security_group" "node" {}
resource "aws_security_group_rule" "node" {
  for_each          = local.rules
  security_group_id = aws_security_group.node.id
  type              = lookup(each.value, "type", "ingress")
  protocol          = lookup(each.value, "protocol", "tcp")
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_blocks       = lookup(each.value, "cidr_blocks", null)
  self              = lookup(each.value, "self", null)
  source_security_group_id = lookup(each.value, "source_security_group_id", null)
}
`}, Options{})
	node := sgByName(res.Doc, "aws_security_group.node")
	var got []string
	for _, r := range res.Doc.Rules {
		peer := r.Peer.Expr
		if r.Peer.Kind == graph.PeerSG && r.Peer.SG == node.Key {
			peer = "self"
		}
		got = append(got, r.Direction.String()+" "+itoa(int64(r.FromPort))+" "+peer)
	}
	want := "egress 0 0.0.0.0/0,ingress 53 self"
	sort.Strings(got)
	if strings.Join(got, ",") != want {
		t.Errorf("rules %v, want %s (no unknown peer)", got, want)
	}
}

// A launch template with `name = null` beside name_prefix gets a name from
// the provider, and an Auto Scaling group that names it so (terraform-aws-eks
// v18's self-managed groups: try(aws_launch_template.this[0].name, …)) runs
// on its groups.
func TestNullNameIsTheProvidersName(t *testing.T) {
	res := scanMap(t, map[string]string{"main.tf": `
variable "use_name_prefix" { default = true }
resource "aws_security_group" "node" {
  tags = { "kubernetes.io/cluster/prod" = "owned" }
}
resource "aws_launch_template" "this" {
  count                  = 1
  name                   = var.use_name_prefix ? null : "nodes"
  name_prefix            = var.use_name_prefix ? "nodes-" : null
  vpc_security_group_ids = [aws_security_group.node.id]
}
resource "aws_autoscaling_group" "nodes" {
  launch_template {
    name    = try(aws_launch_template.this[0].name, "")
    version = "$Latest"
  }
  tag {
    key                 = "kubernetes.io/cluster/prod"
    value               = "owned"
    propagate_at_launch = true
  }
}
`}, Options{})
	ng := ngByName(res.Doc, "aws_autoscaling_group.nodes")
	if ng == nil {
		t.Fatal("no node group")
	}
	if ng.SGsOpen || len(ng.SGs) != 1 || ng.SGs[0].SG != sgByName(res.Doc, "aws_security_group.node").Key {
		t.Errorf("node SGs = %+v (open %v), want the launch template's group", ng.SGs, ng.SGsOpen)
	}
}
