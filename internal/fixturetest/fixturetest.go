// Package fixturetest runs the scanner over fixture files whose expected
// findings are written inside them, in the spirit of analysistest:
//
//	NodeSecurityGroup:   # want: EKSSG002
//	- Key: Name          # want: EKSSG031 "SSH"
//
// A `# want:` comment names the rule IDs (each optionally followed by a
// quoted regular expression the message must match) of the findings that
// must point at that line. JSON has no comments: a sidecar file
// `<name>.want` holds lines `LINE RULE ["regexp"]`. A fixture may set
// CloudFormation parameters with `# param: Key=Value` lines. A folder whose
// name ends in `.scan` is scanned as one unit (cross-file fixtures).
//
// The harness fails on every missing AND every unexpected finding, and on
// any file error, so a fixture without `want` comments is a near miss that
// must stay silent. Terraform fixtures are `.scan` folders (a folder of
// .tf files is one module; subfolders are its local modules), with
// `# want:` in HCL comments and `# var: NAME=VALUE` for --var. Suppressed findings are neither expected nor unexpected
// (a fixture shows them silenced by having no want for them).
package fixturetest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

var (
	wantRe  = regexp.MustCompile(`#\s*want:\s*(.*)$`)
	paramRe = regexp.MustCompile(`#\s*param:\s*([^=\s]+)=(\S*)`)
	varRe   = regexp.MustCompile(`#\s*var:\s*([^=\s]+)=(\S*)`)
	itemRe  = regexp.MustCompile(`(EKSSG\d{3})(?:\s+"((?:[^"\\]|\\.)*)")?`)
)

// expectation is one finding that must exist.
type expectation struct {
	file string
	line int
	rule string
	msg  *regexp.Regexp
}

func (e expectation) String() string {
	s := fmt.Sprintf("%s:%d: %s", e.file, e.line, e.rule)
	if e.msg != nil {
		s += fmt.Sprintf(" %q", e.msg)
	}
	return s
}

// Units lists the fixtures under dir: single files, and `.scan` folders.
func Units(t *testing.T, dir string) []string {
	t.Helper()
	var units []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasSuffix(d.Name(), ".scan") {
				units = append(units, path)
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json", ".template":
			units = append(units, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(units)
	return units
}

// Run scans one fixture unit and compares findings with its expectations.
func Run(t *testing.T, unit string) *report.Report {
	t.Helper()
	unit, err := filepath.Abs(unit)
	if err != nil {
		t.Fatal(err)
	}
	files := []string{unit}
	if st, err := os.Stat(unit); err == nil && st.IsDir() {
		files = nil
		_ = filepath.WalkDir(unit, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(path) != ".want" {
				files = append(files, path)
			}
			return nil
		})
	}
	wd := filepath.Dir(unit)
	params, vars := map[string]string{}, map[string]string{}
	var want []expectation
	for _, f := range files {
		want = append(want, expectations(t, f, wd, params, vars)...)
	}
	rep := scan.Run([]string{unit}, scan.Options{WorkDir: wd, Params: params, TerraformVars: vars, ToolName: "eks-sg-lint", Version: "test"})
	for _, e := range rep.Errors {
		t.Errorf("%s: file error: %s", e.Loc, e.Message)
	}
	used := make([]bool, len(rep.Findings))
	for i, f := range rep.Findings {
		used[i] = f.Suppression != nil // suppressed findings are not expected or unexpected
	}
	for _, w := range want {
		found := false
		for i, f := range rep.Findings {
			if used[i] || f.Loc.File != w.file || f.Loc.Line != w.line || f.RuleID != w.rule {
				continue
			}
			if w.msg != nil && !w.msg.MatchString(f.Message) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("missing finding %s", w)
		}
	}
	for i, f := range rep.Findings {
		if !used[i] {
			t.Errorf("unexpected finding %s:%d:%d: %s %s", f.Loc.File, f.Loc.Line, f.Loc.Column, f.RuleID, f.Message)
		}
	}
	return rep
}

// expectations reads `# want:` comments (or the .want sidecar of a JSON
// file), `# param:` and `# var:` lines.
func expectations(t *testing.T, file, wd string, params, vars map[string]string) []expectation {
	t.Helper()
	rel, _ := filepath.Rel(wd, file)
	rel = filepath.ToSlash(rel)
	var out []expectation
	parse := func(line int, text string, where string) {
		for _, m := range itemRe.FindAllStringSubmatch(text, -1) {
			e := expectation{file: rel, line: line, rule: m[1]}
			if m[2] != "" {
				re, err := regexp.Compile(strings.ReplaceAll(m[2], `\"`, `"`))
				if err != nil {
					t.Fatalf("%s: bad regexp %q: %v", where, m[2], err)
				}
				e.msg = re
			}
			out = append(out, e)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if m := paramRe.FindStringSubmatch(text); m != nil {
			params[m[1]] = m[2]
		}
		if m := varRe.FindStringSubmatch(text); m != nil {
			vars[m[1]] = m[2]
		}
		if m := wantRe.FindStringSubmatch(text); m != nil {
			parse(n, m[1], fmt.Sprintf("%s:%d", rel, n))
		}
	}
	if sidecar, err := os.ReadFile(file + ".want"); err == nil {
		for n, text := range strings.Split(string(sidecar), "\n") {
			text = strings.TrimSpace(text)
			if text == "" || strings.HasPrefix(text, "#") {
				continue
			}
			lineStr, rest, _ := strings.Cut(text, " ")
			line, err := strconv.Atoi(lineStr)
			if err != nil {
				t.Fatalf("%s.want:%d: want `LINE RULE [\"regexp\"]`", rel, n+1)
			}
			parse(line, rest, fmt.Sprintf("%s.want:%d", rel, n+1))
		}
	}
	return out
}
