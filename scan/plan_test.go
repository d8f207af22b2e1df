package scan

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// findingLines are a scan's findings as "RULE message" (at is false) or
// "file:line:col RULE message".
func findingLines(t *testing.T, wd string, at bool, paths ...string) []string {
	t.Helper()
	rep := Run(paths, Options{WorkDir: wd})
	if len(rep.Errors) > 0 {
		t.Fatalf("%v: %v", paths, rep.Errors)
	}
	var out []string
	for _, f := range rep.Findings {
		s := f.RuleID + " " + f.Message
		if at {
			s = f.Loc.String() + " " + s
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

var addressLine = regexp.MustCompile(`^\s*"address": "[^"]+",?$`)

// The same configuration read as HCL and as its plan gives the same
// findings (rules and messages, which name resources by address). Alone,
// the plan's findings point at the resource's address in the plan; paired
// with the HCL, at exactly where the HCL reading points.
func TestPlanMatchesHCL(t *testing.T) {
	units, _ := filepath.Glob("../testdata/rules/*/tf-plan-paired-*.scan")
	if len(units) < 5 {
		t.Fatalf("want the paired plan fixtures, got %v", units)
	}
	for _, unit := range units {
		abs, _ := filepath.Abs(unit)
		planFile := filepath.Join(abs, "plan.json")
		hcl := findingLines(t, abs, true, filepath.Join(abs, "main.tf"))
		paired := findingLines(t, abs, true, abs)
		if len(hcl) == 0 {
			t.Fatalf("%s: the HCL gives no finding to compare", unit)
		}
		if !reflect.DeepEqual(hcl, paired) {
			t.Errorf("%s: HCL and plan+HCL differ\nHCL:\n  %s\nplan+HCL:\n  %s", unit, strings.Join(hcl, "\n  "), strings.Join(paired, "\n  "))
		}
		rep := Run([]string{planFile}, Options{WorkDir: abs})
		if len(rep.Errors) > 0 {
			t.Fatalf("%s: %v", unit, rep.Errors)
		}
		data, _ := os.ReadFile(planFile)
		lines := strings.Split(string(data), "\n")
		var alone []string
		for _, f := range rep.Findings {
			alone = append(alone, f.RuleID+" "+f.Message)
			if f.Loc.File != "plan.json" || f.Loc.Line < 1 || f.Loc.Line > len(lines) || !addressLine.MatchString(lines[f.Loc.Line-1]) {
				t.Errorf("%s: plan alone, %s %s is not at a resource's address", unit, f.Loc, f.RuleID)
			}
		}
		sort.Strings(alone)
		hclRules := findingLines(t, abs, false, filepath.Join(abs, "main.tf"))
		if strings.Contains(filepath.Base(unit), "-locals") {
			// A plan's configuration has no locals: alone, links made
			// through them are unknown and their findings not made; none
			// may appear that the HCL does not give.
			extra := map[string]bool{}
			for _, f := range alone {
				extra[f] = true
			}
			for _, f := range hclRules {
				delete(extra, f)
			}
			if len(extra) > 0 || len(alone) >= len(hclRules) {
				t.Errorf("%s: plan alone should give fewer findings than the HCL and none of its own\nHCL:\n  %s\nplan:\n  %s", unit, strings.Join(hclRules, "\n  "), strings.Join(alone, "\n  "))
			}
			continue
		}
		if !reflect.DeepEqual(hclRules, alone) {
			t.Errorf("%s: HCL and plan alone differ\nHCL:\n  %s\nplan:\n  %s", unit, strings.Join(hclRules, "\n  "), strings.Join(alone, "\n  "))
		}
	}
}

// Where a plan pairs with the root module it was made from: its own
// folder, or the nearest root below it whose resources it declares;
// never two equally near ones, never a root elsewhere.
func TestPlanPairing(t *testing.T) {
	fixture := "../testdata/rules/EKSSG001/tf-plan-paired-untagged-node-sg.scan"
	tf, err := os.ReadFile(filepath.Join(fixture, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := os.ReadFile(filepath.Join(fixture, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(dir string, files map[string][]byte) {
		for name, data := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files := func(dir string) []string {
		rep := Run([]string{dir}, Options{WorkDir: dir})
		if len(rep.Errors) > 0 {
			t.Fatalf("%v", rep.Errors)
		}
		seen := map[string]bool{}
		for _, f := range rep.Findings {
			if f.RuleID == "EKSSG001" {
				seen[f.Loc.File] = true
			}
		}
		var out []string
		for f := range seen {
			out = append(out, f)
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		name   string
		layout map[string][]byte
		want   []string // files the EKSSG001 findings are in
	}{
		{"plan above its root", map[string][]byte{"plan.json": plan, "infra/main.tf": tf}, []string{"infra/main.tf"}},
		{"two roots equally near", map[string][]byte{"plan.json": plan, "a/main.tf": tf, "b/main.tf": tf}, []string{"a/main.tf", "b/main.tf", "plan.json"}},
		{"plan beside, not above", map[string][]byte{"plans/plan.json": plan, "infra/main.tf": tf}, []string{"infra/main.tf", "plans/plan.json"}},
		{"another module below", map[string][]byte{"plan.json": plan, "infra/main.tf": tf,
			"other/main.tf": []byte("resource \"aws_security_group\" \"x\" {\n  name = \"x\"\n}\n")}, []string{"infra/main.tf"}},
		{"the nearer root wins", map[string][]byte{"plan.json": plan, "infra/main.tf": tf, "infra/old/prod/main.tf": tf}, []string{"infra/main.tf", "infra/old/prod/main.tf"}},
	} {
		dir := t.TempDir()
		write(dir, tc.layout)
		if got := files(dir); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: EKSSG001 in %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A broken plan is an error at its line; the rest of the scan runs.
func TestBadPlanIsAnErrorAtItsLine(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../testdata/rules/EKSSG001/tf-plan-untagged-node-sg.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"good/plan.json":   string(good),
		"typed/plan.json":  "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {},\n  \"resource_changes\": [\n    {\"address\": [\"x\"]}\n  ]\n}\n",
		"broken/plan.json": "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"address\": \"aws_security_group.x\",}\n  ]\n}\n",
	} {
		p := filepath.Join(dir, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := Run([]string{dir}, Options{WorkDir: dir})
	got := map[string]int{}
	for _, e := range rep.Errors {
		got[e.Loc.File] = e.Loc.Line
	}
	if got["typed/plan.json"] != 5 || got["broken/plan.json"] != 4 || len(rep.Errors) != 2 {
		t.Errorf("errors: %v", rep.Errors)
	}
	fired := false
	for _, f := range rep.Findings {
		fired = fired || (f.RuleID == "EKSSG001" && f.Loc.File == "good/plan.json")
	}
	if !fired {
		t.Errorf("the good plan is still scanned: %v", rep.Findings)
	}
}

// Paired with its HCL, a plan's findings are silenced by the
// `# eks-sg-lint:ignore` comments of the .tf files, as the HCL's are.
func TestPlanPairedHonoursHCLSuppressions(t *testing.T) {
	fixture := "../testdata/rules/EKSSG001/tf-plan-paired-untagged-node-sg.scan"
	tf, err := os.ReadFile(filepath.Join(fixture, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := os.ReadFile(filepath.Join(fixture, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	const line = "  vpc_security_group_ids = [aws_security_group.node.id] # want: EKSSG026\n"
	if !strings.Contains(string(tf), line) {
		t.Fatal("the fixture changed")
	}
	tf = []byte(strings.Replace(string(tf), line, "  # eks-sg-lint:ignore EKSSG026 the nodes need no cluster SG here\n"+line, 1))
	dir := t.TempDir()
	for name, data := range map[string][]byte{"main.tf": tf, "plan.json": plan} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := Run([]string{dir}, Options{WorkDir: dir})
	n := 0
	for _, f := range rep.Findings {
		if f.RuleID == "EKSSG026" {
			n++
			if f.Suppression == nil || f.Loc.File != "main.tf" {
				t.Errorf("EKSSG026 at %s not suppressed by the .tf comment", f.Loc)
			}
		}
	}
	if n != 1 {
		t.Errorf("want one EKSSG026, got %d: %v", n, rep.Findings)
	}
}

// A plan of a terraform-aws-modules/eks v20 call, paired with the call the
// tool models, gives the model's findings at the model's places (the rule
// and where it points; the plan names the node group by its address, its
// name being generated from a prefix); alone it proves nothing the model
// does not.
func TestPlanOfTheEKSModuleMatchesTheModel(t *testing.T) {
	abs, _ := filepath.Abs("../testdata/rules/EKSSG002/tf-plan-eks-module-v20.scan")
	sites := func(paths ...string) []string {
		rep := Run(paths, Options{WorkDir: abs})
		if len(rep.Errors) > 0 {
			t.Fatalf("%v", rep.Errors)
		}
		var out []string
		for _, f := range rep.Findings {
			out = append(out, f.Loc.String()+" "+f.RuleID)
		}
		sort.Strings(out)
		return out
	}
	model := sites(filepath.Join(abs, "main.tf"))
	if len(model) != 2 {
		t.Fatalf("the model's findings: %v", model)
	}
	if paired := sites(abs); !reflect.DeepEqual(model, paired) {
		t.Errorf("model:\n  %s\nplan+HCL:\n  %s", strings.Join(model, "\n  "), strings.Join(paired, "\n  "))
	}
	if alone := sites(filepath.Join(abs, "plan.json")); len(alone) != 0 {
		t.Errorf("alone: %v", alone)
	}
}
