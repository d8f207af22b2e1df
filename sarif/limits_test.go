package sarif

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// TestResultCap: past the limit a run keeps the most severe results (in
// the report's order), and a tool notification says how many of which
// level were left out.
func TestResultCap(t *testing.T) {
	fixedCwd(t, "/src")
	old := maxResults
	maxResults = 4
	t.Cleanup(func() { maxResults = old })

	f := func(line int, level analyzer.Level, suppressed bool) analyzer.Finding {
		fd := analyzer.Finding{RuleID: "EKSSG031", Level: level, Message: fmt.Sprintf("finding on line %d", line),
			Loc: graph.Location{File: "t.yaml", Line: line, Column: 1}}
		if suppressed {
			fd.Suppression = &analyzer.Suppression{Kind: "inSource", Justification: "ok"}
		}
		return fd
	}
	r := &report.Report{ToolName: "eks-sg-lint", Version: "1.0.0", Rules: analyzer.All(),
		Findings: []analyzer.Finding{
			f(1, analyzer.LevelNote, false),
			f(2, analyzer.LevelError, true), // suppressed: after every open one
			f(3, analyzer.LevelWarning, false),
			f(4, analyzer.LevelError, false),
			f(5, analyzer.LevelNote, false),
			f(6, analyzer.LevelWarning, false),
			f(7, analyzer.LevelNote, false),
		}}
	out := write(t, r)
	if err := validate(t, compileSchema(t), out); err != nil {
		t.Fatalf("not valid SARIF: %v", err)
	}
	run := decode(t, out)["runs"].([]any)[0].(obj)
	var lines []string
	for _, res := range run["results"].([]any) {
		lines = append(lines, res.(obj)["message"].(obj)["text"].(string))
	}
	want := "finding on line 1,finding on line 3,finding on line 4,finding on line 6"
	if got := strings.Join(lines, ","); got != want {
		t.Errorf("results:\n got %s\nwant %s", got, want)
	}
	var notes []string
	for _, n := range run["invocations"].([]any)[0].(obj)["toolExecutionNotifications"].([]any) {
		notes = append(notes, n.(obj)["level"].(string)+": "+n.(obj)["message"].(obj)["text"].(string))
	}
	wantNote := "warning: 3 more findings (2 notes, 1 suppressed) are not in this SARIF run: GitHub code scanning accepts at most 4 results per run"
	if len(notes) != 1 || !strings.HasPrefix(notes[0], wantNote) {
		t.Errorf("notifications %q, want one starting %q", notes, wantNote)
	}

	// At the limit nothing is left out and nothing is said.
	r.Findings = r.Findings[:4]
	run = decode(t, write(t, r))["runs"].([]any)[0].(obj)
	if n := len(run["results"].([]any)); n != 4 {
		t.Errorf("%d results at the limit, want 4", n)
	}
	if _, ok := run["invocations"].([]any)[0].(obj)["toolExecutionNotifications"]; ok {
		t.Errorf("a notification at the limit: %v", run["invocations"])
	}
}

// TestAutomationDetails: the id names the scanned paths, whatever their
// order, and differs between scans of different paths.
func TestAutomationDetails(t *testing.T) {
	fixedCwd(t, "/src")
	id := func(roots ...string) string {
		run := decode(t, write(t, &report.Report{ToolName: "eks-sg-lint", Roots: roots}))["runs"].([]any)[0].(obj)
		ad, ok := run["automationDetails"].(obj)
		if !ok {
			t.Fatalf("no automationDetails in %v", run)
		}
		return ad["id"].(string)
	}
	for _, tc := range []struct {
		roots []string
		want  string
	}{
		{nil, "eks-sg-lint/./"},
		{[]string{"."}, "eks-sg-lint/./"},
		{[]string{"infra/prod"}, "eks-sg-lint/infra/prod/"},
		{[]string{"infra/prod", "infra/dev", "infra/prod"}, "eks-sg-lint/infra/dev,infra/prod/"},
		{[]string{"infra/dev", "infra/prod"}, "eks-sg-lint/infra/dev,infra/prod/"},
	} {
		if got := id(tc.roots...); got != tc.want {
			t.Errorf("roots %q: id %q, want %q", tc.roots, got, tc.want)
		}
	}
	long := id(strings.Repeat("x", 300))
	if !strings.HasPrefix(long, "eks-sg-lint/paths-") || !strings.HasSuffix(long, "/") || len(long) > 50 || long == id(strings.Repeat("y", 300)) {
		t.Errorf("long roots give %q", long)
	}
	if got := id("a\nb"); strings.ContainsAny(got, "\n") {
		t.Errorf("a control character in the id: %q", got)
	}
}
