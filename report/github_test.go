package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

func writeGitHub(t *testing.T, r *Report) []string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteGitHub(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("output does not end in a newline: %q", s)
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestWriteGitHub(t *testing.T) {
	got := writeGitHub(t, sampleReport())
	assertLines(t, got, []string{
		"::error file=/abs/dir/cluster.yaml,line=3,col=5,endLine=3,endColumn=12,title=EKSSG001::cluster <prod> has no SG & more",
		"::warning file=my nodes.yaml,line=42,col=7,title=EKSSG002::node group ng-1 is open",
		// Several lines: GitHub takes columns only on one-line annotations.
		"::warning file=my nodes.yaml,line=50,endLine=52,title=EKSSG002::node group ng-2 is open",
		"::error file=broken.yaml,line=7,col=2,title=eks-sg-lint::yaml: mapping values are not allowed",
		"::error file=missing.json,title=eks-sg-lint::open missing.json: no such file or directory",
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
		"::notice file=a.yaml,line=1,title=EKSSG026::n",
		"::warning file=a.yaml,title=EKSSG031::w",
		"::error title=EKSSG021::e",
		"::notice file=b.yaml,line=4,col=2,endColumn=9,title=EKSSG099::no level",
		"::error file=b.yaml,line=5,col=2,endLine=5,endColumn=9,title=EKSSG001::same line",
	})
	if got := writeGitHub(t, &Report{}); got != nil {
		t.Errorf("empty report: %q", got)
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
		t.Errorf("want 4 lines, got %q", got)
	}
}
