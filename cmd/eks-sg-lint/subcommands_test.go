package main

// Tests of `eks-sg-lint rules` and `eks-sg-lint explain`, through run().

import (
	"regexp"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
)

func TestRulesListsEveryRule(t *testing.T) {
	r := runCLI(t, "rules")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("want exit 0 and nothing on stderr: %v", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if !regexp.MustCompile(`^ID\s+LEVEL\s+NAME\s+DESCRIPTION$`).MatchString(lines[0]) {
		t.Errorf("header = %q", lines[0])
	}
	all := analyzer.All()
	if len(lines) != len(all)+1 {
		t.Fatalf("%d lines, want a header and %d rules:\n%s", len(lines), len(all), r.stdout)
	}
	for i, a := range all {
		fields := strings.Fields(lines[i+1])
		if len(fields) < 4 || fields[0] != a.ID || fields[1] != string(a.Level) || fields[2] != a.Name ||
			!strings.HasSuffix(lines[i+1], "  "+a.Short) {
			t.Errorf("line %d = %q, want %s %s %s %s", i+2, lines[i+1], a.ID, a.Level, a.Name, a.Short)
		}
	}
}

func TestExplainPrintsThePage(t *testing.T) {
	for _, a := range analyzer.All() {
		page, ok := docs.Rule(a.ID)
		if !ok {
			t.Errorf("%s has no page", a.ID)
			continue
		}
		for _, id := range []string{a.ID, strings.ToLower(a.ID)} {
			r := runCLI(t, "explain", id)
			if r.code != 0 || r.stderr != "" || r.stdout != page {
				t.Errorf("explain %s: exit %d, stderr %q, output equals the page: %v", id, r.code, r.stderr, r.stdout == page)
			}
		}
	}
}

func TestExplainUnknownRule(t *testing.T) {
	r := runCLI(t, "explain", "EKSSG999")
	if r.code != 2 || r.stdout != "" {
		t.Errorf("want exit 2 and nothing on stdout: %v", r)
	}
	if !strings.Contains(r.stderr, `unknown rule "EKSSG999"`) {
		t.Errorf("stderr does not name the unknown rule: %q", r.stderr)
	}
	for _, a := range analyzer.All() {
		if !strings.Contains(r.stderr, a.ID) {
			t.Errorf("stderr does not list %s: %q", a.ID, r.stderr)
		}
	}
}

func TestSubcommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"explain"},
		{"explain", "EKSSG001", "EKSSG002"},
		{"rules", "extra"},
	} {
		r := runCLI(t, args...)
		if r.code != 2 || r.stdout != "" || !strings.HasSuffix(r.stderr, "Run 'eks-sg-lint "+args[0]+" --help' for usage.\n") || strings.Count(r.stderr, "\n") > 3 {
			t.Errorf("%q: want exit 2, a short message and a pointer to the command's help on stderr: %v", args, r)
		}
	}
	for _, args := range [][]string{{"rules", "-h"}, {"explain", "--help"}, {"help", "explain"}, {"help", "rules"}} {
		r := runCLI(t, args...)
		name := args[0]
		if name == "help" {
			name = args[1]
		}
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:\n  eks-sg-lint "+name) {
			t.Errorf("%q: want exit 0 and usage on stdout: %v", args, r)
		}
	}
}

// A subcommand is recognised only as the first argument: a file or folder
// named "rules" is scanned when written as ./rules, after a flag, or
// after "--".
func TestPathNamedLikeASubcommand(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "rules/nodes.yaml")
	copyDupFixture(t, "explain")
	for _, args := range [][]string{
		{"./rules"},
		{"-v", "rules"},
		{"--", "rules"},
		{"--", "explain"},
		{"--fail-on", "error", "./explain"},
	} {
		r := runCLI(t, args...)
		if r.code != 1 || !strings.Contains(r.stdout, "EKSSG002") {
			t.Errorf("%q: want the scan's EKSSG002 finding and exit 1: %v", args, r)
		}
	}
	// As the first argument, "rules" is the subcommand, not the folder.
	if r := runCLI(t, "rules"); r.code != 0 || strings.Contains(r.stdout, "nodes.yaml") || !strings.Contains(r.stdout, "EKSSG031") {
		t.Errorf("rules: want the rule list: %v", r)
	}
}

func TestUsageMentionsCommands(t *testing.T) {
	r := runCLI(t, "-h")
	usage := r.stdout + r.stderr
	for _, want := range []string{"Commands:", "rules ", "explain RULE", "version ", "help [COMMAND]", "completion SHELL", "./rules"} {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
}

// TestPageConfigSnippets: the config-file suppression each page shows
// suppresses that rule's findings in the page's first failing example.
func TestPageConfigSnippets(t *testing.T) {
	exampleRe := regexp.MustCompile("(?s)<!-- fails: [^>]*? -->\n```yaml\n(.*?)```")
	configRe := regexp.MustCompile("(?s)\n  ```yaml\n(  rules:\n.*?)  ```")
	for _, a := range analyzer.All() {
		if a.ID == analyzer.InvalidSuppression.ID {
			continue
		}
		page, _ := docs.Rule(a.ID)
		ex, cfg := exampleRe.FindStringSubmatch(page), configRe.FindStringSubmatch(page)
		if ex == nil || cfg == nil {
			t.Errorf("%s: the page has no failing example or no config snippet", a.ID)
			continue
		}
		t.Run(a.ID, func(t *testing.T) {
			inTemp(t)
			var snippet []string
			for _, l := range strings.Split(cfg[1], "\n") {
				snippet = append(snippet, strings.TrimPrefix(l, "  "))
			}
			writeFile(t, ".eks-sg-lint.yaml", strings.Join(snippet, "\n"))
			writeFile(t, "sandbox/example.yaml", ex[1])
			r := runCLI(t, "--format", "json", "sandbox/example.yaml")
			out := decodeJSON(t, r)
			n := 0
			for _, f := range list(t, "findings", out["findings"]) {
				f := f.(map[string]any)
				if f["rule"] != a.ID {
					continue
				}
				n++
				if s, _ := f["suppression"].(map[string]any); s == nil || s["kind"] != "external" {
					t.Errorf("finding not suppressed by the page's config snippet: %v", f)
				}
			}
			if n == 0 {
				t.Errorf("no %s finding: %v", a.ID, r)
			}
		})
	}
}

func TestGraphCommand(t *testing.T) {
	t.Chdir(repoPath())
	r := runCLI(t, "graph", "testdata/examples/cluster-with-nodes.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "flowchart LR") || !strings.Contains(r.stdout, `-->|"TCP 10250 ✓"|`) {
		t.Errorf("mermaid: %v", r)
	}
	r = runCLI(t, "graph", "--format", "dot", "testdata/examples/cluster-with-nodes.yaml")
	if r.code != 0 || !strings.HasPrefix(r.stdout, `digraph "eks-sg-lint" {`) || !strings.Contains(r.stdout, `label="TCP 443 ✓", color="#2da44e"`) {
		t.Errorf("dot: %v", r)
	}
	// A blocked flow is red.
	r = runCLI(t, "graph", "testdata/rules/EKSSG021/node-ingress-blocks-kubelet.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "TCP 10250 ✗") {
		t.Errorf("blocked flow: %v", r)
	}
	if r := runCLI(t, "graph", "--format", "svg", "testdata/examples"); r.code != 2 || !strings.Contains(r.stderr, `"--format" flag: must be mermaid or dot, not "svg"`) {
		t.Errorf("bad format: %v", r)
	}
	if r := runCLI(t, "graph", "--nope"); r.code != 2 {
		t.Errorf("bad flag: %v", r)
	}
}
