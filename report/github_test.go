package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// writeGitHub returns the workflow commands WriteGitHub writes, without
// the count line that ends its output.
func writeGitHub(t *testing.T, r *Report) []string {
	t.Helper()
	cmds, count := writeGitHubAll(t, r)
	if want := "eks-sg-lint: " + SummaryLine(r.Summarize()) + "; "; !strings.HasPrefix(count, want) {
		t.Errorf("count line %q, want it to start %q", count, want)
	}
	return cmds
}

// writeGitHubAll splits WriteGitHub's output into its commands and the
// count line.
func writeGitHubAll(t *testing.T, r *Report) (cmds []string, count string) {
	t.Helper()
	var b bytes.Buffer
	if err := WriteGitHub(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("output does not end in a newline: %q", s)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func TestWriteGitHub(t *testing.T) {
	got := writeGitHub(t, sampleReport())
	assertLines(t, got, []string{
		"::error file=/abs/dir/cluster.yaml,line=3,col=5,endLine=3,endColumn=12,title=EKSSG001::cluster <prod> has no SG & more",
		"::error file=broken.yaml,line=7,col=2,title=eks-sg-lint::yaml: mapping values are not allowed",
		"::error file=missing.json,title=eks-sg-lint::open missing.json: no such file or directory",
		"::warning file=my nodes.yaml,line=42,col=7,title=EKSSG002::node group ng-1 is open",
		// Several lines: GitHub takes columns only on one-line annotations.
		"::warning file=my nodes.yaml,line=50,endLine=52,title=EKSSG002::node group ng-2 is open",
	})
}

func TestWriteGitHubLevelsAndMissingPositions(t *testing.T) {
	r := &Report{Findings: []analyzer.Finding{
		{RuleID: "EKSSG026", Level: analyzer.LevelNote, Message: "n", Loc: graph.Location{File: "a.yaml", Line: 1}},
		{RuleID: "EKSSG031", Level: analyzer.LevelWarning, Message: "w", Loc: graph.Location{File: "a.yaml"}},
		{RuleID: "EKSSG021", Level: analyzer.LevelError, Message: "e"},
		{RuleID: "EKSSG099", Level: "", Message: "no level", Loc: graph.Location{File: "b.yaml", Line: 4, Column: 2, EndColumn: 9}},
		{RuleID: "EKSSG001", Level: analyzer.LevelError, Message: "same line", Loc: graph.Location{File: "b.yaml", Line: 5, Column: 2, EndLine: 5, EndColumn: 9}},
	}}
	assertLines(t, writeGitHub(t, r), []string{
		"::error title=EKSSG021::e",
		"::error file=b.yaml,line=5,col=2,endLine=5,endColumn=9,title=EKSSG001::same line",
		"::warning file=a.yaml,title=EKSSG031::w",
		"::notice file=a.yaml,line=1,title=EKSSG026::n",
		"::notice file=b.yaml,line=4,col=2,endColumn=9,title=EKSSG099::no level",
	})
	if got, count := writeGitHubAll(t, &Report{}); len(got) != 0 || count != "eks-sg-lint: no findings in 0 files; 0 annotations" {
		t.Errorf("empty report: %q then %q", got, count)
	}
}

func TestWriteGitHubEscaping(t *testing.T) {
	const path = "dir%41/a:b,c\nd\re%25.yaml"
	const msg = "100% sure: a,b\r\nc::d %0A %3A"
	r := &Report{
		Findings: []analyzer.Finding{{RuleID: "EKSSG0:1,x", Level: analyzer.LevelError, Message: msg,
			Loc: graph.Location{File: path, Line: 2, Column: 3}}},
		Errors: []FileError{{Loc: graph.Location{File: path, Line: 9}, Message: msg}},
	}
	assertLines(t, writeGitHub(t, r), []string{
		`::error file=dir%2541/a%3Ab%2Cc\nd\re%2525.yaml,line=2,col=3,title=EKSSG0%3A1%2Cx::100%25 sure: a,b\r\nc::d %250A %253A`,
		`::error file=dir%2541/a%3Ab%2Cc\nd\re%2525.yaml,line=9,title=eks-sg-lint::100%25 sure: a,b\r\nc::d %250A %253A`,
	})
	// What the runner decodes is the text every channel shows: line breaks
	// as visible escapes (safetext.Line), everything else as written.
	for _, line := range writeGitHub(t, r) {
		cmd, props, data, ok := parseRunnerCommand(line)
		if !ok || cmd != "error" || props["file"] != safetext.Line(path) || data != safetext.Line(msg) {
			t.Errorf("runner would read %q as %q %q %q (ok %v)", line, cmd, props, data, ok)
		}
	}
}

// TestEscapingRoundTrip checks every string of up to 4 characters over an
// alphabet of the characters that matter: what GitHub's runner decodes is
// what was encoded, and an encoded property never holds a separator.
func TestEscapingRoundTrip(t *testing.T) {
	alphabet := []string{"%", "0", "2", "3", "5", "A", "C", "D", ":", ",", "=", "\r", "\n", "x"}
	var all []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		all = append(all, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	for _, s := range all {
		p, d := escapeProperty(s), escapeData(s)
		if strings.ContainsAny(p, ":,\r\n") || strings.ContainsAny(d, "\r\n") {
			t.Fatalf("%q: escaped property %q or data %q holds a separator", s, p, d)
		}
		if got := runnerUnescapeProperty(p); got != s {
			t.Fatalf("property %q -> %q -> %q", s, p, got)
		}
		if got := runnerUnescapeData(d); got != s {
			t.Fatalf("data %q -> %q -> %q", s, d, got)
		}
	}
}

// The runner's decoding (actions/runner src/Runner.Common/ActionCommand.cs,
// TryParseV2, UnescapeProperty, UnescapeData): replacements applied one
// after the other, %25 last.

func runnerUnescapeProperty(s string) string {
	for _, m := range [][2]string{{"%0D", "\r"}, {"%0A", "\n"}, {"%3A", ":"}, {"%2C", ","}, {"%25", "%"}} {
		s = strings.ReplaceAll(s, m[0], m[1])
	}
	return s
}

func runnerUnescapeData(s string) string {
	for _, m := range [][2]string{{"%0D", "\r"}, {"%0A", "\n"}, {"%25", "%"}} {
		s = strings.ReplaceAll(s, m[0], m[1])
	}
	return s
}

func parseRunnerCommand(line string) (cmd string, props map[string]string, data string, ok bool) {
	line = strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(line, "::") {
		return "", nil, "", false
	}
	end := strings.Index(line[2:], "::")
	if end < 0 {
		return "", nil, "", false
	}
	info := line[2 : 2+end]
	cmd, propStr, _ := strings.Cut(info, " ")
	props = map[string]string{}
	for _, p := range strings.Split(strings.TrimSpace(propStr), ",") {
		if k, v, found := strings.Cut(p, "="); found && k != "" && v != "" {
			props[k] = runnerUnescapeProperty(v)
		}
	}
	return cmd, props, runnerUnescapeData(line[2+end+2:]), true
}

func TestWriteGitHubSkipsSuppressed(t *testing.T) {
	r := sampleReport()
	r.Findings[1].Suppression = &analyzer.Suppression{Kind: "inSource", Justification: "CNCF conformance"}
	got := writeGitHub(t, r)
	for _, line := range got {
		if strings.Contains(line, "ng-1") {
			t.Errorf("suppressed finding printed: %s", line)
		}
	}
	if len(got) != 4 {
		t.Errorf("want 4 commands, got %q", got)
	}
}

// TestWriteGitHubLimits: GitHub shows the first 10 annotations of each
// level; past that the most severe are written, the last notice says how
// many were left out, and the count line has the totals.
func TestWriteGitHubLimits(t *testing.T) {
	var fs []analyzer.Finding
	add := func(n int, level analyzer.Level, rule string) {
		for i := 1; i <= n; i++ {
			fs = append(fs, analyzer.Finding{RuleID: rule, Level: level, Message: fmt.Sprintf("%s %d", level, i),
				Loc: graph.Location{File: "a.yaml", Line: len(fs) + 1}})
		}
	}
	// Notes first in the report: they must not take the places of errors.
	add(25, analyzer.LevelNote, "EKSSG026")
	add(12, analyzer.LevelError, "EKSSG021")
	add(3, analyzer.LevelWarning, "EKSSG031")
	r := &Report{Findings: fs, Files: []string{"a.yaml"},
		Errors: []FileError{{Loc: graph.Location{File: "b.yaml", Line: 1}, Message: "broken"}}}
	cmds, count := writeGitHubAll(t, r)
	perLevel := map[string]int{}
	for _, c := range cmds {
		perLevel[c[2:strings.Index(c[2:], " ")+2]]++
	}
	if perLevel["error"] != 10 || perLevel["warning"] != 3 || perLevel["notice"] != 10 {
		t.Errorf("annotations per level %v, want 10 errors, 3 warnings, 10 notices:\n%s", perLevel, strings.Join(cmds, "\n"))
	}
	if !strings.HasPrefix(cmds[0], "::error file=a.yaml,line=26,title=EKSSG021::error 1") ||
		!strings.HasSuffix(cmds[9], "::error 10") || !strings.HasSuffix(cmds[12], "::warning 3") ||
		!strings.HasSuffix(cmds[21], "::note 9") {
		t.Errorf("not the most severe first, in report order:\n%s", strings.Join(cmds, "\n"))
	}
	wantMore := "::notice title=eks-sg-lint::18 more findings (2 errors, 16 notes) and 1 more file that could not be read not annotated"
	if last := cmds[len(cmds)-1]; !strings.HasPrefix(last, wantMore) {
		t.Errorf("last annotation %q, want it to start %q", last, wantMore)
	}
	if want := "eks-sg-lint: 40 findings (12 errors, 3 warnings, 25 notes) in 1 of 1 file; 1 file could not be read; 23 annotations"; count != want {
		t.Errorf("count line %q, want %q", count, want)
	}

	// Exactly 10 of each: all shown, nothing said.
	fs = nil
	add(10, analyzer.LevelError, "EKSSG021")
	add(10, analyzer.LevelNote, "EKSSG026")
	cmds, _ = writeGitHubAll(t, &Report{Findings: fs})
	if len(cmds) != 20 || strings.Contains(strings.Join(cmds, "\n"), "more findings") {
		t.Errorf("at the limit: %d commands\n%s", len(cmds), strings.Join(cmds, "\n"))
	}
}
