package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// tfCorpusGolden is every finding of the Terraform corpus as (file, rule),
// sorted; testdata/corpus/terraform/SOURCES.md says why each is believed.
var tfCorpusGolden = []string{
	"terraform-aws-modules+terraform-aws-eks/main.tf EKSSG022 x12",
	"terraform-aws-modules+terraform-aws-eks/modules/eks-managed-node-group/main.tf EKSSG026 x7",
	"terraform-aws-modules+terraform-aws-eks/modules/self-managed-node-group/main.tf EKSSG026 x5",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG002 x1",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG023 x1",
}

// TestTerraformCorpus scans the Terraform corpus laid out as SOURCES.md
// says, in the folder EKS_SG_LINT_TF_CORPUS names (its files cannot be
// committed): every file parses, and the findings are the golden list.
func TestTerraformCorpus(t *testing.T) {
	dir := os.Getenv("EKS_SG_LINT_TF_CORPUS")
	if dir == "" {
		t.Skip("EKS_SG_LINT_TF_CORPUS is not set (see testdata/corpus/terraform/SOURCES.md)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run([]string{abs}, Options{WorkDir: abs})
	for _, e := range rep.Errors {
		t.Errorf("%s: %s", e.Loc, e.Message)
	}
	count := map[string]int{}
	for _, f := range rep.Findings {
		count[f.Loc.File+" "+f.RuleID]++
	}
	var got []string
	for k, n := range count {
		got = append(got, fmt.Sprintf("%s x%d", k, n))
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, tfCorpusGolden) {
		t.Errorf("corpus findings changed:\n  %s", strings.Join(got, "\n  "))
	}
}
