package main

// Adopting the linter (issue 14): baselines, CI formats, progress.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// sshOpen is one EKSSG031 finding (SSH from anywhere on a managed node
// group's remote access), a second file for the baseline tests.
const sshOpen = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodeRole: arn:aws:iam::123456789012:role/node
      Subnets: [subnet-0123456789abcdef0]
      RemoteAccess:
        Ec2SshKey: ops
`

type baselineFile struct {
	Version  int    `json:"version"`
	Tool     string `json:"tool"`
	Findings []struct {
		Fingerprint, Rule, File, Message string
	} `json:"findings"`
}

func readBaseline(t *testing.T, name string) baselineFile {
	t.Helper()
	var b baselineFile
	dec := json.NewDecoder(strings.NewReader(readFile(t, name)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

func TestBaseline(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "stacks/dup.yaml")
	writeFile(t, "stacks/ssh.yaml", sshOpen)
	writeFile(t, "stacks/nodes.yaml", noteOnly)

	// Writing records every finding; this run then passes (they are the
	// accepted state), and the file is readable, sorted and stable.
	r := runCLI(t, "--write-baseline", "ci/baseline.json", "stacks")
	if r.code != 0 || !strings.Contains(r.stdout, "no findings in 3 files; 3 suppressed") {
		t.Fatalf("--write-baseline: %v", r)
	}
	first := readFile(t, "ci/baseline.json")
	b := readBaseline(t, "ci/baseline.json")
	if b.Version != 1 || b.Tool != "eks-sg-lint" || len(b.Findings) != 3 {
		t.Fatalf("baseline: %+v", b)
	}
	rules := map[string]string{}
	for i, f := range b.Findings {
		if i > 0 && b.Findings[i-1].Fingerprint >= f.Fingerprint {
			t.Errorf("entries not sorted by fingerprint:\n%s", first)
		}
		if f.Message == "" || len(f.Fingerprint) != 32 {
			t.Errorf("entry %+v", f)
		}
		rules[f.File] = f.Rule
	}
	if rules["stacks/dup.yaml"] != "EKSSG002" || rules["stacks/ssh.yaml"] != "EKSSG031" || rules["stacks/nodes.yaml"] != "EKSSG026" {
		t.Errorf("entries: %v", rules)
	}
	// Stable: the same findings give the same bytes, also after every
	// line of a file moved.
	writeFile(t, "stacks/ssh.yaml", "# a comment moves every line\n\n"+sshOpen)
	runCLI(t, "--write-baseline", "ci/baseline.json", "stacks")
	if again := readFile(t, "ci/baseline.json"); again != first {
		t.Errorf("the baseline changed although the findings did not:\n%s\nthen\n%s", first, again)
	}

	// With the baseline, nothing is reported, nothing fails, and SARIF
	// keeps the findings as suppressed (kind external), pointing at the
	// entry in the baseline file.
	r = runCLI(t, "--baseline", "ci/baseline.json", "--fail-on", "note", "stacks")
	if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "no findings in 3 files; 3 suppressed") {
		t.Errorf("--baseline: %v", r)
	}
	r = runCLI(t, "--baseline", "ci/baseline.json", "--format", "sarif", "stacks")
	log := validateSARIF(t, []byte(r.stdout))
	results := list(t, "results", sarifRun(t, log)["results"])
	if len(results) != 3 {
		t.Fatalf("SARIF keeps %d results, want 3", len(results))
	}
	for _, res := range results {
		sups := list(t, "suppressions", res.(map[string]any)["suppressions"])
		sup := sups[0].(map[string]any)
		uri := sup["location"].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)["uri"]
		if sup["kind"] != "external" || uri != "ci/baseline.json" || !strings.Contains(sup["justification"].(string), "baseline") {
			t.Errorf("suppression %v", sup)
		}
	}

	// A new finding is reported; the baselined ones are not.
	writeFile(t, "stacks/ssh2.yaml", strings.Replace(sshOpen, "Nodes:", "MoreNodes:", 1))
	r = runCLI(t, "--baseline", "ci/baseline.json", "stacks")
	if r.code != 1 || strings.Count(r.stdout, "EKSSG031 ") != 2 || !strings.Contains(r.stdout, "stacks/ssh2.yaml:") ||
		strings.Contains(r.stdout, "stacks/ssh.yaml:") || strings.Contains(r.stdout, "EKSSG002 ") {
		t.Errorf("only the new finding: %v", r)
	}

	// A fixed finding: its entry no longer matches, and the run says so.
	writeFile(t, "stacks/ssh.yaml", strings.Replace(sshOpen, "      RemoteAccess:\n        Ec2SshKey: ops\n", "", 1))
	r = runCLI(t, "--baseline", "ci/baseline.json", "stacks/ssh.yaml", "stacks/dup.yaml")
	if r.code != 0 || !strings.Contains(r.stderr, "1 baseline entry no longer matches a finding (fixed? EKSSG031); rewrite ci/baseline.json") {
		t.Errorf("stale entry: %v", r)
	}
	// Entries of files not scanned (pre-commit passes only staged files)
	// are not counted.
	if r := runCLI(t, "--baseline", "ci/baseline.json", "stacks/dup.yaml"); r.code != 0 || r.stderr != "" {
		t.Errorf("scanning one file: %v", r)
	}

	// Errors: a missing or broken baseline is exit 2, with file and line.
	if r := runCLI(t, "--baseline", "missing.json", "stacks"); r.code != 2 || !strings.Contains(r.stderr, "missing.json") {
		t.Errorf("missing baseline: %v", r)
	}
	writeFile(t, "bad.json", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"fingerprint\": 3}\n  ]\n}\n")
	if r := runCLI(t, "--baseline", "bad.json", "stacks"); r.code != 2 || !strings.Contains(r.stderr, "bad.json:4:") {
		t.Errorf("bad baseline: %v", r)
	}
	writeFile(t, "v2.json", `{"version": 2, "findings": []}`)
	if r := runCLI(t, "--baseline", "v2.json", "stacks"); r.code != 2 || !strings.Contains(r.stderr, "version 2") {
		t.Errorf("future baseline: %v", r)
	}
	if r := runCLI(t, "--baseline", "ci/baseline.json", "--write-baseline", "ci/baseline.json", "stacks"); r.code != 2 {
		t.Errorf("both flags: %v", r)
	}
}

// A finding silenced in the source is not written to the baseline (its
// own suppression keeps it silent).
func TestBaselineSkipsSuppressed(t *testing.T) {
	inTemp(t)
	writeFile(t, "ssh.yaml", strings.Replace(sshOpen, "      RemoteAccess:", "      # eks-sg-lint:ignore EKSSG031 break-glass access\n      RemoteAccess:", 1))
	if r := runCLI(t, "--write-baseline", "b.json", "ssh.yaml"); r.code != 0 {
		t.Fatalf("%v", r)
	}
	if b := readBaseline(t, "b.json"); len(b.Findings) != 0 {
		t.Errorf("baseline holds a suppressed finding: %+v", b)
	}
	if !strings.Contains(readFile(t, "b.json"), `"findings": []`) {
		t.Errorf("no findings is an empty list:\n%s", readFile(t, "b.json"))
	}
}

func TestJUnitFormat(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "dup.yaml")
	writeFile(t, "ssh.yaml", strings.Replace(sshOpen, "      RemoteAccess:", "      # eks-sg-lint:ignore EKSSG031 break-glass\n      RemoteAccess:", 1))
	writeFile(t, "clean.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n")
	writeFile(t, "broken.yaml", brokenTemplate)
	r := runCLI(t, "--format", "junit")
	if r.code != 2 || !strings.HasPrefix(r.stdout, "<?xml") {
		t.Fatalf("%v", r)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, r.stdout)
	}
	if doc.Tests != 4 || doc.Failures != 1 || doc.Errors != 1 || doc.Skipped != 1 || len(doc.Suites) != 4 {
		t.Errorf("counts: tests %d failures %d errors %d skipped %d suites %d\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(doc.Suites), r.stdout)
	}
	names := []string{}
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		c := s.Cases[0]
		switch s.Name {
		case "dup.yaml":
			if c.Failure == nil || c.Failure.Type != "error" || !strings.HasPrefix(c.Name, "EKSSG002 dup.yaml:22:16") || !strings.Contains(c.Failure.Text, "docs/rules/EKSSG002.md") {
				t.Errorf("dup.yaml: %+v", c)
			}
		case "ssh.yaml":
			if c.Skipped == nil || !strings.Contains(c.Skipped.Message, "break-glass") {
				t.Errorf("ssh.yaml: %+v", c)
			}
		case "clean.yaml":
			if c.Failure != nil || c.Error != nil || c.Name != "eks-sg-lint" {
				t.Errorf("clean.yaml: %+v", c)
			}
		case "broken.yaml":
			if c.Error == nil {
				t.Errorf("broken.yaml: %+v", c)
			}
		}
	}
	if strings.Join(names, " ") != "broken.yaml clean.yaml dup.yaml ssh.yaml" {
		t.Errorf("suites %v", names)
	}
}

func compileGitLabSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(repoPath("testdata", "gitlab-code-quality", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateGitLab(t *testing.T, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return sch.Validate(inst)
}

func TestGitLabFormat(t *testing.T) {
	sch := compileGitLabSchema(t)
	// The schema, transcribed from GitLab's documentation, accepts GitLab's
	// own example and rejects what the documentation rules out.
	example, err := os.ReadFile(repoPath("testdata", "gitlab-code-quality", "gitlab-docs-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := validateGitLab(t, sch, example); err != nil {
		t.Fatalf("GitLab's example does not validate: %v", err)
	}
	for name, bad := range map[string]string{
		"no check_name":     `[{"description":"d","fingerprint":"f","severity":"minor","location":{"path":"a","lines":{"begin":1}}}]`,
		"bad severity":      `[{"description":"d","check_name":"c","fingerprint":"f","severity":"warning","location":{"path":"a","lines":{"begin":1}}}]`,
		"no line":           `[{"description":"d","check_name":"c","fingerprint":"f","severity":"minor","location":{"path":"a"}}]`,
		"absolute path":     `[{"description":"d","check_name":"c","fingerprint":"f","severity":"minor","location":{"path":"/a","lines":{"begin":1}}}]`,
		"line 0":            `[{"description":"d","check_name":"c","fingerprint":"f","severity":"minor","location":{"path":"a","lines":{"begin":0}}}]`,
		"not an array":      `{"description":"d"}`,
		"empty fingerprint": `[{"description":"d","check_name":"c","fingerprint":"","severity":"minor","location":{"path":"a","lines":{"begin":1}}}]`,
	} {
		if validateGitLab(t, sch, []byte(bad)) == nil {
			t.Errorf("schema accepts %s", name)
		}
	}

	inTemp(t)
	copyDupFixture(t, "stacks/dup.yaml")
	writeFile(t, "stacks/ssh.yaml", sshOpen)
	writeFile(t, "stacks/nodes.yaml", noteOnly)
	writeFile(t, "stacks/broken.yaml", brokenTemplate)
	r := runCLI(t, "--format", "gitlab", "--output", "gl-code-quality-report.json", "stacks")
	if r.code != 2 || r.stdout != "" {
		t.Fatalf("%v", r)
	}
	data := []byte(readFile(t, "gl-code-quality-report.json"))
	if err := validateGitLab(t, sch, data); err != nil {
		t.Fatalf("our report does not validate: %v\n%s", err, data)
	}
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Errorf("GitLab refuses a byte order mark")
	}
	var issues []struct {
		Check    string `json:"check_name"`
		Sev      string `json:"severity"`
		FP       string `json:"fingerprint"`
		Location struct {
			Path  string
			Lines struct{ Begin int }
		}
	}
	if err := json.Unmarshal(data, &issues); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	fps := map[string]bool{}
	for _, is := range issues {
		got[is.Check] = is.Sev + " " + is.Location.Path
		fps[is.FP] = true
	}
	want := map[string]string{"EKSSG002": "critical stacks/dup.yaml", "EKSSG031": "major stacks/ssh.yaml",
		"EKSSG026": "minor stacks/nodes.yaml", "file-error": "blocker stacks/broken.yaml"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(issues) != 4 || len(fps) != 4 {
		t.Errorf("%d issues with %d fingerprints, want 4 distinct", len(issues), len(fps))
	}
	// A finding's fingerprint is the one JSON (and SARIF) carry.
	j := runCLI(t, "--format", "json", "stacks")
	for _, is := range issues {
		if is.Check != "file-error" && !strings.Contains(j.stdout, `"fingerprint": "`+is.FP+`"`) {
			t.Errorf("%s: fingerprint %s not in the JSON report", is.Check, is.FP)
		}
	}
	// Suppressed findings are left out; no finding is [].
	writeFile(t, "only/clean.yaml", "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n")
	if r := runCLI(t, "--format", "gitlab", "only"); r.stdout != "[]\n" || validateGitLab(t, sch, []byte(r.stdout)) != nil {
		t.Errorf("no finding: %q", r.stdout)
	}
	if r := runCLI(t, "--write-baseline", "b.json", "stacks/ssh.yaml"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runCLI(t, "--format", "gitlab", "--baseline", "b.json", "stacks/ssh.yaml"); r.stdout != "[]\n" {
		t.Errorf("a baselined finding is left out: %q", r.stdout)
	}
}

func TestCheckstyleFormat(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "dup.yaml")
	writeFile(t, "nodes.yaml", noteOnly)
	r := runCLI(t, "--format", "checkstyle")
	var doc struct {
		XMLName xml.Name `xml:"checkstyle"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Column   int    `xml:"column,attr"`
				Severity string `xml:"severity,attr"`
				Source   string `xml:"source,attr"`
				Message  string `xml:"message,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 1 {
		t.Fatalf("%v: %v", err, r)
	}
	if len(doc.Files) != 2 || doc.Files[0].Name != "dup.yaml" || doc.Files[1].Name != "nodes.yaml" {
		t.Fatalf("files: %+v", doc.Files)
	}
	e := doc.Files[0].Errors[0]
	if e.Line != 22 || e.Column != 16 || e.Severity != "error" || e.Source != "eks-sg-lint.EKSSG002" || e.Message == "" {
		t.Errorf("dup.yaml: %+v", e)
	}
	if e := doc.Files[1].Errors[0]; e.Severity != "info" || e.Source != "eks-sg-lint.EKSSG026" {
		t.Errorf("a note is info: %+v", e)
	}
}

func TestProgressOnATerminal(t *testing.T) {
	dir := inTemp(t)
	for i := 0; i < 5; i++ {
		copyDupFixture(t, filepath.Join("stacks", string(rune('a'+i))+".yaml"))
	}
	stacks := filepath.Join(dir, "stacks")
	// The delay is 0 so that this small scan shows it.
	out := inTerminal(t, []string{progressDelayEnv + "=0s"}, stacks)
	if !strings.Contains(out, "eks-sg-lint: read 5 of 5 files") && !strings.Contains(out, "eks-sg-lint: analysing 5 files") {
		t.Errorf("no progress on a terminal:\n%q", out)
	}
	// Erased before the report.
	if i, j := strings.LastIndex(out, "\r\x1b[K"), strings.Index(out, "EKSSG002"); i < 0 || j < 0 || i > j {
		t.Errorf("progress not erased before the report:\n%q", out)
	}
	for name, env := range map[string][]string{"CI": {"CI=true"}, "GitLab": {"GITLAB_CI=true"}, "Jenkins": {"JENKINS_URL=http://j"}, "dumb": {"TERM=dumb"}} {
		if out := inTerminal(t, append([]string{progressDelayEnv + "=0s"}, env...), stacks); strings.Contains(out, "eks-sg-lint: read") || strings.Contains(out, "analysing") {
			t.Errorf("%s: progress drawn:\n%q", name, out)
		}
	}
	for _, flag := range []string{"--no-progress", "--quiet"} {
		if out := inTerminal(t, []string{progressDelayEnv + "=0s"}, flag, stacks); strings.Contains(out, "eks-sg-lint: read") || strings.Contains(out, "\r\x1b[K") {
			t.Errorf("%s: progress drawn:\n%q", flag, out)
		}
	}
	// Not a terminal: never (run() writes to buffers).
	t.Setenv(progressDelayEnv, "0s")
	if r := runCLI(t, stacks); strings.Contains(r.stderr, "eks-sg-lint: read") {
		t.Errorf("progress into a pipe: %v", r)
	}
}

// TestReadmeGitLabCI runs the eks-sg-lint lines of the README's
// .gitlab-ci.yml on the example template and checks that the artifacts it
// declares are written and valid.
func TestReadmeGitLabCI(t *testing.T) {
	readme := readFile(t, repoPath("README.md"))
	start := strings.Index(readme, "```yaml\n# .gitlab-ci.yml\n")
	if start < 0 {
		t.Fatal("README has no .gitlab-ci.yml example")
	}
	block := readme[start+len("```yaml\n"):]
	block, _, _ = strings.Cut(block, "```")
	var ci map[string]struct {
		Script    []string
		Artifacts struct {
			When    string
			Reports map[string]string
		}
	}
	if err := yaml.Unmarshal([]byte(block), &ci); err != nil {
		t.Fatalf("the example is not YAML: %v", err)
	}
	job := ci["eks-sg-lint"]
	sch := compileGitLabSchema(t)
	inTemp(t)
	copyFile(t, repoPath("testdata", "examples", "cluster-with-nodes.yaml"), "cluster-with-nodes.yaml")
	ran := 0
	for _, line := range job.Script {
		if !strings.HasPrefix(line, "eks-sg-lint ") {
			continue
		}
		ran++
		r := runCLI(t, strings.Fields(line)[1:]...)
		if r.code == 2 || r.stdout != "" {
			t.Errorf("%s: %v", line, r)
		}
		if strings.Contains(line, "--fail-on never") && r.code != 0 {
			t.Errorf("%s: exit %d", line, r.code)
		}
	}
	if ran != 2 || job.Artifacts.When != "always" {
		t.Fatalf("ran %d eks-sg-lint lines; artifacts %+v", ran, job.Artifacts)
	}
	cq := readFile(t, job.Artifacts.Reports["codequality"])
	if err := validateGitLab(t, sch, []byte(cq)); err != nil || !strings.Contains(cq, `"path": "cluster-with-nodes.yaml"`) {
		t.Errorf("codequality artifact: %v\n%s", err, cq)
	}
	var junit struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, job.Artifacts.Reports["junit"])), &junit); err != nil || junit.Failures != 2 {
		t.Errorf("junit artifact: %v, %d failures", err, junit.Failures)
	}
}
