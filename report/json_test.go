package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	r := sampleReport()
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasSuffix(out, "}\n") || strings.HasSuffix(out, "\n\n") {
		t.Errorf("output should end in exactly one newline")
	}
	if !strings.HasPrefix(out, "{\n  \"version\": 1,\n  \"tool\": {\n    \"name\": \"eks-sg-lint\",") {
		t.Errorf("unexpected start (indentation or key order):\n%s", out[:min(len(out), 120)])
	}
	if !strings.Contains(out, "cluster <prod> has no SG & more") {
		t.Errorf("HTML characters should not be escaped")
	}

	var got jsonReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Tool != (jsonTool{"eks-sg-lint", "1.2.3"}) {
		t.Errorf("version/tool = %d %+v", got.Version, got.Tool)
	}
	if len(got.Findings) != 3 {
		t.Fatalf("findings = %d", len(got.Findings))
	}
	f0 := got.Findings[0]
	if f0.Rule != "EKSSG001" || f0.Level != "error" || f0.Message != "cluster <prod> has no SG & more" ||
		f0.File != "/abs/dir/cluster.yaml" || f0.Line != 3 || f0.Column != 5 || f0.EndLine != 3 || f0.EndColumn != 12 ||
		f0.Fingerprint != r.Findings[0].Fingerprint() || f0.Related == nil || len(f0.Related) != 0 {
		t.Errorf("finding 0 = %+v", f0)
	}
	wantRel := []jsonRelated{
		{File: "my nodes.yaml", Line: 10, Column: 3, Message: "security group NodeSG"},
		{File: "/abs/dir/cluster.yaml", Line: 3, Column: 5, Message: "cluster prod"},
	}
	if !reflect.DeepEqual(got.Findings[1].Related, wantRel) {
		t.Errorf("related = %+v", got.Findings[1].Related)
	}
	if f2 := got.Findings[2]; f2.EndLine != 52 || f2.EndColumn != 2 || f2.File != "my nodes.yaml" {
		t.Errorf("finding 2 = %+v", f2)
	}
	wantNotes := []jsonNotification{
		{Level: "note", Rule: "EKSSG002", Message: "cannot resolve !Ref Param", File: "my nodes.yaml", Line: 20, Column: 9},
		{Level: "note", Message: "file has no resources", File: "empty.yaml"},
		{Level: "error", Rule: "EKSSG003", Message: "internal error in rule EKSSG003: boom"},
	}
	if !reflect.DeepEqual(got.Notifications, wantNotes) {
		t.Errorf("notifications = %+v", got.Notifications)
	}
	wantErrs := []jsonFileError{
		{File: "broken.yaml", Line: 7, Column: 2, Message: "yaml: mapping values are not allowed"},
		{File: "missing.json", Message: "open missing.json: no such file or directory"},
	}
	if !reflect.DeepEqual(got.Errors, wantErrs) {
		t.Errorf("errors = %+v", got.Errors)
	}
	wantSum := Summary{Findings: 3, Errors: 1, Warnings: 2, FilesWithFindings: 2, FilesScanned: 5, FileErrors: 2}
	if got.Summary != wantSum {
		t.Errorf("summary = %+v, want %+v", got.Summary, wantSum)
	}

	// Every documented key is present, in every object.
	var raw map[string]any
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	assertKeys(t, "top", raw, "version", "tool", "findings", "notifications", "errors", "summary")
	assertKeys(t, "tool", raw["tool"], "name", "version")
	assertKeys(t, "finding", raw["findings"].([]any)[0],
		"rule", "level", "message", "file", "line", "column", "endLine", "endColumn", "fingerprint", "related", "suppression")
	assertKeys(t, "related", raw["findings"].([]any)[1].(map[string]any)["related"].([]any)[0], "file", "line", "column", "message")
	assertKeys(t, "notification", raw["notifications"].([]any)[1], "level", "rule", "message", "file", "line", "column")
	assertKeys(t, "error", raw["errors"].([]any)[1], "file", "line", "column", "message")
	assertKeys(t, "summary", raw["summary"],
		"findings", "errors", "warnings", "notes", "filesWithFindings", "filesScanned", "fileErrors", "suppressed")
}

func assertKeys(t *testing.T, what string, v any, keys ...string) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: not an object: %v", what, v)
		return
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	if len(got) != len(keys) {
		t.Errorf("%s: keys %v, want %v", what, got, keys)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: key %q missing", what, k)
		}
	}
}

func TestWriteJSONEmptyLists(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, &Report{ToolName: "eks-sg-lint", Version: "dev"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "null") {
		t.Errorf("empty report contains null:\n%s", out)
	}
	for _, k := range []string{`"findings": []`, `"notifications": []`, `"errors": []`} {
		if !strings.Contains(out, k) {
			t.Errorf("missing %s in\n%s", k, out)
		}
	}
	// A finding without related locations has "related": [].
	r := sampleReport()
	r.Findings = r.Findings[:1]
	b.Reset()
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"related": []`) || strings.Count(b.String(), "null") != 1 || !strings.Contains(b.String(), `"suppression": null`) {
		t.Errorf("related should be []:\n%s", b.String())
	}
}

func TestWriteJSONDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteJSON(&a, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, sampleReport()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes differ")
	}
}
