package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// sampleReport has findings of two levels in two files (one with a space,
// one absolute), related locations, notifications and a file error.
func sampleReport() *Report {
	r1 := &analyzer.Analyzer{ID: "EKSSG001", Name: "ClusterSGMissing", Level: analyzer.LevelError,
		Short: "short 1", Full: "full 1", Help: "help 1", SecuritySeverity: "8.0", Tags: []string{"eks"}}
	r2 := &analyzer.Analyzer{ID: "EKSSG002", Name: "NodeIngress", Level: analyzer.LevelWarning,
		Short: "short 2", SecuritySeverity: "5.0"}
	r3 := &analyzer.Analyzer{ID: "EKSSG003", Name: "Unused", Level: analyzer.LevelNote, Short: "short 3"}
	return &Report{
		ToolName: "eks-sg-lint",
		Version:  "1.2.3",
		Rules:    []*analyzer.Analyzer{r1, r2, r3},
		Findings: []analyzer.Finding{
			{RuleID: "EKSSG001", Level: analyzer.LevelError, Message: "cluster <prod> has no SG & more",
				Loc: graph.Location{File: "/abs/dir/cluster.yaml", Line: 3, Column: 5, EndLine: 3, EndColumn: 12}},
			{RuleID: "EKSSG002", Level: analyzer.LevelWarning, Message: "node group ng-1 is open",
				Loc: graph.Location{File: "my nodes.yaml", Line: 42, Column: 7},
				Related: []analyzer.Related{
					{Loc: graph.Location{File: "my nodes.yaml", Line: 10, Column: 3}, Message: "security group NodeSG"},
					{Loc: graph.Location{File: "/abs/dir/cluster.yaml", Line: 3, Column: 5}, Message: "cluster prod"},
				}},
			{RuleID: "EKSSG002", Level: analyzer.LevelWarning, Message: "node group ng-2 is open",
				Loc: graph.Location{File: "my nodes.yaml", Line: 50, Column: 7, EndLine: 52, EndColumn: 2}},
		},
		Notifications: []graph.Notification{
			{Level: "note", Rule: "EKSSG002", Message: "cannot resolve !Ref Param", Loc: graph.Location{File: "my nodes.yaml", Line: 20, Column: 9}},
			{Level: "note", Message: "file has no resources", Loc: graph.Location{File: "empty.yaml"}},
			{Level: "error", Rule: "EKSSG003", Message: "internal error in rule EKSSG003: boom"},
		},
		Errors: []FileError{
			{Loc: graph.Location{File: "broken.yaml", Line: 7, Column: 2}, Message: "yaml: mapping values are not allowed"},
			{Loc: graph.Location{File: "missing.json"}, Message: "open missing.json: no such file or directory"},
		},
		Files: []string{"/abs/dir/cluster.yaml", "my nodes.yaml", "empty.yaml", "broken.yaml", "missing.json"},
	}
}

func writeText(t *testing.T, r *Report, opts TextOptions) []string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteText(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("output does not end in a newline: %q", s)
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func assertLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriteTextPlain(t *testing.T) {
	got := writeText(t, sampleReport(), TextOptions{})
	assertLines(t, got, []string{
		"/abs/dir/cluster.yaml:3:5: error EKSSG001 cluster <prod> has no SG & more",
		"my nodes.yaml:42:7: warning EKSSG002 node group ng-1 is open",
		"my nodes.yaml:50:7: warning EKSSG002 node group ng-2 is open",
		"broken.yaml:7:2: error: yaml: mapping values are not allowed",
		"missing.json: error: open missing.json: no such file or directory",
		"3 findings (1 error, 2 warnings) in 2 of 5 files; 2 files could not be read",
	})
}

func TestWriteTextVerbose(t *testing.T) {
	got := writeText(t, sampleReport(), TextOptions{Verbose: true})
	assertLines(t, got, []string{
		"/abs/dir/cluster.yaml:3:5: error EKSSG001 cluster <prod> has no SG & more",
		"my nodes.yaml:42:7: warning EKSSG002 node group ng-1 is open",
		"    my nodes.yaml:10:3: security group NodeSG",
		"    /abs/dir/cluster.yaml:3:5: cluster prod",
		"my nodes.yaml:50:7: warning EKSSG002 node group ng-2 is open",
		"broken.yaml:7:2: error: yaml: mapping values are not allowed",
		"missing.json: error: open missing.json: no such file or directory",
		"my nodes.yaml:20:9: note: [EKSSG002] cannot resolve !Ref Param",
		"empty.yaml: note: file has no resources",
		"error: [EKSSG003] internal error in rule EKSSG003: boom",
		"3 findings (1 error, 2 warnings) in 2 of 5 files; 2 files could not be read",
	})
}

func TestWriteTextColor(t *testing.T) {
	r := sampleReport()
	r.Findings[0].Loc = graph.Location{File: "a.yaml", Line: 1, Column: 2}
	got := writeText(t, r, TextOptions{Color: true, Verbose: true})
	want := map[int]string{
		0:  "\x1b[1ma.yaml\x1b[0m:1:2: \x1b[31merror\x1b[0m EKSSG001 cluster <prod> has no SG & more",
		1:  "\x1b[1mmy nodes.yaml\x1b[0m:42:7: \x1b[33mwarning\x1b[0m EKSSG002 node group ng-1 is open",
		2:  "    \x1b[1mmy nodes.yaml\x1b[0m:10:3: security group NodeSG",
		5:  "\x1b[1mbroken.yaml\x1b[0m:7:2: \x1b[31merror\x1b[0m: yaml: mapping values are not allowed",
		7:  "\x1b[1mmy nodes.yaml\x1b[0m:20:9: \x1b[36mnote\x1b[0m: [EKSSG002] cannot resolve !Ref Param",
		10: "3 findings (1 error, 2 warnings) in 2 of 5 files; 2 files could not be read",
	}
	for i, w := range want {
		if i >= len(got) || got[i] != w {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[min(i, len(got)-1)], w)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		s    Summary
		want string
	}{
		{Summary{FilesScanned: 14}, "no findings in 14 files"},
		{Summary{FilesScanned: 1}, "no findings in 1 file"},
		{Summary{FilesScanned: 0}, "no findings in 0 files"},
		{Summary{Findings: 1, Notes: 1, FilesWithFindings: 1, FilesScanned: 1}, "1 finding (1 note) in 1 of 1 file"},
		{Summary{Findings: 3, Errors: 1, Warnings: 2, FilesWithFindings: 2, FilesScanned: 14},
			"3 findings (1 error, 2 warnings) in 2 of 14 files"},
		{Summary{Findings: 4, Errors: 2, Notes: 2, FilesWithFindings: 1, FilesScanned: 2},
			"4 findings (2 errors, 2 notes) in 1 of 2 files"},
		{Summary{Findings: 1, Warnings: 1, FilesWithFindings: 1, FilesScanned: 3, FileErrors: 1},
			"1 finding (1 warning) in 1 of 3 files; 1 file could not be read"},
		{Summary{FilesScanned: 3, FileErrors: 2}, "no findings in 3 files; 2 files could not be read"},
	} {
		if got := SummaryLine(tc.s); got != tc.want {
			t.Errorf("SummaryLine(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestWriteTextEmpty(t *testing.T) {
	got := writeText(t, &Report{Files: []string{"a.yaml"}}, TextOptions{Verbose: true})
	assertLines(t, got, []string{"no findings in 1 file"})
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTextError(t *testing.T) {
	if err := WriteText(failWriter{}, sampleReport(), TextOptions{}); err == nil || err.Error() != "disk full" {
		t.Errorf("err = %v, want disk full", err)
	}
}

// hostileReport carries, in every string an input can choose, a line break
// followed by a workflow command, terminal escapes and bidi controls.
func hostileReport() *Report {
	const inj = "x\n::stop-commands::tok\r\n::error::fake\x1b[2J\x1b]0;title\x07\u202e\u0085##[add-mask]y"
	return &Report{
		Findings: []analyzer.Finding{{RuleID: "EKSSG001" + inj, Level: analyzer.LevelError, Message: "cluster " + inj,
			Loc:     graph.Location{File: "::stop-commands::a" + inj + ".yaml", Line: 3, Column: 5},
			Related: []analyzer.Related{{Loc: graph.Location{File: " ::b.yaml", Line: 1}, Message: "group " + inj}}}},
		Notifications: []graph.Notification{{Level: "warning", Rule: "R" + inj, Message: "note " + inj,
			Loc: graph.Location{File: inj}}},
		Errors: []FileError{{Loc: graph.Location{File: inj + ".json", Line: 1}, Message: "bad " + inj}},
		Files:  []string{"a.yaml"},
	}
}

// checkNoInjection asserts what every human-readable channel promises.
func checkNoInjection(t *testing.T, channel string, lines []string) {
	t.Helper()
	for _, l := range lines {
		// The runner trims every Unicode white space character first.
		if strings.HasPrefix(strings.TrimLeftFunc(l, unicode.IsSpace), "::") && channel != "github" {
			t.Errorf("%s: line starts a workflow command: %q", channel, l)
		}
		if channel == "github" && !strings.HasPrefix(l, "::error ") {
			t.Errorf("%s: line is not the annotation written: %q", channel, l)
		}
		if strings.Contains(l, "##[") {
			t.Errorf("%s: line holds a legacy workflow command: %q", channel, l)
		}
		if strings.ContainsAny(l, "\x1b\r\x07\u202e\u0085") {
			t.Errorf("%s: control character in %q", channel, l)
		}
	}
}

func TestWriteTextEscapesUntrustedText(t *testing.T) {
	lines := writeText(t, hostileReport(), TextOptions{Verbose: true})
	checkNoInjection(t, "text", lines)
	// findings, related, error, notification, summary: one line each
	if len(lines) != 5 {
		t.Errorf("want 5 lines, got %d:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if want := `./::stop-commands::ax\n::stop-commands::tok\r\n::error::fake\x1b[2J\x1b]0;title\x07\u202e\u0085#\x23[add-mask]y.yaml:3:5: error `; !strings.HasPrefix(lines[0], want) {
		t.Errorf("finding line\n%q\ndoes not start with\n%q", lines[0], want)
	}
	if got := FileErrorLine(hostileReport().Errors[0]); strings.ContainsAny(got, "\n\r\x1b") {
		t.Errorf("FileErrorLine = %q", got)
	}
}

func TestWriteGitHubAndMarkdownEscapeUntrustedText(t *testing.T) {
	checkNoInjection(t, "github", writeGitHub(t, hostileReport()))
	var b bytes.Buffer
	if err := WriteMarkdown(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	checkNoInjection(t, "markdown", strings.Split(b.String(), "\n"))
}

// FuzzWriters: whatever a file name or a message holds, the text (with -v),
// github and markdown writers emit no control character, no legacy
// "##[command]", and no line an input starts: workflow commands are only
// the writer's own.
func FuzzWriters(f *testing.F) {
	f.Add("a.yaml", "x\n::stop-commands::t")
	f.Add("::x.yaml", "\x1b[2J\u202e##[error]y")
	f.Add(" \t::a", "%0A::error::z\r")
	f.Add("", "::")
	f.Add("\u00a0::x.yaml", "\u3000::stop-commands::t")
	f.Fuzz(func(t *testing.T, file, msg string) {
		r := &Report{
			Findings: []analyzer.Finding{{RuleID: "EKSSG001", Level: analyzer.LevelError, Message: msg,
				Loc:     graph.Location{File: file, Line: 1, Column: 1},
				Related: []analyzer.Related{{Loc: graph.Location{File: file, Line: 2}, Message: msg}}}},
			Notifications: []graph.Notification{{Level: "note", Rule: msg, Message: msg, Loc: graph.Location{File: file}}},
			Errors:        []FileError{{Loc: graph.Location{File: file, Line: 3}, Message: msg}},
			Files:         []string{file},
		}
		var text, md bytes.Buffer
		if err := WriteText(&text, r, TextOptions{Verbose: true}); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&md, r); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
		if len(lines) != 5 {
			t.Fatalf("text: %d lines, want 5:\n%q", len(lines), text.String())
		}
		checkNoInjection(t, "text", lines)
		checkNoInjection(t, "markdown", strings.Split(md.String(), "\n"))
		gh := writeGitHub(t, r)
		if len(gh) != 2 {
			t.Fatalf("github: %d lines, want 2: %q", len(gh), gh)
		}
		checkNoInjection(t, "github", gh)
		if e := FileErrorLine(r.Errors[0]); strings.ContainsAny(e, "\n\r\x1b") || strings.HasPrefix(strings.TrimLeft(e, " \t"), "::") {
			t.Fatalf("FileErrorLine = %q", e)
		}
	})
}

// A related location without a file puts its message first on the line:
// a message "::x" there must not start a workflow command (the fuzzer's
// find: file "", message "::").
func TestWriteTextRelatedWithoutFileCannotStartCommand(t *testing.T) {
	r := &Report{Findings: []analyzer.Finding{{RuleID: "EKSSG001", Level: analyzer.LevelError, Message: "m",
		Loc:     graph.Location{File: "a.yaml", Line: 1},
		Related: []analyzer.Related{{Message: "::stop-commands::tok"}, {Message: " ::x"}, {Message: "\u00a0::x"}, {Message: "\u3000\u2003::x"}}}}}
	lines := writeText(t, r, TextOptions{Verbose: true})
	checkNoInjection(t, "text", lines)
	if want := `    \x3a:stop-commands::tok`; lines[1] != want {
		t.Errorf("related line = %q, want %q", lines[1], want)
	}
}

// A file name led by white space the runner trims (U+00A0 here, which
// safetext.Line keeps) gets "./" like one led by a space.
func TestPathTextUnicodeSpace(t *testing.T) {
	for _, file := range []string{"\u00a0::stop-commands::x.yaml", "\u3000::a.yaml", " ::b.yaml"} {
		if got := PathText(file); !strings.HasPrefix(got, "./") {
			t.Errorf("PathText(%q) = %q, want a ./ prefix", file, got)
		}
	}
}
