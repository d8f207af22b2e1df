package terraform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
)

// FuzzPlan reads arbitrary bytes as a Terraform plan, alone and paired
// with a root module that calls a local module: nothing may panic or hang,
// an error has a position, and every location is in the plan or the HCL.
func FuzzPlan(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/rules/*/tf-plan-*.json")
	more, _ := filepath.Glob("../../testdata/rules/*/tf-plan-*.scan/plan.json")
	seeds = append(append(seeds, more...), "testdata/terraform-data-plan/plan.json")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			var small bytes.Buffer // indentation only slows the fuzzer's minimising
			if json.Compact(&small, data) == nil {
				data = small.Bytes()
			}
			f.Add(data)
		}
	}
	// references that loop through a module's variable and output, a
	// reference into a counted module, and a hostile chain of shorter forms
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[
 {"address":"module.m[0].aws_security_group_rule.r","module_address":"module.m[0]","mode":"managed","type":"aws_security_group_rule","name":"r",
  "change":{"actions":["create"],"after":{"type":"ingress","protocol":"tcp","from_port":1,"to_port":2},"after_unknown":{"security_group_id":true,"source_security_group_id":true}}}],
 "configuration":{"root_module":{"module_calls":{"m":{"source":"./mod","expressions":{"x":{"references":["module.m.o","module.m"]}},
  "module":{"outputs":{"o":{"expression":{"references":["var.x"]}}},"resources":[{"address":"aws_security_group_rule.r","mode":"managed","type":"aws_security_group_rule","name":"r",
   "expressions":{"security_group_id":{"references":["var.x"]},"source_security_group_id":{"references":["aws_security_group_rule.r.id","aws_security_group_rule.r","aws_security_group_rule"]}}}]}}}}}}`))
	hclRoot := MapFS{
		"/m/main.tf": []byte(`module "m" {
  source = "./mod"
  count  = 1
}
resource "aws_eks_node_group" "ng" {
  tags = { "kubernetes.io/cluster/demo" = "owned" }
}`),
		"/m/mod/main.tf": []byte(`resource "aws_security_group_rule" "r" {}
resource "aws_security_group" "node" {}`),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _, err := yamltree.Parse(data, yamltree.Options{JSON: true})
		if err != nil || len(docs) == 0 || !IsPlan(docs[0]) {
			return
		}
		p, err := DecodePlan("plan.json", data, docs[0])
		if err != nil {
			if fe, ok := err.(*yamltree.Error); !ok || fe.Line < 1 {
				t.Fatalf("a decoding error without a line: %#v", err)
			}
			return
		}
		res := Scan([]string{"/m"}, Options{FS: hclRoot, Display: func(s string) string { return strings.TrimPrefix(s, "/") }})
		for _, hcl := range []*Result{nil, &res[0]} {
			doc, _ := p.Document(hcl)
			for _, sg := range doc.SGs {
				if f := sg.Loc.File; f != "plan.json" && !strings.HasPrefix(f, "m/") {
					t.Fatalf("group %s located in %q", sg.Name, f)
				}
			}
			for _, r := range doc.Rules {
				if f := r.Loc.File; f != "plan.json" && !strings.HasPrefix(f, "m/") {
					t.Fatalf("rule %s located in %q", r.Resource, f)
				}
			}
		}
	})
}
