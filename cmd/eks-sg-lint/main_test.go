package main

// End-to-end tests of the CLI through run(): flags, exit codes, output
// formats and the walking rules, each in a temporary folder that is the
// working directory (so output paths are relative).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eks-sg-lint/eks-sg-lint/internal/sarifschema"
)

// repoRoot is the module root, resolved before any test changes the
// working directory.
var repoRoot = func() string {
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return abs
}()

func repoPath(elem ...string) string {
	return filepath.Join(append([]string{repoRoot}, elem...)...)
}

type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

func runCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// inTemp makes a fresh temporary folder the working directory.
func inTemp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(data))
}

const dupFixture = "cluster-sg-plus-tagged-node-sg.yaml"

// copyDupFixture copies the EKSSG002 fixture (one error finding) to dst.
func copyDupFixture(t *testing.T, dst string) {
	t.Helper()
	copyFile(t, repoPath("testdata", "rules", "EKSSG002", dupFixture), dst)
}

// wantLine returns the 1-based line of the fixture's `# want: RULE` comment
// and the line's text.
func wantLine(t *testing.T, file, rule string) (int, string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "# want: "+rule) {
			return i + 1, line
		}
	}
	t.Fatalf("%s has no `# want: %s`", file, rule)
	return 0, ""
}

// noteOnly is a self-managed node group that is tagged right but does not
// carry the cluster security group: one EKSSG026 note and nothing else.
const noteOnly = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
      Tags:
        - Key: kubernetes.io/cluster/dev
          Value: owned
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: [!Ref NodeSecurityGroup]
        UserData: !Base64 "#!/bin/bash\n/etc/eks/bootstrap.sh dev\n"
  NodeGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "2"
      LaunchTemplate:
        LaunchTemplateId: !Ref LaunchTemplate
        Version: "1"
  # Rules as the AWS node-group template has them; the control-plane
  # group is a parameter, so only the cluster-SG note is proven.
  NodeSelf:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref NodeSecurityGroup, IpProtocol: "-1", SourceSecurityGroupId: !Ref NodeSecurityGroup}
  NodeFromControlPlane:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref NodeSecurityGroup, IpProtocol: tcp, FromPort: 443, ToPort: 65535, SourceSecurityGroupId: !Ref ControlPlaneSecurityGroup}
Parameters:
  ControlPlaneSecurityGroup:
    Type: AWS::EC2::SecurityGroup::Id
`

// brokenTemplate is clearly CloudFormation, with broken indentation on
// line 5.
const brokenTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
   Properties:
      GroupDescription: nodes
`

const brokenLine = 5

func TestDuplicateClusterTag(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	line, text := wantLine(t, dupFixture, "EKSSG002")
	col := strings.Index(text, "!Sub") + 1 // the tag key's value
	if line != 22 || col != 16 {
		t.Fatalf("fixture changed: want comment at %d:%d, test expects 22:16", line, col)
	}

	r := runCLI(t) // no path: "."
	if r.code != 1 {
		t.Errorf("default --fail-on: %v", r)
	}
	prefix := fmt.Sprintf("%s:%d:%d: error EKSSG002 ", dupFixture, line, col)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one finding, a summary line and the count for the rule:\n%v", r)
	}
	if !strings.HasPrefix(lines[0], prefix) {
		t.Errorf("finding line\n%s\ndoes not start with\n%s", lines[0], prefix)
	}
	if !strings.Contains(lines[0], "Remove the tag from NodeSecurityGroup.") {
		t.Errorf("finding message lacks the fix: %s", lines[0])
	}
	if want := "1 finding (1 error) in 1 of 1 file"; lines[1] != want {
		t.Errorf("summary = %q, want %q", lines[1], want)
	}
	if want := "  EKSSG002 node-cluster-tag-duplicate: 1"; lines[2] != want {
		t.Errorf("per-rule count = %q, want %q", lines[2], want)
	}
	if r.stderr != "" {
		t.Errorf("stderr = %q", r.stderr)
	}

	for _, tc := range []struct {
		failOn string
		want   int
	}{{"never", 0}, {"error", 1}, {"warning", 1}, {"note", 1}} {
		if r := runCLI(t, "--fail-on", tc.failOn, dupFixture); r.code != tc.want {
			t.Errorf("--fail-on %s: exit %d, want %d\n%v", tc.failOn, r.code, tc.want, r)
		}
	}
}

func TestNoteOnlyFailOn(t *testing.T) {
	inTemp(t)
	writeFile(t, "nodes.yaml", noteOnly)
	r := runCLI(t, "nodes.yaml")
	if r.code != 0 {
		t.Errorf("default --fail-on warning with only a note: %v", r)
	}
	if !strings.Contains(r.stdout, ": note EKSSG026 ") || !strings.Contains(r.stdout, "1 finding (1 note) in 1 of 1 file") {
		t.Errorf("want exactly one EKSSG026 note:\n%v", r)
	}
	for _, tc := range []struct {
		failOn string
		want   int
	}{{"note", 1}, {"warning", 0}, {"error", 0}, {"never", 0}} {
		if r := runCLI(t, "--fail-on", tc.failOn, "nodes.yaml"); r.code != tc.want {
			t.Errorf("--fail-on %s: exit %d, want %d\n%v", tc.failOn, r.code, tc.want, r)
		}
	}
}

// decodeJSON parses stdout of --format json.
func decodeJSON(t *testing.T, r result) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%v", err, r)
	}
	return m
}

func keysOf(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func hasKeys(t *testing.T, what string, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", what, v)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s has no key %q (keys: %v)", what, k, keysOf(m))
		}
	}
	return m
}

func list(t *testing.T, what string, v any) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is %T (%v), want a list", what, v, v)
	}
	return l
}

func TestJSONFormat(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	r := runCLI(t, "--format", "json", dupFixture)
	if r.code != 1 || r.stderr != "" {
		t.Fatalf("%v", r)
	}
	if !strings.HasSuffix(r.stdout, "}\n") {
		t.Errorf("JSON output does not end with a newline")
	}
	m := hasKeys(t, "report", decodeJSON(t, r), "version", "tool", "findings", "notifications", "errors", "summary")
	if m["version"] != float64(1) {
		t.Errorf("version = %v", m["version"])
	}
	tool := hasKeys(t, "tool", m["tool"], "name", "version")
	if tool["name"] != "eks-sg-lint" || tool["version"] != toolVersion() {
		t.Errorf("tool = %v", tool)
	}
	findings := list(t, "findings", m["findings"])
	if len(findings) != 1 {
		t.Fatalf("%d findings, want 1", len(findings))
	}
	f := hasKeys(t, "finding", findings[0], "rule", "level", "message", "file", "line", "column",
		"endLine", "endColumn", "fingerprint", "related")
	if f["rule"] != "EKSSG002" || f["level"] != "error" || f["file"] != dupFixture ||
		f["line"] != float64(22) || f["column"] != float64(16) {
		t.Errorf("finding = %v", f)
	}
	if fp, _ := f["fingerprint"].(string); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(fp) {
		t.Errorf("fingerprint = %q", f["fingerprint"])
	}
	for i, rel := range list(t, "related", f["related"]) {
		hasKeys(t, fmt.Sprintf("related[%d]", i), rel, "file", "line", "column", "message")
	}
	list(t, "notifications", m["notifications"])
	if errs := list(t, "errors", m["errors"]); len(errs) != 0 {
		t.Errorf("errors = %v", errs)
	}
	s := hasKeys(t, "summary", m["summary"], "findings", "errors", "warnings", "notes",
		"filesWithFindings", "filesScanned", "fileErrors")
	want := map[string]float64{"findings": 1, "errors": 1, "warnings": 0, "notes": 0,
		"filesWithFindings": 1, "filesScanned": 1, "fileErrors": 0}
	for k, v := range want {
		if s[k] != v {
			t.Errorf("summary.%s = %v, want %v", k, s[k], v)
		}
	}

	// Empty lists are [], never null.
	writeFile(t, "empty/nodes.yaml", noteOnly)
	r = runCLI(t, "--format", "json", "--fail-on", "never", "empty")
	if !strings.Contains(r.stdout, `"errors": []`) {
		t.Errorf("errors is not [] in\n%s", r.stdout)
	}
	if strings.Contains(strings.ReplaceAll(r.stdout, `"suppression": null`, ""), "null") {
		t.Errorf("null (other than an unsuppressed finding's suppression) in\n%s", r.stdout)
	}
}

// compileSARIFSchema compiles the SARIF 2.1.0 schema from testdata,
// registered under its own id so nothing is fetched.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, data []byte) map[string]any {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := compileSARIFSchema(t).Validate(inst); err != nil {
		t.Errorf("SARIF does not validate: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// sarifRun returns runs[0] of a SARIF log.
func sarifRun(t *testing.T, log map[string]any) map[string]any {
	t.Helper()
	runs := list(t, "runs", log["runs"])
	if len(runs) != 1 {
		t.Fatalf("%d runs, want 1", len(runs))
	}
	return runs[0].(map[string]any)
}

func sarifResults(t *testing.T, log map[string]any) []string {
	t.Helper()
	var out []string
	for _, res := range list(t, "results", sarifRun(t, log)["results"]) {
		res := res.(map[string]any)
		loc := res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		uri := loc["artifactLocation"].(map[string]any)["uri"]
		line := loc["region"].(map[string]any)["startLine"]
		out = append(out, fmt.Sprintf("%v:%v %v", uri, line, res["ruleId"]))
	}
	return out
}

func executionSuccessful(t *testing.T, log map[string]any) any {
	t.Helper()
	invs := list(t, "invocations", sarifRun(t, log)["invocations"])
	if len(invs) != 1 {
		t.Fatalf("%d invocations, want 1", len(invs))
	}
	return invs[0].(map[string]any)["executionSuccessful"]
}

func TestSARIFOutputFile(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "stacks/"+dupFixture)
	r := runCLI(t, "--format", "sarif", "--output", "x.sarif", "stacks")
	if r.code != 1 {
		t.Errorf("%v", r)
	}
	if r.stdout != "" || r.stderr != "" {
		t.Errorf("stdout and stderr must stay empty with --output:\n%v", r)
	}
	data, err := os.ReadFile("x.sarif")
	if err != nil {
		t.Fatal(err)
	}
	log := validateSARIF(t, data)
	if got, want := strings.Join(sarifResults(t, log), "\n"), "stacks/"+dupFixture+":22 EKSSG002"; got != want {
		t.Errorf("results:\n%s\nwant\n%s", got, want)
	}
	if v := executionSuccessful(t, log); v != true {
		t.Errorf("executionSuccessful = %v", v)
	}

	// --output with --format json and text too; "-" means stdout.
	if r := runCLI(t, "--format", "json", "--output", "out.json", "stacks"); r.code != 1 || r.stdout != "" {
		t.Errorf("json --output: %v", r)
	} else if data, err := os.ReadFile("out.json"); err != nil || !json.Valid(data) {
		t.Errorf("out.json: %v %q", err, data)
	}
	if r := runCLI(t, "--output", "-", "stacks"); r.code != 1 || !strings.Contains(r.stdout, "EKSSG002") {
		t.Errorf("--output -: %v", r)
	}
	// A missing folder is created (issue 9).
	if r := runCLI(t, "--format", "sarif", "--output", filepath.Join("no", "such", "dir", "x.sarif"), "stacks"); r.code != 1 || r.stderr != "" {
		t.Errorf("--output into a missing folder: %v", r)
	} else {
		validateSARIF(t, []byte(readFile(t, filepath.Join("no", "such", "dir", "x.sarif"))))
	}
}

func TestUsageErrors(t *testing.T) {
	inTemp(t)
	writeFile(t, "nodes.yaml", noteOnly)
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string // substring
	}{
		{"unknown flag", []string{"--bogus", "nodes.yaml"}, "unknown flag: --bogus"},
		{"unknown flag after path", []string{"nodes.yaml", "--bogus"}, "unknown flag: --bogus"},
		{"bad format", []string{"--format", "xml", "nodes.yaml"}, `"--format" flag: must be text, json, sarif, github, markdown, junit, gitlab or checkstyle, not "xml"`},
		{"bad fail-on", []string{"--fail-on", "sometimes", "nodes.yaml"}, `"--fail-on" flag: must be error, warning, note or never, not "sometimes"`},
		{"bad min-level", []string{"--min-level", "never", "nodes.yaml"}, `"--min-level" flag: must be error, warning or note, not "never"`},
		{"bad color", []string{"--color", "sometimes", "nodes.yaml"}, `"--color" flag: must be auto, always or never, not "sometimes"`},
		{"unknown rule", []string{"--disable", "EKSSG999", "nodes.yaml"}, "--disable EKSSG999: no such rule"},
		{"rule enabled and disabled", []string{"--disable", "EKSSG026", "--enable", "node-group-without-cluster-sg", "nodes.yaml"}, "--enable and --disable both name EKSSG026"},
		{"quiet and verbose", []string{"-q", "-v", "nodes.yaml"}, "--quiet and --verbose cannot be combined"},
		{"param without =", []string{"--param", "ClusterName", "nodes.yaml"}, "want KEY=VALUE"},
		{"param without key", []string{"--param", "=prod", "nodes.yaml"}, "want KEY=VALUE"},
		{"flag without value", []string{"nodes.yaml", "--format"}, "flag needs an argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\n%v", r.code, r)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty:\n%v", r)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%v", tc.stderr, r)
			}
			// One or two lines and a pointer to --help, not the whole help.
			if lines := strings.Count(r.stderr, "\n"); lines > 3 || !strings.HasSuffix(r.stderr, "Run 'eks-sg-lint --help' for usage.\n") {
				t.Errorf("want a short message and a pointer to --help:\n%v", r)
			}
		})
	}

	t.Run("nonexistent path", func(t *testing.T) {
		r := runCLI(t, "nodes.yaml", "missing.yaml")
		if r.code != 2 {
			t.Errorf("%v", r)
		}
		if !strings.Contains(r.stdout, "missing.yaml: error: no such file or directory") {
			t.Errorf("missing file not named:\n%v", r)
		}
		// The other file is still reported.
		if !strings.Contains(r.stdout, "nodes.yaml:14:9: note EKSSG026") {
			t.Errorf("the good file's finding is missing:\n%v", r)
		}
	})
}

// errorLineRe matches the text output's line for a file error.
var errorLineRe = regexp.MustCompile(`(?m)^broken\.yaml:(\d+)(?::\d+)?: error: (.+)$`)

func TestBrokenTemplateOthersStillReported(t *testing.T) {
	inTemp(t)
	writeFile(t, "stacks/broken.yaml", brokenTemplate)
	copyDupFixture(t, "stacks/good.yaml")
	t.Chdir("stacks")

	t.Run("text", func(t *testing.T) {
		r := runCLI(t, ".")
		if r.code != 2 {
			t.Errorf("exit %d, want 2\n%v", r.code, r)
		}
		m := errorLineRe.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no error line naming broken.yaml and a line:\n%v", r)
		}
		var line int
		fmt.Sscan(m[1], &line)
		if line < 1 || line > brokenLine {
			t.Errorf("error on line %d; the file breaks on line %d", line, brokenLine)
		}
		if !strings.Contains(r.stdout, "good.yaml:22:16: error EKSSG002 ") {
			t.Errorf("the good file's finding is missing:\n%v", r)
		}
		if !strings.HasSuffix(r.stdout, "1 finding (1 error) in 1 of 2 files; 1 file could not be read\n  EKSSG002 node-cluster-tag-duplicate: 1\n") {
			t.Errorf("summary:\n%v", r)
		}
		// --fail-on never does not hide a file error.
		if r := runCLI(t, "--fail-on", "never", "."); r.code != 2 {
			t.Errorf("--fail-on never: %v", r)
		}
	})

	t.Run("sarif", func(t *testing.T) {
		r := runCLI(t, "--format", "sarif", ".")
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
		log := validateSARIF(t, []byte(r.stdout))
		if got := strings.Join(sarifResults(t, log), "\n"); got != "good.yaml:22 EKSSG002" {
			t.Errorf("results = %q", got)
		}
		if v := executionSuccessful(t, log); v != false {
			t.Errorf("executionSuccessful = %v, want false", v)
		}
		inv := list(t, "invocations", sarifRun(t, log)["invocations"])[0].(map[string]any)
		found := false
		for _, n := range list(t, "toolExecutionNotifications", inv["toolExecutionNotifications"]) {
			if strings.Contains(fmt.Sprint(n), "broken.yaml") {
				found = true
			}
		}
		if !found {
			t.Errorf("no toolExecutionNotification names broken.yaml")
		}
		// Machine formats say on stderr what went wrong.
		if !strings.Contains(r.stderr, "broken.yaml:") || !strings.Contains(r.stderr, "error:") {
			t.Errorf("stderr does not name the broken file: %q", r.stderr)
		}
	})

	t.Run("json", func(t *testing.T) {
		r := runCLI(t, "--format", "json", ".")
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
		m := decodeJSON(t, r)
		errs := list(t, "errors", m["errors"])
		if len(errs) != 1 {
			t.Fatalf("errors = %v", errs)
		}
		e := hasKeys(t, "error", errs[0], "file", "line", "column", "message")
		if e["file"] != "broken.yaml" || e["line"] == float64(0) || e["message"] == "" {
			t.Errorf("error = %v", e)
		}
		if n := len(list(t, "findings", m["findings"])); n != 1 {
			t.Errorf("%d findings, want 1", n)
		}
	})
}

// A file error on stderr (machine formats) should read like the same error
// in the text output, which leaves an unknown column out.
func TestMachineFormatStderrMatchesText(t *testing.T) {
	inTemp(t)
	writeFile(t, "broken.yaml", brokenTemplate)
	text := runCLI(t, "broken.yaml")
	m := errorLineRe.FindString(text.stdout)
	if m == "" {
		t.Fatalf("no error line:\n%v", text)
	}
	js := runCLI(t, "--format", "json", "broken.yaml")
	if strings.TrimSpace(js.stderr) != m {
		t.Errorf("json stderr %q differs from the text error line %q", strings.TrimSpace(js.stderr), m)
	}
}

func TestFlagsAfterPaths(t *testing.T) {
	dir := inTemp(t)
	copyDupFixture(t, "stacks/"+dupFixture)
	for _, args := range [][]string{
		{"stacks", "--format", "json"},
		{filepath.Join(dir, "stacks"), "--format", "json"},
		{"--fail-on", "never", "stacks", "--format=json", "-v"},
	} {
		r := runCLI(t, args...)
		m := decodeJSON(t, r)
		if n := len(list(t, "findings", m["findings"])); n != 1 {
			t.Errorf("%q: %d findings, want 1", args, n)
		}
	}
	if r := runCLI(t, "stacks", "--fail-on", "never"); r.code != 0 {
		t.Errorf("--fail-on after the path is ignored: %v", r)
	}
}

// After "--" every argument is a path, even one that looks like a flag.
func TestDoubleDashEndsFlags(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "stacks/"+dupFixture)
	writeFile(t, "-v.yaml", noteOnly)
	r := runCLI(t, "--", "stacks", "-v.yaml")
	if r.code != 1 || !strings.Contains(r.stdout, "2 findings (1 error, 1 note) in 2 of 2 files") {
		t.Errorf("after --, every argument must be a path: %v", r)
	}
}

func TestParamChangesMessage(t *testing.T) {
	inTemp(t)
	const name = "self-managed-untagged.yaml"
	copyFile(t, repoPath("testdata", "rules", "EKSSG001", name), name)
	without := runCLI(t, name)
	with := runCLI(t, "--param", "ClusterName=prod", name)
	if !strings.Contains(without.stdout, `cluster "${ClusterName}"`) || strings.Contains(without.stdout, `cluster "prod"`) {
		t.Errorf("without --param:\n%v", without)
	}
	if !strings.Contains(with.stdout, `cluster "prod"`) || strings.Contains(with.stdout, "${ClusterName}") {
		t.Errorf("with --param ClusterName=prod:\n%v", with)
	}
	if !strings.Contains(with.stdout, "kubernetes.io/cluster/prod") {
		t.Errorf("with --param, the tag key is not resolved:\n%v", with)
	}
	// The last value of a repeated --param wins.
	again := runCLI(t, "--param", "ClusterName=dev", "--param", "ClusterName=prod", name)
	if again.stdout != with.stdout {
		t.Errorf("repeated --param:\n%v\nwant\n%v", again, with)
	}
}

// writeNonTemplates writes files a repository holds next to templates.
func writeNonTemplates(t *testing.T, dir string) {
	t.Helper()
	writeFile(t, filepath.Join(dir, "k8s", "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  region: eu-west-1\n")
	writeFile(t, filepath.Join(dir, ".github", "workflows", "ci.yml"), `name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: go test ./...
`)
	writeFile(t, filepath.Join(dir, "package.json"), `{"name": "infra", "version": "1.0.0", "scripts": {"test": "jest"}}`+"\n")
	writeFile(t, filepath.Join(dir, "chart", "templates", "deployment.yaml"), `{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.name }}
{{- end }}
`)
}

func TestWalkSkipsNonTemplatesSilently(t *testing.T) {
	inTemp(t)
	writeNonTemplates(t, ".")
	r := runCLI(t)
	if r.code != 0 || r.stderr != "" {
		t.Errorf("%v", r)
	}
	if r.stdout != "no findings in 0 files\n" {
		t.Errorf("stdout = %q, want only the summary", r.stdout)
	}
	r = runCLI(t, "--format", "json")
	if r.code != 0 {
		t.Errorf("%v", r)
	}
	m := decodeJSON(t, r)
	if n := len(list(t, "errors", m["errors"])); n != 0 {
		t.Errorf("errors: %v", m["errors"])
	}
}

func TestExplicitNonTemplateNotified(t *testing.T) {
	inTemp(t)
	writeNonTemplates(t, ".")
	for _, name := range []string{"k8s/configmap.yaml", ".github/workflows/ci.yml", "package.json"} {
		r := runCLI(t, "-v", name)
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%s: %v", name, r)
		}
		if !strings.Contains(r.stdout, name+": note: not a CloudFormation template, eksctl config or AWS CLI output; skipped") {
			t.Errorf("-v does not say %s was skipped:\n%v", name, r)
		}
		r = runCLI(t, name)
		if r.code != 0 || strings.Contains(r.stdout, "skipped") {
			t.Errorf("%s without -v:\n%v", name, r)
		}
	}
}

func TestMaxFileSize(t *testing.T) {
	inTemp(t)
	writeFile(t, "stacks/nodes.yaml", noteOnly)
	// Walked: a file over the limit is skipped (said with -v only).
	r := runCLI(t, "-v", "--max-file-size", "100", "stacks")
	if r.code != 0 || !strings.Contains(r.stdout, "stacks/nodes.yaml: note: file is larger than 100 bytes") {
		t.Errorf("walked: %v", r)
	}
	// Named explicitly: an error.
	r = runCLI(t, "--max-file-size", "100", "stacks/nodes.yaml")
	if r.code != 2 || !strings.Contains(r.stdout, "stacks/nodes.yaml: error: file is larger than 100 bytes") {
		t.Errorf("explicit: %v", r)
	}
	if r := runCLI(t, "--max-file-size", "4096", "stacks/nodes.yaml"); r.code != 0 || !strings.Contains(r.stdout, "EKSSG026") {
		t.Errorf("under the limit: %v", r)
	}
}

func TestSkippedAndWalkedDirs(t *testing.T) {
	inTemp(t)
	for _, d := range []string{".git", "node_modules", "vendor", "sub/node_modules", "sub/vendor/deep"} {
		writeFile(t, filepath.Join(d, "broken.yaml"), brokenTemplate)
		copyDupFixture(t, filepath.Join(d, "dup.yaml"))
	}
	writeFile(t, "nodes.yaml", noteOnly)
	r := runCLI(t)
	if r.code != 0 {
		t.Errorf("templates under .git, node_modules or vendor were read:\n%v", r)
	}
	if !strings.HasSuffix(r.stdout, "1 finding (1 note) in 1 of 1 file\n  EKSSG026 node-group-without-cluster-sg: 1\n") {
		t.Errorf("%v", r)
	}

	// cdk.out holds synthesized templates: it is walked.
	copyDupFixture(t, filepath.Join("cdk.out", "Stack.template.json.yaml"))
	r = runCLI(t)
	if r.code != 1 || !strings.Contains(r.stdout, "cdk.out/Stack.template.json.yaml:22:16: error EKSSG002 ") {
		t.Errorf("cdk.out was not walked:\n%v", r)
	}

	// A skipped folder named explicitly is scanned.
	if r := runCLI(t, "vendor"); r.code != 2 || !strings.Contains(r.stdout, "vendor/dup.yaml:22:16: error EKSSG002") {
		t.Errorf("vendor named explicitly:\n%v", r)
	}
}

func TestCdkOutTemplateJSON(t *testing.T) {
	inTemp(t)
	copyFile(t, repoPath("testdata", "rules", "EKSSG002", "cluster-sg-plus-tagged.json"),
		filepath.Join("cdk.out", "Stack.template.json"))
	r := runCLI(t)
	if r.code != 1 || !strings.Contains(r.stdout, "cdk.out/Stack.template.json:16:") {
		t.Errorf("%v", r)
	}
}

func countFindings(t *testing.T, r result) int {
	t.Helper()
	return len(list(t, "findings", decodeJSON(t, r)["findings"]))
}

func TestPathsGivenTwiceReportedOnce(t *testing.T) {
	dir := inTemp(t)
	copyDupFixture(t, "stacks/a.yaml")
	writeFile(t, "stacks/nodes.yaml", noteOnly)
	one := countFindings(t, runCLI(t, "--format", "json", "stacks"))
	if one != 2 {
		t.Fatalf("%d findings in stacks, want 2", one)
	}
	abs := filepath.Join(dir, "stacks")
	for _, tc := range []struct {
		args []string
		want int // findings, one per file
	}{
		{[]string{"stacks/a.yaml", "stacks/a.yaml"}, 1},
		{[]string{"stacks/a.yaml", "./stacks/a.yaml", filepath.Join(abs, "a.yaml")}, 1},
		{[]string{"stacks", "stacks"}, 2},
		{[]string{"stacks", "stacks/", "./stacks", abs}, 2},
		{[]string{"stacks", "stacks/a.yaml"}, 2},
		{[]string{"stacks/a.yaml", "stacks"}, 2},
		{[]string{".", "stacks"}, 2},
	} {
		r := runCLI(t, append([]string{"--format", "json"}, tc.args...)...)
		if got := countFindings(t, r); got != tc.want {
			t.Errorf("%q: %d findings, want %d", tc.args, got, tc.want)
		}
		if s := decodeJSON(t, r)["summary"].(map[string]any); s["filesScanned"] != float64(tc.want) {
			t.Errorf("%q: filesScanned = %v, want %d", tc.args, s["filesScanned"], tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	inTemp(t)
	r := runCLI(t, "--version")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("%v", r)
	}
	if !regexp.MustCompile(`^eks-sg-lint \S+\ncommit: .+\ndate: +.+\ngo: +go.+\n$`).MatchString(r.stdout) {
		t.Errorf("stdout = %q", r.stdout)
	}
	// --version wins over paths and does not scan.
	if r := runCLI(t, "missing.yaml", "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "eks-sg-lint ") {
		t.Errorf("%v", r)
	}
}

func TestHelp(t *testing.T) {
	inTemp(t)
	for _, flag := range []string{"-h", "--help", "-help"} {
		r := runCLI(t, flag)
		if r.code != 0 {
			t.Errorf("%s: exit %d", flag, r.code)
		}
		usage := r.stdout + r.stderr
		for _, want := range []string{"Usage:", "Exit codes", "-fail-on", "-format", "-param", "Examples:"} {
			if !strings.Contains(usage, want) {
				t.Errorf("%s: usage lacks %q:\n%s", flag, want, usage)
			}
		}
	}
}

func TestNoColor(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	writeFile(t, "broken.yaml", brokenTemplate)
	writeFile(t, "nodes.yaml", noteOnly)
	t.Setenv("NO_COLOR", "")
	r := runCLI(t, "-v") // not a terminal: no colour even without NO_COLOR
	if strings.ContainsRune(r.stdout+r.stderr, '\x1b') {
		t.Errorf("escape characters in output to a buffer:\n%q", r.stdout)
	}
	t.Setenv("NO_COLOR", "1")
	r = runCLI(t, "-v")
	if strings.ContainsRune(r.stdout+r.stderr, '\x1b') {
		t.Errorf("escape characters with NO_COLOR:\n%q", r.stdout)
	}
	// Sanity: the output holds every level that would be coloured.
	for _, want := range []string{": error EKSSG002 ", ": note EKSSG026 ", "broken.yaml:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%v", want, r)
		}
	}
	// Output to a file is never coloured.
	runCLI(t, "-v", "--output", "out.txt")
	if data, err := os.ReadFile("out.txt"); err != nil || bytes.ContainsRune(data, '\x1b') || len(data) == 0 {
		t.Errorf("out.txt: %v %q", err, data)
	}
}

func TestDeterministicCorpus(t *testing.T) {
	corpus := repoPath("testdata", "corpus", "cloudformation")
	t.Chdir(corpus)
	for _, format := range []string{"json", "sarif"} {
		first := runCLI(t, "--format", format, ".")
		if first.code == 2 {
			t.Fatalf("%s: %v", format, first)
		}
		for i := 0; i < 3; i++ {
			again := runCLI(t, "--format", format, ".")
			if again.code != first.code || again.stdout != first.stdout || again.stderr != first.stderr {
				t.Fatalf("%s: run %d differs from the first", format, i+2)
			}
		}
	}
	// The same holds for the text output with -v (notifications included).
	first := runCLI(t, "-v", ".")
	if again := runCLI(t, "-v", "."); again.stdout != first.stdout {
		t.Errorf("text -v output differs between runs")
	}
}

// Suppressed findings never count towards --fail-on; text output says how
// many were suppressed; SARIF keeps them with a suppressions entry.
func TestSuppressedFindingsDoNotFail(t *testing.T) {
	inTemp(t)
	writeFile(t, "ng.yaml", `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      NodeRole: arn:aws:iam::123456789012:role/node
      Subnets: [subnet-0123456789abcdef0]
      # eks-sg-lint:ignore EKSSG031 on-call break-glass access, ticket OPS-1
      RemoteAccess:
        Ec2SshKey: ops
`)
	r := runCLI(t, "ng.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "no findings in 1 file; 1 suppressed") {
		t.Errorf("want exit 0 and a suppressed count: %v", r)
	}
	r = runCLI(t, "--format", "sarif", "ng.yaml")
	if !strings.Contains(r.stdout, `"justification": "on-call break-glass access, ticket OPS-1"`) || r.code != 0 {
		t.Errorf("SARIF must keep the suppressed result: %v", r)
	}
	// Without the reason the finding is still silenced, but the
	// suppression itself is reported (a warning: exit 1).
	writeFile(t, "ng.yaml", strings.Replace(readFile(t, "ng.yaml"), " on-call break-glass access, ticket OPS-1", "", 1))
	r = runCLI(t, "ng.yaml")
	if r.code != 1 || !strings.Contains(r.stdout, "warning EKSSG000 suppression of EKSSG031 gives no reason") {
		t.Errorf("a suppression without reason must be reported: %v", r)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The config file found above the scanned path disables rules, changes
// levels, excludes paths, gives per-path parameters and ignores findings
// per path (external suppressions, kept in SARIF).
func TestConfigFile(t *testing.T) {
	inTemp(t)
	ssh := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ClusterName: {Type: String}
Resources:
  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref ClusterName
      NodeRole: arn:aws:iam::123456789012:role/node
      Subnets: [subnet-0123456789abcdef0]
      RemoteAccess:
        Ec2SshKey: ops
`
	writeFile(t, "repo/sandbox/ng.yaml", ssh)
	writeFile(t, "repo/prod/ng.yaml", ssh)
	writeFile(t, "repo/generated/broken.yaml", "AWSTemplateFormatVersion: x\nResources: [\n")
	writeFile(t, "repo/.eks-sg-lint.yaml", `rules:
  EKSSG031:
    level: error
    ignore:
      - paths: ["sandbox/**"]
        reason: sandbox accounts allow SSH from the office
exclude: [generated]
params:
  - paths: ["prod/**"]
    values: {ClusterName: prod}
`)
	r := runCLI(t, "repo")
	if r.code != 1 || !strings.Contains(r.stdout, "repo/prod/ng.yaml:11:7: error EKSSG031 EKS opens TCP 22 (SSH)") ||
		strings.Contains(r.stdout, "sandbox/ng.yaml:11") || !strings.Contains(r.stdout, "1 suppressed") || strings.Contains(r.stdout, "broken") {
		t.Errorf("config not applied:\n%v", r)
	}
	r = runCLI(t, "--format", "sarif", "repo")
	if !strings.Contains(r.stdout, `"kind": "external"`) || !strings.Contains(r.stdout, `"uri": "repo/.eks-sg-lint.yaml"`) {
		t.Errorf("the external suppression must point at the config file:\n%s", r.stdout)
	}
	// --config names another file; a bad one is a usage error naming the line.
	writeFile(t, "bad.yaml", "rules:\n  EKSSG031: {levl: note}\n")
	r = runCLI(t, "--config", "bad.yaml", "repo")
	if r.code != 2 || !strings.Contains(r.stderr, "bad.yaml: line 2: field levl not found") {
		t.Errorf("bad config: %v", r)
	}
}

// TestReadmeQuickStartOutput: the output the README shows for its first
// command is what the tool prints.
func TestReadmeQuickStartOutput(t *testing.T) {
	t.Chdir(repoPath())
	r := runCLI(t, "testdata/examples/cluster-with-nodes.yaml")
	readme := readFile(t, "README.md")
	if r.code != 1 || !strings.Contains(readme, "```\n"+r.stdout+"```") {
		t.Errorf("README's quick-start output differs from:\n%s", r.stdout)
	}
}
