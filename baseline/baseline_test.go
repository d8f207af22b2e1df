package baseline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

func finding(rule, file, msg string, identity ...string) analyzer.Finding {
	return analyzer.Finding{RuleID: rule, Level: analyzer.LevelWarning, Message: msg,
		Loc: graph.Location{File: file, Line: 3}, Identity: identity}
}

// Written, read back and applied: every finding matches, entries point at
// their line, and the bytes do not depend on the findings' order.
func TestRoundTrip(t *testing.T) {
	fs := []analyzer.Finding{
		finding("EKSSG031", "a.yaml", "SSH open", "sg:A"),
		finding("EKSSG002", "b.yaml", "two tags", "ng:B"),
		finding("EKSSG002", "b.yaml", "two tags", "ng:B"), // same fingerprint: one entry
	}
	var w1, w2 bytes.Buffer
	if err := FromFindings("eks-sg-lint", fs).Write(&w1); err != nil {
		t.Fatal(err)
	}
	if err := FromFindings("eks-sg-lint", []analyzer.Finding{fs[1], fs[0]}).Write(&w2); err != nil {
		t.Fatal(err)
	}
	if w1.String() != w2.String() {
		t.Errorf("order-dependent:\n%s\n%s", w1.String(), w2.String())
	}
	b, err := Parse("b.json", w1.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Findings) != 2 {
		t.Fatalf("%d entries, want 2", len(b.Findings))
	}
	stale := b.Apply(fs, []string{"a.yaml", "b.yaml"}, "b.json")
	if len(stale) != 0 {
		t.Errorf("stale %v", stale)
	}
	for _, f := range fs {
		s := f.Suppression
		if s == nil || s.Kind != "external" || s.Loc.File != "b.json" || s.Loc.Line < 4 {
			t.Errorf("%s: suppression %+v", f.RuleID, s)
		}
		line := strings.Split(w1.String(), "\n")[s.Loc.Line-1]
		if !strings.Contains(line, f.Fingerprint()) {
			t.Errorf("suppression line %d is %q, not the entry of %s", s.Loc.Line, line, f.Fingerprint())
		}
	}
}

// A finding an in-source suppression silences keeps that suppression.
func TestApplyKeepsOtherSuppressions(t *testing.T) {
	f := finding("EKSSG031", "a.yaml", "SSH open", "sg:A")
	b := FromFindings("eks-sg-lint", []analyzer.Finding{f})
	own := &analyzer.Suppression{Kind: "inSource", Justification: "why"}
	f.Suppression = own
	fs := []analyzer.Finding{f}
	if stale := b.Apply(fs, []string{"a.yaml"}, "b.json"); len(stale) != 0 || fs[0].Suppression != own {
		t.Errorf("stale %v, suppression %+v", stale, fs[0].Suppression)
	}
}

func TestStaleOnlyForScannedFiles(t *testing.T) {
	b := FromFindings("eks-sg-lint", []analyzer.Finding{finding("EKSSG031", "a.yaml", "x", "sg:A"), finding("EKSSG002", "b.yaml", "y", "ng:B")})
	if stale := b.Apply(nil, []string{"a.yaml"}, "b.json"); len(stale) != 1 || stale[0].File != "a.yaml" {
		t.Errorf("stale %v", stale)
	}
	if got := Describe([]Entry{{Rule: "EKSSG031"}, {Rule: "EKSSG002"}, {Rule: "EKSSG031"}}, "b.json"); got !=
		"3 baseline entries no longer match a finding (fixed? EKSSG002, EKSSG031); rewrite b.json with --write-baseline to drop them" {
		t.Errorf("Describe: %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"", "empty file"},
		{"{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": 3}\n  ]\n}", "b.json:4: findings.fingerprint must be string"},
		{"{\n  \"version\": 1,\n  \"findings\": [,]\n}", "b.json:3: invalid character"},
		{`{"version": 1, "findings": [{"fingerprint": ""}]}`, "findings[0] has no fingerprint"},
		{`{"version": 1, "findigns": []}`, `unknown field "findigns"`},
		{`{"version": 7, "findings": []}`, "version 7"},
		{`[]`, "b.json:1:"},
	} {
		_, err := Parse("b.json", []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want %q", tc.data, err, tc.want)
		}
	}
}

// FuzzParse: a baseline file is input from the repository; Parse never
// panics, and what it accepts it writes back readable.
func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	_ = FromFindings("eks-sg-lint", []analyzer.Finding{finding("EKSSG031", "a.yaml", "x", "sg:A")}).Write(&buf)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"version": 1, "findings": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("f.json", data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := b.Write(&out); err != nil {
			t.Fatal(err)
		}
		if _, err := Parse("again.json", out.Bytes()); err != nil {
			t.Fatalf("rewritten baseline does not parse: %v\n%s", err, out.Bytes())
		}
	})
}
