package docs_test

// The rule pages are checked against the registry and against the scanner:
// every example a page says fails or passes is scanned, so a page cannot
// drift from what the tool does.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// awsPage is the AWS page every rule page quotes and links.
const awsPage = "https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html"

// repoRoot is the module root (tests run in docs/).
const repoRoot = ".."

var (
	// An example is a ```yaml block right after a comment that says
	// whether it fails or passes and which fixture files it was taken from:
	//
	//	<!-- fails: testdata/rules/EKSSG002/x.yaml -->
	//
	// A failing example may be followed by what eks-sg-lint prints for it
	// (its lines of this rule, the file named example.yaml):
	//
	//	<!-- output -->
	//	```text
	exampleRe = regexp.MustCompile("(?s)<!-- (fails|passes): ([^>]*?) -->\n```yaml\n(.*?)```(?:\n+<!-- output -->\n```text\n(.*?)```)?")
	// markerRe marks, in a failing example, a line the finding points at.
	markerRe = regexp.MustCompile(`\s+# <- (EKSSG\d{3})\b.*$`)
	// wantRe is a fixture's expectation comment (not part of examples).
	wantRe    = regexp.MustCompile(`\s+# want:.*$`)
	yamlRe    = regexp.MustCompile("(?m)^```yaml$")
	levelRe   = regexp.MustCompile(`(?m)^\*\*Level:\*\* (\w+)$`)
	suppressH = regexp.MustCompile(`(?m)^## .*[Ss]uppress`)
	notRepH   = regexp.MustCompile(`(?m)^## What is not reported`)
)

type example struct {
	fails   bool
	sources []string
	body    string
	// output is the text output the page shows, if any.
	output string
	// line is where the block starts in the page (for messages).
	line int
}

func examples(page string) []example {
	var out []example
	for _, m := range exampleRe.FindAllStringSubmatchIndex(page, -1) {
		out = append(out, example{
			fails:   page[m[2]:m[3]] == "fails",
			sources: strings.Fields(page[m[4]:m[5]]),
			body:    page[m[6]:m[7]],
			output:  sub(page, m[8], m[9]),
			line:    strings.Count(page[:m[6]], "\n") + 1,
		})
	}
	return out
}

func sub(s string, i, j int) string {
	if i < 0 {
		return ""
	}
	return s[i:j]
}

func TestEveryRuleHasAPage(t *testing.T) {
	registered := map[string]bool{}
	for _, a := range analyzer.All() {
		registered[a.ID] = true
		page, ok := docs.Rule(a.ID)
		if !ok {
			t.Errorf("%s has no page docs/rules/%s.md", a.ID, a.ID)
			continue
		}
		if lower, ok := docs.Rule(strings.ToLower(a.ID)); !ok || lower != page {
			t.Errorf("docs.Rule(%q) does not find the page", strings.ToLower(a.ID))
		}
		first, _, _ := strings.Cut(page, "\n")
		if want := "# " + a.ID + ": " + a.Name; first != want {
			t.Errorf("%s: first line %q, want %q", a.ID, first, want)
		}
		if m := levelRe.FindStringSubmatch(page); m == nil || m[1] != string(a.Level) {
			t.Errorf("%s: want a line \"**Level:** %s\"", a.ID, a.Level)
		}
		if !strings.Contains(page, "("+awsPage) {
			t.Errorf("%s: no link to %s", a.ID, awsPage)
		}
		if !suppressH.MatchString(page) {
			t.Errorf("%s: no \"## … Suppress…\" section", a.ID)
		}
		if !notRepH.MatchString(page) {
			t.Errorf("%s: no \"## What is not reported\" section", a.ID)
		}
		if !yamlRe.MatchString(page) {
			t.Errorf("%s: no ```yaml block", a.ID)
		}
		fails, passes := 0, 0
		for _, ex := range examples(page) {
			if ex.fails {
				fails++
			} else {
				passes++
			}
		}
		if fails == 0 || passes == 0 {
			t.Errorf("%s: %d failing and %d passing examples; need at least one of each", a.ID, fails, passes)
		}
		if strings.Contains(page, "\r") {
			t.Errorf("%s: the page has carriage returns", a.ID)
		}
		// The page is also SARIF help and `explain` output: it must stand
		// alone, naming nothing a user's clone or viewer does not have.
		for _, elsewhere := range []string{"RULES.md", "DESIGN.md", "shared/", "seed/", ".es.txt"} {
			if strings.Contains(page, elsewhere) {
				t.Errorf("%s: the page refers to %q, which is not in the repository", a.ID, elsewhere)
			}
		}
	}
	for _, id := range docs.IDs() {
		if !registered[id] {
			t.Errorf("docs/rules/%s.md documents no registered rule", id)
		}
	}
	if _, ok := docs.Rule("../docs"); ok {
		t.Error("docs.Rule accepts a path")
	}
	if _, ok := docs.Rule("EKSSG999"); ok {
		t.Error("docs.Rule finds a page for EKSSG999")
	}
}

// TestExamplesAreTakenFromFixtures: every line of an example is a line of
// one of the fixture files it names (ignoring `# want:` comments there and
// `# <- RULE` markers here), so examples are fixtures, trimmed.
func TestExamplesAreTakenFromFixtures(t *testing.T) {
	for _, a := range analyzer.All() {
		page, ok := docs.Rule(a.ID)
		if !ok {
			continue
		}
		for _, ex := range examples(page) {
			if len(ex.sources) == 0 {
				t.Errorf("%s.md:%d: the example names no fixture file", a.ID, ex.line)
				continue
			}
			lines := map[string]bool{}
			for _, src := range ex.sources {
				if !strings.HasPrefix(src, "testdata/") {
					t.Errorf("%s.md:%d: %s is not a fixture under testdata/", a.ID, ex.line, src)
				}
				data, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(src)))
				if err != nil {
					t.Errorf("%s.md:%d: %v", a.ID, ex.line, err)
					continue
				}
				for _, l := range strings.Split(string(data), "\n") {
					lines[strings.TrimRight(wantRe.ReplaceAllString(l, ""), " \t")] = true
				}
			}
			for i, l := range strings.Split(strings.TrimSuffix(ex.body, "\n"), "\n") {
				l = strings.TrimRight(markerRe.ReplaceAllString(l, ""), " \t")
				if l == "" || l == "---" {
					continue
				}
				if !lines[l] {
					t.Errorf("%s.md:%d: line %q is in none of %s", a.ID, ex.line+i, l, strings.Join(ex.sources, ", "))
				}
			}
		}
	}
}

// TestExamplesBehaveAsDocumented scans every example: a failing one must
// produce the rule exactly on the lines marked `# <- RULE`, a passing one
// must not produce the rule at all.
func TestExamplesBehaveAsDocumented(t *testing.T) {
	for _, a := range analyzer.All() {
		page, ok := docs.Rule(a.ID)
		if !ok {
			continue
		}
		for i, ex := range examples(page) {
			name := fmt.Sprintf("%s/%d-%s", a.ID, i+1, map[bool]string{true: "fails", false: "passes"}[ex.fails])
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				file := filepath.Join(dir, "example.yaml")
				if err := os.WriteFile(file, []byte(ex.body), 0o644); err != nil {
					t.Fatal(err)
				}
				rep := scan.Run([]string{file}, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"})
				for _, e := range rep.Errors {
					t.Errorf("%s.md:%d: the example does not parse: %s: %s", a.ID, ex.line, e.Loc, e.Message)
				}
				if len(rep.Files) == 0 {
					t.Fatalf("%s.md:%d: the example was not recognised as a template or config", a.ID, ex.line)
				}
				var marked []int
				for n, l := range strings.Split(ex.body, "\n") {
					if m := markerRe.FindStringSubmatch(l); m != nil {
						if m[1] != a.ID {
							t.Errorf("%s.md:%d: marker for %s; pages mark only their own rule", a.ID, ex.line+n, m[1])
						}
						marked = append(marked, n+1)
					}
				}
				var got []int
				seen := map[int]bool{}
				for _, f := range rep.Findings {
					if f.RuleID == a.ID && !seen[f.Loc.Line] {
						seen[f.Loc.Line] = true
						got = append(got, f.Loc.Line)
					}
				}
				sort.Ints(got)
				if ex.fails {
					if len(got) == 0 {
						t.Errorf("%s.md:%d: the example says it fails, but %s reports nothing", a.ID, ex.line, a.ID)
					}
					if fmt.Sprint(got) != fmt.Sprint(marked) {
						t.Errorf("%s.md:%d: %s reported on example lines %v, marked `# <- %s` on %v\n%s",
							a.ID, ex.line, a.ID, got, a.ID, marked, findings(rep.Findings, a.ID))
					}
					if ex.output != "" {
						var buf bytes.Buffer
						if err := report.WriteText(&buf, rep, report.TextOptions{}); err != nil {
							t.Fatal(err)
						}
						printed := map[string]bool{}
						for _, l := range strings.Split(buf.String(), "\n") {
							printed[l] = true
						}
						for _, l := range strings.Split(strings.TrimSuffix(ex.output, "\n"), "\n") {
							if !printed[l] {
								t.Errorf("%s.md:%d: the page shows output eks-sg-lint does not print:\n  %s\nit prints:\n%s", a.ID, ex.line, l, buf.String())
							}
						}
					}
				} else {
					if ex.output != "" {
						t.Errorf("%s.md:%d: a passing example shows output", a.ID, ex.line)
					}
					if len(marked) > 0 {
						t.Errorf("%s.md:%d: a passing example has `# <- RULE` markers", a.ID, ex.line)
					}
					if len(got) > 0 {
						t.Errorf("%s.md:%d: the example says it passes, but %s reports on lines %v\n%s",
							a.ID, ex.line, a.ID, got, findings(rep.Findings, a.ID))
					}
				}
			})
		}
	}
}

// TestSuppressionsAsDocumented: every page says a finding is silenced by
// `# eks-sg-lint:ignore RULE <reason>` on the reported line or on the line
// above it; check both on every failing example.
func TestSuppressionsAsDocumented(t *testing.T) {
	for _, a := range analyzer.All() {
		if a.ID == analyzer.InvalidSuppression.ID {
			continue // reports suppressions; not itself suppressible in source
		}
		page, ok := docs.Rule(a.ID)
		if !ok {
			continue
		}
		for i, ex := range examples(page) {
			if !ex.fails {
				continue
			}
			for _, where := range []string{"line", "above"} {
				t.Run(fmt.Sprintf("%s/%d-%s", a.ID, i+1, where), func(t *testing.T) {
					var out []string
					for _, l := range strings.Split(ex.body, "\n") {
						m := markerRe.FindStringIndex(l)
						if m == nil {
							out = append(out, l)
							continue
						}
						ignore := "# eks-sg-lint:ignore " + a.ID + " checked by the docs tests"
						if where == "line" {
							out = append(out, l[:m[0]]+" "+ignore)
							continue
						}
						indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
						out = append(out, indent+ignore, l)
					}
					dir := t.TempDir()
					file := filepath.Join(dir, "example.yaml")
					if err := os.WriteFile(file, []byte(strings.Join(out, "\n")), 0o644); err != nil {
						t.Fatal(err)
					}
					rep := scan.Run([]string{file}, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"})
					n := 0
					for _, f := range rep.Findings {
						switch {
						case f.RuleID == analyzer.InvalidSuppression.ID:
							t.Errorf("%s.md:%d: %s", a.ID, ex.line, f.Message)
						case f.RuleID == a.ID && f.Suppression == nil:
							t.Errorf("%s.md:%d: a comment %s the reported line does not suppress: line %d: %s", a.ID, ex.line, map[string]string{"line": "on", "above": "above"}[where], f.Loc.Line, f.Message)
						case f.RuleID == a.ID:
							n++
						}
					}
					if n == 0 {
						t.Errorf("%s.md:%d: no suppressed %s finding", a.ID, ex.line, a.ID)
					}
				})
			}
		}
	}
}

func findings(fs []analyzer.Finding, id string) string {
	var b strings.Builder
	for _, f := range fs {
		if f.RuleID == id {
			fmt.Fprintf(&b, "  line %d: %s\n", f.Loc.Line, f.Message)
		}
	}
	return b.String()
}
