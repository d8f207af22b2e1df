package eksmodule

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func numbers(ms []Major) []int {
	var out []int
	for _, m := range ms {
		out = append(out, m.Number)
	}
	return out
}

func TestAdmitted(t *testing.T) {
	for _, c := range []struct {
		constraint string
		want       []int
		older      bool
	}{
		{"", []int{21, 20, 19, 18}, true},
		{"~> 20.0", []int{20}, false},
		{"~> 20.8", []int{20}, false},
		{"20.8.5", []int{20}, false},
		{"= 19.0.4", []int{19}, false},
		{">= 18.0", []int{21, 20, 19, 18}, false},
		{">= 18.0, < 20.0", []int{19, 18}, false},
		{"> 20.37.2, < 21.0.0", []int{20}, false},
		{"~> 17.0", nil, true},
		{"< 19", []int{18}, true},
		{">= 22.0", nil, false},
		{"!= 20.1.0", []int{21, 20, 19, 18}, true},
	} {
		got, older, err := Admitted(c.constraint)
		if err != nil {
			t.Errorf("%q: %v", c.constraint, err)
			continue
		}
		if !reflect.DeepEqual(numbers(got), c.want) || older != c.older {
			t.Errorf("%q: majors %v older %v, want %v %v", c.constraint, numbers(got), older, c.want, c.older)
		}
	}
	if _, _, err := Admitted("~> banana"); err == nil {
		t.Error("an unparsable constraint gives no error")
	}
}

func TestSource(t *testing.T) {
	for src, want := range map[string][2]string{
		"terraform-aws-modules/eks/aws":                                                                    {"", ""},
		"registry.terraform.io/terraform-aws-modules/eks/aws":                                              {"", ""},
		"terraform-aws-modules/eks/aws//modules/eks-managed-node-group":                                    {"modules/eks-managed-node-group", ""},
		"git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v20.8.5":                  {"", "20.8.5"},
		"github.com/terraform-aws-modules/terraform-aws-eks//modules/self-managed-node-group?ref=v19.21.0": {"modules/self-managed-node-group", "19.21.0"},
		"git@github.com:terraform-aws-modules/terraform-aws-eks.git":                                       {"", ""},
	} {
		ok, sub, ref := Source(src)
		if !ok || sub != want[0] || ref != want[1] {
			t.Errorf("Source(%q) = %v %q %q, want true %q %q", src, ok, sub, ref, want[0], want[1])
		}
	}
	for _, src := range []string{
		"terraform-aws-modules/eks/aws//modules/fargate-profile", // not modelled
		"terraform-aws-modules/eks/aws//modules/../../x",
		"terraform-aws-modules/vpc/aws",
		"./modules/eks",
		"github.com/someone/terraform-aws-eks",
	} {
		if ok, _, _ := Source(src); ok {
			t.Errorf("Source(%q) is taken for the module", src)
		}
	}
}

func TestNarrowByArguments(t *testing.T) {
	kept, excluded := Narrow(Majors, []string{"cluster_name", "vpc_id"})
	if !reflect.DeepEqual(numbers(kept), []int{20, 19, 18}) || excluded[21] != "cluster_name" {
		t.Errorf("cluster_name: kept %v excluded %v", numbers(kept), excluded)
	}
	kept, _ = Narrow(Majors, []string{"name", "node_security_group_enable_recommended_rules"})
	if !reflect.DeepEqual(numbers(kept), []int{21}) {
		t.Errorf("name: kept %v", numbers(kept))
	}
	kept, _ = Narrow(Majors, []string{"cluster_name", "node_security_group_enable_recommended_rules"})
	if !reflect.DeepEqual(numbers(kept), []int{20, 19}) {
		t.Errorf("recommended switch: kept %v", numbers(kept))
	}
}

func TestParseAnnotation(t *testing.T) {
	a, ok := ParseAnnotation("# @ node_groups.tf:216-223 cause: node_security_group_tags, tags\n")
	if !ok || a.File != "node_groups.tf" || a.Line != 216 || !reflect.DeepEqual(a.Causes, []string{"node_security_group_tags", "tags"}) {
		t.Errorf("got %+v %v", a, ok)
	}
	a, ok = ParseAnnotation("# @ main.tf")
	if !ok || a.File != "main.tf" || a.Line != 0 || a.Causes != nil {
		t.Errorf("got %+v %v", a, ok)
	}
	if _, ok := ParseAnnotation("# an ordinary comment"); ok {
		t.Error("an ordinary comment is taken for an annotation")
	}
}

// TestCausesAreArguments: every cause a model names is an argument the
// caller can write to that major (a variable of the model's root), so a
// typo cannot silently send findings to the module block.
func TestCausesAreArguments(t *testing.T) {
	variable := regexp.MustCompile(`(?m)^variable "([a-z0-9_]+)"`)
	for _, m := range Majors {
		files := Files(m.Number)
		if len(files) < 4 {
			t.Fatalf("v%d: %d model files", m.Number, len(files))
		}
		root := map[string]bool{}
		for _, v := range variable.FindAllStringSubmatch(string(files["main.tf"]), -1) {
			root[v[1]] = true
		}
		for name, data := range files {
			for n, line := range strings.Split(string(data), "\n") {
				a, ok := ParseAnnotation(line)
				if !ok {
					continue
				}
				if a.File == "" || strings.Contains(a.File, " ") {
					t.Errorf("v%d %s:%d: cites %q", m.Number, name, n+1, a.File)
				}
				for _, c := range a.Causes {
					if arg, _, _ := strings.Cut(c, "."); !root[arg] {
						t.Errorf("v%d %s:%d: cause %q is not an argument of the module", m.Number, name, n+1, c)
					}
				}
			}
		}
	}
}
