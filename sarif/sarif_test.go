package sarif

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eks-sg-lint/eks-sg-lint/internal/sarifschema"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// fixedCwd makes originalUriBaseIds and ".." paths independent of where
// the test runs.
func fixedCwd(t *testing.T, dir string) {
	t.Helper()
	old := getwd
	getwd = func() (string, error) { return dir, nil }
	t.Cleanup(func() { getwd = old })
}

func sampleReport() *report.Report {
	r1 := &analyzer.Analyzer{ID: "EKSSG001", Name: "ClusterSGMissing", Level: analyzer.LevelError,
		Short: "Cluster has no SG.", Full: "The full text.", Help: "Add the `SecurityGroupIds`.",
		SecuritySeverity: "8.0", Tags: []string{"eks", "security"}}
	r2 := &analyzer.Analyzer{ID: "EKSSG002", Name: "NodeIngress", Level: analyzer.LevelWarning,
		Short: "Node ingress is open.", SecuritySeverity: "5.5", Tags: []string{"network"}}
	// EKSSG003 has no results: it must still be listed.
	r3 := &analyzer.Analyzer{ID: "EKSSG003", Name: "Unused", Level: analyzer.LevelNote}
	return &report.Report{
		ToolName: "eks-sg-lint",
		Version:  "v1.2.3-rc.1",
		Rules:    []*analyzer.Analyzer{r1, r2, r3},
		Findings: []analyzer.Finding{
			{RuleID: "EKSSG001", Level: analyzer.LevelError, Message: "cluster <prod> has no SG & more",
				Loc: graph.Location{File: "/abs/dir/cluster.yaml", Line: 3, Column: 5, EndLine: 3, EndColumn: 12}},
			{RuleID: "EKSSG002", Level: analyzer.LevelWarning, Message: "node group ng-1 is open",
				Loc: graph.Location{File: "stacks/my nodes.yaml", Line: 42, Column: 7},
				Related: []analyzer.Related{
					{Loc: graph.Location{File: "stacks/my nodes.yaml", Line: 10, Column: 3}, Message: "security group NodeSG"},
					{Loc: graph.Location{File: "/abs/dir/cluster.yaml", Line: 3, Column: 5}, Message: "cluster prod"},
				}},
			{RuleID: "EKSSG002", Level: analyzer.LevelWarning, Message: "node group ng-2 is open",
				Loc: graph.Location{File: "stacks/my nodes.yaml", Line: 50, Column: 7, EndLine: 52, EndColumn: 2}},
		},
		Notifications: []graph.Notification{
			{Level: "note", Rule: "EKSSG002", Message: "cannot resolve !Ref Param", Loc: graph.Location{File: "stacks/my nodes.yaml", Line: 20, Column: 9}},
			{Level: "note", Message: "file has no resources", Loc: graph.Location{File: "empty.yaml"}},
			{Level: "error", Rule: "EKSSG009", Message: "internal error in rule EKSSG009: boom"},
		},
		Errors: []report.FileError{
			{Loc: graph.Location{File: "broken.yaml", Line: 7, Column: 2}, Message: "yaml: mapping values are not allowed"},
		},
		Files: []string{"/abs/dir/cluster.yaml", "stacks/my nodes.yaml", "empty.yaml", "broken.yaml"},
	}
}

func write(t *testing.T, r *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, out []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

type obj = map[string]any

func decode(t *testing.T, out []byte) obj {
	t.Helper()
	var v obj
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSchemaValid(t *testing.T) {
	fixedCwd(t, "/home/me/my repo")
	sch := compileSchema(t)
	for name, r := range map[string]*report.Report{
		"sample": sampleReport(),
		"empty":  {ToolName: "eks-sg-lint", Version: "dev"},
		"unknown rule and odd positions": {ToolName: "eks-sg-lint", Version: "1.0",
			Findings: []analyzer.Finding{{RuleID: "X1", Level: "", Message: "m",
				Loc: graph.Location{File: "../up/a:b#c.yaml", Line: 4, Column: 0, EndLine: 2, EndColumn: 1}}},
			Errors: []report.FileError{{Loc: graph.Location{File: `C:\work\x y.json`}, Message: "unreadable"}}},
	} {
		out := write(t, r)
		if err := validate(t, sch, out); err != nil {
			t.Errorf("%s: output is not valid SARIF 2.1.0: %v\n%s", name, err, out)
		}
	}
}

// TestSchemaRejects proves that the validator is not vacuous.
func TestSchemaRejects(t *testing.T) {
	fixedCwd(t, "/src")
	sch := compileSchema(t)
	out := write(t, sampleReport())
	if err := validate(t, sch, out); err != nil {
		t.Fatalf("unmutated output is invalid: %v", err)
	}
	for name, mutate := range map[string]func(obj){
		"level high": func(v obj) {
			v["runs"].([]any)[0].(obj)["results"].([]any)[0].(obj)["level"] = "high"
		},
		"no message": func(v obj) {
			delete(v["runs"].([]any)[0].(obj)["results"].([]any)[0].(obj), "message")
		},
		"startLine 0": func(v obj) {
			res := v["runs"].([]any)[0].(obj)["results"].([]any)[0].(obj)
			res["locations"].([]any)[0].(obj)["physicalLocation"].(obj)["region"].(obj)["startLine"] = 0
		},
		"unknown top-level key": func(v obj) { v["extra"] = true },
	} {
		v := decode(t, out)
		mutate(v)
		bad, _ := json.Marshal(v)
		if err := validate(t, sch, bad); err == nil {
			t.Errorf("%s: validator accepted an invalid log", name)
		}
	}
}

func TestContent(t *testing.T) {
	fixedCwd(t, "/home/me/my repo")
	r := sampleReport()
	out := write(t, r)
	if !bytes.HasSuffix(out, []byte("}\n")) {
		t.Error("output should end in a newline")
	}
	if !bytes.HasPrefix(out, []byte("{\n  \"version\": \"2.1.0\",\n")) {
		t.Errorf("output should be indented by 2 spaces:\n%s", out[:40])
	}
	v := decode(t, out)
	if v["version"] != "2.1.0" || v["$schema"] != SchemaURI {
		t.Errorf("version %v, $schema %v", v["version"], v["$schema"])
	}
	runs := v["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	run := runs[0].(obj)
	if run["columnKind"] != "unicodeCodePoints" {
		t.Errorf("columnKind = %v", run["columnKind"])
	}
	wantBase := obj{"%SRCROOT%": obj{"uri": "file:///home/me/my%20repo/"}}
	if !reflect.DeepEqual(run["originalUriBaseIds"], wantBase) {
		t.Errorf("originalUriBaseIds = %v", run["originalUriBaseIds"])
	}

	driver := run["tool"].(obj)["driver"].(obj)
	if driver["name"] != "eks-sg-lint" || driver["version"] != "v1.2.3-rc.1" ||
		driver["semanticVersion"] != "1.2.3-rc.1" || driver["informationUri"] != InformationURI {
		t.Errorf("driver = %v", driver)
	}
	rules := driver["rules"].([]any)
	if len(rules) != len(r.Rules) {
		t.Fatalf("%d rules, want %d", len(rules), len(r.Rules))
	}
	index := map[string]int{}
	for i, a := range r.Rules {
		d := rules[i].(obj)
		if d["id"] != a.ID || d["name"] != a.Name {
			t.Errorf("rule %d = %v %v, want %s", i, d["id"], d["name"], a.ID)
		}
		index[a.ID] = i
		if d["helpUri"] != a.HelpURI() {
			t.Errorf("%s helpUri = %v", a.ID, d["helpUri"])
		}
		if lvl := d["defaultConfiguration"].(obj)["level"]; lvl != string(a.Level) {
			t.Errorf("%s default level = %v", a.ID, lvl)
		}
		props := d["properties"].(obj)
		tags := props["tags"].([]any)
		if tags[len(tags)-1] != "security" {
			t.Errorf("%s tags = %v, want security last", a.ID, tags)
		}
		if sev, ok := props["security-severity"]; a.SecuritySeverity != "" && sev != a.SecuritySeverity || a.SecuritySeverity == "" && ok {
			t.Errorf("%s security-severity = %v", a.ID, sev)
		}
	}
	r1 := rules[0].(obj)
	if r1["shortDescription"].(obj)["text"] != "Cluster has no SG." ||
		r1["fullDescription"].(obj)["text"] != "The full text." ||
		!reflect.DeepEqual(r1["help"], obj{"text": "Add the `SecurityGroupIds`.", "markdown": page(t, "EKSSG001")}) ||
		!reflect.DeepEqual(r1["properties"].(obj)["tags"], []any{"eks", "security"}) {
		t.Errorf("rule 1 = %v", r1)
	}
	// A rule without Short still has a shortDescription (required by the
	// schema); without Help or Full they are left out.
	if r3 := rules[2].(obj); r3["shortDescription"].(obj)["text"] != "Unused" || r3["help"] != nil || r3["fullDescription"] != nil {
		t.Errorf("rule 3 = %v", r3)
	}

	results := run["results"].([]any)
	if len(results) != len(r.Findings) {
		t.Fatalf("%d results", len(results))
	}
	for i, f := range r.Findings {
		res := results[i].(obj)
		if res["ruleId"] != f.RuleID || res["ruleIndex"] != float64(index[f.RuleID]) {
			t.Errorf("result %d: ruleId %v ruleIndex %v, want %s %d", i, res["ruleId"], res["ruleIndex"], f.RuleID, index[f.RuleID])
		}
		if res["level"] != string(f.Level) || res["message"].(obj)["text"] != f.Message {
			t.Errorf("result %d: level %v message %v", i, res["level"], res["message"])
		}
		if !reflect.DeepEqual(res["partialFingerprints"], obj{FingerprintKey: f.Fingerprint()}) {
			t.Errorf("result %d: partialFingerprints = %v", i, res["partialFingerprints"])
		}
	}

	loc := func(res any, key string, i int) obj {
		return res.(obj)[key].([]any)[i].(obj)
	}
	// Absolute path: file URI, no uriBaseId; region as given.
	pl0 := loc(results[0], "locations", 0)["physicalLocation"].(obj)
	if !reflect.DeepEqual(pl0, obj{
		"artifactLocation": obj{"uri": "file:///abs/dir/cluster.yaml"},
		"region":           obj{"startLine": 3.0, "startColumn": 5.0, "endLine": 3.0, "endColumn": 12.0},
	}) {
		t.Errorf("result 0 location = %v", pl0)
	}
	// Relative path with a space: escaped, against %SRCROOT%; endLine
	// defaults to startLine and endColumn is left out.
	pl1 := loc(results[1], "locations", 0)["physicalLocation"].(obj)
	if !reflect.DeepEqual(pl1, obj{
		"artifactLocation": obj{"uri": "stacks/my%20nodes.yaml", "uriBaseId": "%SRCROOT%"},
		"region":           obj{"startLine": 42.0, "startColumn": 7.0, "endLine": 42.0},
	}) {
		t.Errorf("result 1 location = %v", pl1)
	}
	if reg := loc(results[2], "locations", 0)["physicalLocation"].(obj)["region"]; !reflect.DeepEqual(reg,
		obj{"startLine": 50.0, "startColumn": 7.0, "endLine": 52.0, "endColumn": 2.0}) {
		t.Errorf("result 2 region = %v", reg)
	}
	rel := results[1].(obj)["relatedLocations"].([]any)
	if len(rel) != 2 {
		t.Fatalf("%d related locations", len(rel))
	}
	if r0 := rel[0].(obj); r0["id"] != 1.0 || r0["message"].(obj)["text"] != "security group NodeSG" ||
		r0["physicalLocation"].(obj)["artifactLocation"].(obj)["uriBaseId"] != "%SRCROOT%" {
		t.Errorf("related 0 = %v", r0)
	}
	if r1 := rel[1].(obj); r1["id"] != 2.0 || r1["message"].(obj)["text"] != "cluster prod" ||
		!reflect.DeepEqual(r1["physicalLocation"].(obj)["artifactLocation"], obj{"uri": "file:///abs/dir/cluster.yaml"}) {
		t.Errorf("related 1 = %v", r1)
	}
	if _, ok := results[0].(obj)["relatedLocations"]; ok {
		t.Error("result 0 has relatedLocations")
	}

	invs := run["invocations"].([]any)
	if len(invs) != 1 {
		t.Fatalf("%d invocations", len(invs))
	}
	inv := invs[0].(obj)
	if inv["executionSuccessful"] != false {
		t.Errorf("executionSuccessful = %v with file errors", inv["executionSuccessful"])
	}
	notes := inv["toolExecutionNotifications"].([]any)
	if len(notes) != 1+len(r.Notifications) {
		t.Fatalf("%d notifications", len(notes))
	}
	wantNotes := []obj{
		{"level": "error", "message": obj{"text": "yaml: mapping values are not allowed"},
			"locations": []any{obj{"physicalLocation": obj{
				"artifactLocation": obj{"uri": "broken.yaml", "uriBaseId": "%SRCROOT%"},
				"region":           obj{"startLine": 7.0, "startColumn": 2.0, "endLine": 7.0}}}}},
		{"level": "note", "message": obj{"text": "cannot resolve !Ref Param"},
			"associatedRule": obj{"id": "EKSSG002", "index": 1.0},
			"locations": []any{obj{"physicalLocation": obj{
				"artifactLocation": obj{"uri": "stacks/my%20nodes.yaml", "uriBaseId": "%SRCROOT%"},
				"region":           obj{"startLine": 20.0, "startColumn": 9.0, "endLine": 20.0}}}}},
		{"level": "note", "message": obj{"text": "file has no resources"},
			"locations": []any{obj{"physicalLocation": obj{
				"artifactLocation": obj{"uri": "empty.yaml", "uriBaseId": "%SRCROOT%"}}}}},
		{"level": "error", "message": obj{"text": "internal error in rule EKSSG009: boom"},
			"associatedRule": obj{"id": "EKSSG009"}},
	}
	for i, w := range wantNotes {
		if !reflect.DeepEqual(notes[i], w) {
			got, _ := json.Marshal(notes[i])
			want, _ := json.Marshal(w)
			t.Errorf("notification %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if !strings.Contains(string(out), "cluster <prod> has no SG & more") {
		t.Error("messages should not be HTML-escaped")
	}
}

func page(t *testing.T, id string) string {
	t.Helper()
	md, ok := docs.Rule(id)
	if !ok {
		t.Fatalf("no page for %s", id)
	}
	return md
}

// TestHelpIsTheRulePage: every registered rule's help.markdown is its page
// docs/rules/<ID>.md (what `eks-sg-lint explain` prints and helpUri shows),
// and help.text is its Help; the log with them stays schema-valid.
func TestHelpIsTheRulePage(t *testing.T) {
	fixedCwd(t, "/home/me/my repo")
	r := &report.Report{ToolName: "eks-sg-lint", Version: "1.0.0", Rules: analyzer.All()}
	out := write(t, r)
	if err := validate(t, compileSchema(t), out); err != nil {
		t.Fatalf("schema: %v", err)
	}
	rules := decode(t, out)["runs"].([]any)[0].(obj)["tool"].(obj)["driver"].(obj)["rules"].([]any)
	if len(rules) != len(r.Rules) {
		t.Fatalf("%d rules, want %d", len(rules), len(r.Rules))
	}
	for i, a := range r.Rules {
		help, _ := rules[i].(obj)["help"].(obj)
		if help["markdown"] != page(t, a.ID) {
			t.Errorf("%s: help.markdown is not docs/rules/%s.md", a.ID, a.ID)
		}
		if help["text"] != a.Help {
			t.Errorf("%s: help.text = %v, want the rule's Help", a.ID, help["text"])
		}
	}
}

// A rule without a page keeps its Help as markdown.
func TestHelpWithoutPage(t *testing.T) {
	a := &analyzer.Analyzer{ID: "TEST999", Name: "no-page", Level: analyzer.LevelNote, Short: "s", Help: "Do `this`."}
	rules := decode(t, write(t, &report.Report{ToolName: "eks-sg-lint", Rules: []*analyzer.Analyzer{a}}))["runs"].([]any)[0].(obj)["tool"].(obj)["driver"].(obj)["rules"].([]any)
	if help := rules[0].(obj)["help"]; !reflect.DeepEqual(help, obj{"text": "Do `this`.", "markdown": "Do `this`."}) {
		t.Errorf("help = %v", help)
	}
}

func TestExecutionSuccessful(t *testing.T) {
	fixedCwd(t, "/src")
	r := sampleReport()
	r.Errors = nil
	inv := decode(t, write(t, r))["runs"].([]any)[0].(obj)["invocations"].([]any)[0].(obj)
	if inv["executionSuccessful"] != true {
		t.Errorf("executionSuccessful = %v without file errors", inv["executionSuccessful"])
	}
}

func TestDeterministic(t *testing.T) {
	fixedCwd(t, "/src")
	a := write(t, sampleReport())
	b := write(t, sampleReport())
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same report differ")
	}
	r := sampleReport()
	if c := write(t, r); !bytes.Equal(a, c) || !bytes.Equal(c, write(t, r)) {
		t.Error("writing the same report twice differs")
	}
}

func TestUnknownRuleGetsDescriptor(t *testing.T) {
	fixedCwd(t, "/src")
	r := sampleReport()
	r.Findings = append(r.Findings, analyzer.Finding{RuleID: "EKSSG099", Level: analyzer.LevelNote, Message: "m",
		Loc: graph.Location{File: "x.yaml", Line: 1, Column: 1}})
	run := decode(t, write(t, r))["runs"].([]any)[0].(obj)
	rules := run["tool"].(obj)["driver"].(obj)["rules"].([]any)
	results := run["results"].([]any)
	last := results[len(results)-1].(obj)
	if len(rules) != 4 || rules[3].(obj)["id"] != "EKSSG099" || last["ruleIndex"] != 3.0 {
		t.Errorf("rules %v, ruleIndex %v", rules, last["ruleIndex"])
	}
}

func TestArtifactURIs(t *testing.T) {
	p := pathMapper{cwd: "/home/me/my repo"}
	for _, tc := range []struct {
		file, uri, base string
	}{
		{"a.yaml", "a.yaml", SrcRoot},
		{"./dir/b c.yaml", "dir/b%20c.yaml", SrcRoot},
		{"a:b/c#d?e%f.yaml", "a%3Ab/c%23d%3Fe%25f.yaml", SrcRoot},
		{"dir/ünï.yaml", "dir/%C3%BCn%C3%AF.yaml", SrcRoot},
		{"../other/x.yaml", "file:///home/me/other/x.yaml", ""},
		{"/abs/with space.yaml", "file:///abs/with%20space.yaml", ""},
		{`C:\work\x y.json`, "file:///C:/work/x%20y.json", ""},
		{"C:/work/z.json", "file:///C:/work/z.json", ""},
		// a modelled module's own file (graph.Origin), kept as written
		{"https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/node_groups.tf",
			"https://github.com/terraform-aws-modules/terraform-aws-eks/blob/v20.37.2/node_groups.tf", ""},
		// a scanned folder that merely starts so is still a relative path
		{"https:/x.tf", "https%3A/x.tf", SrcRoot},
	} {
		al := p.artifact(tc.file)
		base := ""
		if al.URIBaseId != nil {
			base = *al.URIBaseId
		}
		if *al.URI != tc.uri || base != tc.base {
			t.Errorf("%q: uri %q base %q, want %q %q", tc.file, *al.URI, base, tc.uri, tc.base)
		}
	}
	if got := dirURI("/home/me/my repo"); got != "file:///home/me/my%20repo/" {
		t.Errorf("dirURI = %q", got)
	}
	if got := dirURI("/"); got != "file:///" {
		t.Errorf("dirURI(/) = %q", got)
	}
}

func TestSemanticVersion(t *testing.T) {
	for v, want := range map[string]string{
		"1.2.3": "1.2.3", "v0.1.0": "0.1.0", "1.0.0-rc.1+build.5": "1.0.0-rc.1+build.5",
		"dev": "", "1.2": "", "01.2.3": "", "(devel)": "", "v1.2.3-0.20240101-abcdef": "1.2.3-0.20240101-abcdef",
	} {
		got, ok := semanticVersion(v)
		if got != want || ok != (want != "") {
			t.Errorf("semanticVersion(%q) = %q %v, want %q", v, got, ok, want)
		}
	}
}

// Suppressed findings stay in the log as dismissed results with a valid
// suppressions entry (go-sarif writes every field: none may be null).
func TestSuppressionsValid(t *testing.T) {
	fixedCwd(t, "/home/me/repo")
	r := sampleReport()
	r.Findings[0].Suppression = &analyzer.Suppression{Kind: "inSource", Justification: "conformance tests",
		Loc: graph.Location{File: r.Findings[0].Loc.File, Line: 3, Column: 5}}
	r.Findings[1].Suppression = &analyzer.Suppression{Kind: "external", Justification: "sandbox account"}
	out := write(t, r)
	if err := validate(t, compileSchema(t), out); err != nil {
		t.Fatalf("schema: %v\n%s", err, out)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Suppressions []struct {
					Kind, Status, Justification, GUID string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res[0].Suppressions) != 1 || res[0].Suppressions[0].Kind != "inSource" || res[0].Suppressions[0].Justification != "conformance tests" {
		t.Errorf("first result suppressions: %+v", res[0].Suppressions)
	}
	if len(res[1].Suppressions) != 1 || res[1].Suppressions[0].Kind != "external" {
		t.Errorf("second result suppressions: %+v", res[1].Suppressions)
	}
	if len(res) > 2 && len(res[2].Suppressions) != 0 {
		t.Errorf("an unsuppressed result has suppressions: %+v", res[2].Suppressions)
	}
}
