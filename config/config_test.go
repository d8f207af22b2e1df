package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

func load(t *testing.T, content string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, ".eks-sg-lint.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(p)
}

func TestErrorsNameTheProblem(t *testing.T) {
	for _, tc := range []struct{ content, want string }{
		{"rulez: {}\n", "line 1: field rulez not found"},
		{"rules:\n  EKSSG999: {enabled: false}\n", `unknown rule "EKSSG999"`},
		{"rules:\n  EKSSG023: {level: high}\n", `"high" is not error, warning or note`},
		{"rules:\n  EKSSG023: {levle: note}\n", "line 2: field levle not found"},
		{"rules:\n  EKSSG031:\n    ignore:\n      - paths: [a]\n", "line 4: rules.EKSSG031.ignore entry needs a reason"},
		{"rules:\n  EKSSG031:\n    ignore:\n      - path: [a]\n        reason: x\n", `line 4: unknown key "path"`},
		{"params:\n  - values: {A: b}\n", "params[0]: needs paths"},
		{"exclude: [\n", "did not find expected node content"},
	} {
		_, err := load(t, tc.content)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.content, err, tc.want)
		}
	}
	if c, err := load(t, ""); err != nil || c == nil {
		t.Errorf("an empty file is an empty config: %v", err)
	}
}

func TestGlobs(t *testing.T) {
	for _, tc := range []struct {
		glob, path string
		want       bool
	}{
		{"sandbox/**", "sandbox/a.yaml", true},
		{"sandbox/**", "sandbox/x/y/a.yaml", true},
		{"sandbox/**", "prod/sandbox/a.yaml", false},
		{"sandbox", "sandbox/a.yaml", true}, // a folder covers its content
		{"*.test.yaml", "deep/dir/x.test.yaml", true},
		{"stacks/*.yaml", "stacks/a.yaml", true},
		{"stacks/*.yaml", "stacks/sub/a.yaml", false},
		{"**/cdk.out/**", "app/cdk.out/Stack.template.json", true},
		{"a?.yaml", "ab.yaml", true},
		{"a?.yaml", "a/.yaml", false},
		{"./gen/**", "gen/x.json", true},
		{"x.yaml", "xyaml", false},
	} {
		if got := globRegexp(tc.glob).MatchString(tc.path); got != tc.want {
			t.Errorf("%q ~ %q = %v, want %v", tc.glob, tc.path, got, tc.want)
		}
	}
}

func TestApply(t *testing.T) {
	c, err := load(t, `rules:
  EKSSG026: {enabled: false}
  EKSSG023: {level: warning}
  EKSSG031:
    ignore:
      - paths: ["sandbox/**"]
        reason: sandbox accounts allow SSH
exclude: [generated]
params:
  - paths: ["stacks/**"]
    values: {ClusterName: dev, Env: dev}
  - paths: ["stacks/prod/**"]
    values: {ClusterName: prod}
`)
	if err != nil {
		t.Fatal(err)
	}
	c.Display = ".eks-sg-lint.yaml"
	rules := c.ApplyRules(analyzer.All())
	for _, a := range rules {
		if a.ID == "EKSSG026" {
			t.Error("EKSSG026 is disabled")
		}
		if a.ID == "EKSSG023" && a.Level != analyzer.LevelWarning {
			t.Errorf("EKSSG023 level %s", a.Level)
		}
	}
	if analyzer.ByID("EKSSG023").Level != analyzer.LevelNote {
		t.Error("ApplyRules must not modify the registry")
	}
	abs := func(rel string) string { return filepath.Join(c.Dir, rel) }
	if !c.Excluded(abs("generated/x.yaml")) || c.Excluded(abs("stacks/x.yaml")) {
		t.Error("exclude")
	}
	if got := c.ParamsFor(abs("stacks/prod/a.yaml")); got["ClusterName"] != "prod" || got["Env"] != "dev" {
		t.Errorf("params for prod: %v", got)
	}
	if got := c.ParamsFor(abs("other.yaml")); got != nil {
		t.Errorf("params for other: %v", got)
	}
	f := analyzer.Finding{RuleID: "EKSSG031", Loc: graph.Location{File: "sandbox/ng.yaml", Line: 3}}
	sup := c.Suppression(f, abs)
	if sup == nil || sup.Kind != "external" || sup.Justification != "sandbox accounts allow SSH" || sup.Loc.Line != 6 {
		t.Errorf("suppression: %+v", sup)
	}
	f.Loc.File = "prod/ng.yaml"
	if c.Suppression(f, abs) != nil {
		t.Error("prod is not ignored")
	}
	// Files outside the config's folder match nothing.
	if c.Excluded(filepath.Join(filepath.Dir(c.Dir), "generated", "x.yaml")) {
		t.Error("outside the config folder")
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := Find(deep); ok {
		t.Skip("a config file exists above the temp dir")
	}
	want := filepath.Join(dir, "a", ".eks-sg-lint.yml")
	if err := os.WriteFile(want, []byte("exclude: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := Find(deep); !ok || got != want {
		t.Errorf("Find = %q, %v; want %q", got, ok, want)
	}
}

// TestReadmeExample loads the configuration shown in the README, so the
// documentation cannot show keys the tool rejects.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "### Configuration")
	if i < 0 {
		t.Fatal("README has no Configuration section")
	}
	start := strings.Index(text[i:], "```yaml\n")
	end := strings.Index(text[i+start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no yaml block in the Configuration section")
	}
	c, err := load(t, text[i+start+8:i+start+8+end])
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	if len(c.Rules) != 3 || len(c.Exclude) != 1 || len(c.Params) != 1 {
		t.Errorf("README example parsed as %+v", c)
	}
}

// On main globRegexp quoted the glob byte by byte, so a pattern with a
// non-ASCII character never matched.
func TestGlobsWithNonASCIICharacters(t *testing.T) {
	c, err := load(t, "exclude: [\"clusters/münchen/**\", \"*-日本.yaml\", \"ö?.json\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{
		"clusters/münchen/a.yaml": true,
		"clusters/munchen/a.yaml": false,
		"x/prod-日本.yaml":          true,
		"prod-日本.yml":             false,
		"öä.json":                 true, // ? is one character, not one byte
		"öaa.json":                false,
	} {
		if got := c.Excluded(filepath.Join(c.Dir, rel)); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", rel, got, want)
		}
	}
}
