package main

// Command-line conventions (issue 14): help, version and help commands,
// rules --format json, explain by name, completion, colour, --quiet,
// per-rule counts, rule selection and --min-level, --output safety.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// cliBinary builds eks-sg-lint once per test run, for the tests that need a
// real process (a terminal, environment variables seen by a child).
func cliBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "eks-sg-lint-cli-test-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "eks-sg-lint")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = repoPath("cmd", "eks-sg-lint")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binPath)
	}
	return binPath
}

// inTerminal runs the binary with a pseudo-terminal as stdin, stdout and
// stderr (util-linux script), returning what the terminal showed.
func inTerminal(t *testing.T, env []string, args ...string) string {
	t.Helper()
	script, err := exec.LookPath("script")
	if err != nil || runtime.GOOS != "linux" {
		t.Skip("needs util-linux script(1) for a pseudo-terminal")
	}
	quoted := []string{shellQuote(cliBinary(t))}
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	cmd := exec.Command(script, "-qec", strings.Join(quoted, " "), "/dev/null")
	cmd.Env = append(cleanEnv(), env...)
	out, _ := cmd.Output() // the exit code of the scan is not the point
	return string(out)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// cleanEnv is the environment without the variables that turn colour or
// progress off, so each test sets what it means.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "NO_COLOR" || name == "TERM" || name == progressDelayEnv {
			continue
		}
		ci := false
		for _, v := range ciVariables {
			ci = ci || name == v
		}
		if !ci {
			out = append(out, kv)
		}
	}
	return append(out, "TERM=xterm")
}

func TestHelpGoesToStdout(t *testing.T) {
	inTemp(t)
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help"}, {"nodes.yaml", "--help"}} {
		r := runCLI(t, args...)
		if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, "eks-sg-lint: prove that") {
			t.Errorf("%q: want the help on stdout and exit 0: %v", args, r)
		}
	}
	// Every flag and format is documented in --help.
	r := runCLI(t, "--help")
	for _, want := range []string{"--format", "junit", "gitlab", "checkstyle", "--output", "--fail-on", "--min-level",
		"--enable", "--disable", "--param", "--config", "--color", "NO_COLOR", "--quiet", "--verbose", "--version",
		"--baseline", "--write-baseline", "--no-progress", "--annotations", "--summary", "--max-file-size",
		"completion SHELL", "help [COMMAND]", "version", "Exit codes", "Examples:", "until=2027-03-31"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	// help COMMAND is the command's help; an unknown command is a usage error.
	if r := runCLI(t, "help", "graph"); r.code != 0 || !strings.Contains(r.stdout, "eks-sg-lint graph [flags] [PATH...]") {
		t.Errorf("help graph: %v", r)
	}
	if r := runCLI(t, "help", "nope"); r.code != 2 || !strings.Contains(r.stderr, `no command "nope"`) {
		t.Errorf("help nope: %v", r)
	}
}

func TestVersionCommand(t *testing.T) {
	inTemp(t)
	flag, cmd := runCLI(t, "--version"), runCLI(t, "version")
	if cmd.code != 0 || cmd.stdout != flag.stdout || !strings.HasPrefix(cmd.stdout, "eks-sg-lint ") {
		t.Errorf("version command %v, --version %v", cmd, flag)
	}
	if r := runCLI(t, "version", "extra"); r.code != 2 {
		t.Errorf("version extra: %v", r)
	}
}

func TestRulesJSON(t *testing.T) {
	r := runCLI(t, "rules", "--format", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("%v", r)
	}
	var rules []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, r.stdout)
	}
	all := analyzer.All()
	if len(rules) != len(all) {
		t.Fatalf("%d rules, want %d", len(rules), len(all))
	}
	for i, a := range all {
		got := rules[i]
		if got["id"] != a.ID || got["name"] != a.Name || got["level"] != string(a.Level) || got["helpUri"] != a.HelpURI() {
			t.Errorf("rule %d = %v, want %s %s %s", i, got, a.ID, a.Name, a.Level)
		}
		if _, ok := got["tags"].([]any); !ok {
			t.Errorf("%s: tags is %T, want a list", a.ID, got["tags"])
		}
	}
	if r := runCLI(t, "rules", "--format", "yaml"); r.code != 2 {
		t.Errorf("rules --format yaml: %v", r)
	}
}

func TestExplainByName(t *testing.T) {
	for _, a := range analyzer.All() {
		page, _ := docs.Rule(a.ID)
		for _, arg := range []string{a.Name, strings.ToUpper(a.Name), strings.ToLower(a.ID)} {
			if r := runCLI(t, "explain", arg); r.code != 0 || r.stdout != page {
				t.Errorf("explain %s: exit %d, page differs: %v", arg, r.code, r.stderr)
			}
		}
	}
	r := runCLI(t, "explain", "nodes-open-to-the-internet")
	if r.code != 2 || !strings.Contains(r.stderr, "EKSSG031 (nodes-open-to-internet)") {
		t.Errorf("an unknown name must list IDs and names: %v", r)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := runCLI(t, "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, "eks-sg-lint") || len(r.stdout) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	// The scripts ask the binary; it answers with rule IDs and names,
	// formats and commands.
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"__complete", "explain", ""}, []string{"EKSSG031\tnodes-open-to-internet", "nodes-open-to-internet\tEKSSG031"}},
		{[]string{"__complete", "--format", ""}, []string{"sarif", "junit", "gitlab", "checkstyle"}},
		{[]string{"__complete", "--disable", "EKSSG0"}, []string{"EKSSG026\tnode-group-without-cluster-sg"}},
		{[]string{"__complete", ""}, []string{"rules", "explain", "graph"}},
		{[]string{"__complete", "--color", ""}, []string{"auto", "always", "never"}},
	} {
		r := runCLI(t, tc.args...)
		for _, w := range tc.want {
			if r.code != 0 || !strings.Contains(r.stdout, w+"\n") {
				t.Errorf("%q: want %q in\n%v", tc.args, w, r)
			}
		}
	}
	if r := runCLI(t, "completion", "tcsh"); r.code == 0 {
		t.Errorf("completion tcsh: %v", r)
	}
}

const ansiEsc = "\x1b["

func TestColorFlag(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	t.Setenv("NO_COLOR", "1")
	if r := runCLI(t, "--color", "always"); !strings.Contains(r.stdout, ansiEsc+"31merror") {
		t.Errorf("--color always colours even with NO_COLOR (the flag is explicit):\n%q", r.stdout)
	}
	t.Setenv("NO_COLOR", "")
	for _, args := range [][]string{{"--color", "never"}, {"--color", "auto"}, {}} {
		if r := runCLI(t, args...); strings.Contains(r.stdout+r.stderr, ansiEsc) || !strings.Contains(r.stdout, "EKSSG002") {
			t.Errorf("%q to a buffer: no colour:\n%q", args, r.stdout)
		}
	}
	// --color always with --output FILE: colour in the file (asked for).
	runCLI(t, "--color", "always", "--output", "out.txt")
	if !strings.Contains(readFile(t, "out.txt"), ansiEsc) {
		t.Errorf("--color always --output: no colour in the file")
	}
}

func TestColorAutoOnATerminal(t *testing.T) {
	dir := inTemp(t)
	copyDupFixture(t, dupFixture)
	out := inTerminal(t, nil, "--no-progress", filepath.Join(dir, dupFixture))
	if !strings.Contains(out, ansiEsc+"31merror") {
		t.Errorf("a terminal gets colour by default:\n%q", out)
	}
	out = inTerminal(t, []string{"NO_COLOR=1"}, "--no-progress", filepath.Join(dir, dupFixture))
	if strings.Contains(out, ansiEsc) || !strings.Contains(out, "error EKSSG002") {
		t.Errorf("NO_COLOR on a terminal: no colour:\n%q", out)
	}
	out = inTerminal(t, nil, "--color", "never", filepath.Join(dir, dupFixture))
	if strings.Contains(out, ansiEsc) {
		t.Errorf("--color never on a terminal:\n%q", out)
	}
}

func TestQuiet(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	writeFile(t, "nodes.yaml", noteOnly)
	writeFile(t, "broken.yaml", brokenTemplate)
	r := runCLI(t, "-q")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 2 || len(lines) != 2 || !strings.Contains(lines[0], "error EKSSG002") || !strings.Contains(lines[1], "note EKSSG026") {
		t.Errorf("--quiet prints the findings only:\n%v", r)
	}
	// The file error goes to stderr, so a script still sees why exit is 2.
	if !strings.HasPrefix(r.stderr, "broken.yaml:") || !strings.Contains(r.stderr, ": error: ") {
		t.Errorf("--quiet: file error on stderr:\n%v", r)
	}
	if r := runCLI(t, "--quiet", "nodes.yaml"); r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("--quiet with one note: %v", r)
	}
}

func TestPerRuleCounts(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "a/"+dupFixture)
	copyDupFixture(t, "b/"+dupFixture)
	writeFile(t, "nodes.yaml", noteOnly)
	r := runCLI(t)
	want := "3 findings (2 errors, 1 note) in 3 of 3 files\n  EKSSG002 node-cluster-tag-duplicate: 2\n  EKSSG026 node-group-without-cluster-sg: 1\n"
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("text output must end with the per-rule counts:\n%s\nwant suffix\n%s", r.stdout, want)
	}
	// No findings: no counts.
	if r := runCLI(t, "--disable", "EKSSG002", "--disable", "EKSSG026"); !strings.HasSuffix(r.stdout, "no findings in 3 files\n") {
		t.Errorf("%v", r)
	}
}

func TestEnableDisable(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	writeFile(t, "nodes.yaml", noteOnly)
	for _, args := range [][]string{
		{"--disable", "EKSSG002"},
		{"--disable", "node-cluster-tag-duplicate"},
		{"--disable", "ekssg002", "--disable", "EKSSG031"},
	} {
		r := runCLI(t, append(args, "--format", "json")...)
		if r.code != 0 || strings.Contains(r.stdout, `"rule": "EKSSG002"`) || !strings.Contains(r.stdout, `"rule": "EKSSG026"`) {
			t.Errorf("%q: EKSSG002 must not run, EKSSG026 must:\n%v", args, r)
		}
	}
	// --disable means what enabled: false means in the config file, and
	// --enable overrides the file.
	writeFile(t, ".eks-sg-lint.yaml", "rules:\n  EKSSG002: {enabled: false}\n  EKSSG026: {level: warning}\n")
	if r := runCLI(t); r.code != 1 || strings.Contains(r.stdout, "EKSSG002") || !strings.Contains(r.stdout, "warning EKSSG026") {
		t.Errorf("config disables EKSSG002: %v", r)
	}
	r := runCLI(t, "--enable", "node-cluster-tag-duplicate")
	if r.code != 1 || !strings.Contains(r.stdout, "error EKSSG002") || !strings.Contains(r.stdout, "warning EKSSG026") {
		t.Errorf("--enable overrides the config file's enabled: false and keeps its other settings: %v", r)
	}
	// SARIF lists only the rules that ran.
	r = runCLI(t, "--disable", "EKSSG026", "--format", "sarif")
	if strings.Contains(r.stdout, `"id": "EKSSG026"`) || !strings.Contains(r.stdout, `"id": "EKSSG031"`) {
		t.Errorf("SARIF's rules must be those that ran")
	}
}

func TestMinLevel(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	writeFile(t, "nodes.yaml", noteOnly)
	r := runCLI(t, "--min-level", "warning", "--fail-on", "note")
	if r.code != 1 || strings.Contains(r.stdout, "EKSSG026") || !strings.Contains(r.stdout, "EKSSG002") {
		t.Errorf("--min-level warning hides the note: %v", r)
	}
	// What is not shown does not fail: --min-level is what is shown,
	// --fail-on what fails.
	if r := runCLI(t, "--min-level", "warning", "--fail-on", "note", "nodes.yaml"); r.code != 0 || !strings.Contains(r.stdout, "no findings in 1 file") {
		t.Errorf("a hidden note must not fail: %v", r)
	}
	if r := runCLI(t, "--fail-on", "note", "nodes.yaml"); r.code != 1 {
		t.Errorf("without --min-level the note fails with --fail-on note: %v", r)
	}
	// In every format.
	r = runCLI(t, "--min-level", "error", "--format", "sarif", ".")
	if strings.Contains(r.stdout, `"ruleId": "EKSSG026"`) || !strings.Contains(r.stdout, `"ruleId": "EKSSG002"`) {
		t.Errorf("--min-level applies to SARIF")
	}
}

func TestOutputNeverOverwritesAnInput(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, "stacks/"+dupFixture)
	before := readFile(t, "stacks/"+dupFixture)
	for _, args := range [][]string{
		{"--output", "stacks/" + dupFixture, "stacks/" + dupFixture},
		{"--output", "./stacks/../stacks/" + dupFixture, "stacks"}, // walked, and named another way
		{"--format", "json", "--output", "stacks/" + dupFixture, "."},
		{"--write-baseline", "stacks/" + dupFixture, "stacks"},
		{"--summary", "stacks/" + dupFixture, "stacks"},
		{"graph", "--output", "stacks/" + dupFixture, "stacks"},
	} {
		r := runCLI(t, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "is one of the inputs; refusing to overwrite it") {
			t.Errorf("%q: want a refusal: %v", args, r)
		}
		if readFile(t, "stacks/"+dupFixture) != before {
			t.Fatalf("%q overwrote the input", args)
		}
	}
	// A folder is refused too.
	if r := runCLI(t, "--output", "stacks", "stacks"); r.code != 2 || !strings.Contains(r.stderr, "is a folder") {
		t.Errorf("--output FOLDER: %v", r)
	}
	// Missing folders are created, for graph too.
	if r := runCLI(t, "graph", "--output", "out/diagrams/g.mmd", "stacks"); r.code != 0 || !strings.Contains(readFile(t, "out/diagrams/g.mmd"), "flowchart") {
		t.Errorf("graph --output into a missing folder: %v", r)
	}
}

// A long flag written with one dash (Go's flag package style, which
// earlier versions accepted) still works.
func TestSingleDashLongFlags(t *testing.T) {
	inTemp(t)
	copyDupFixture(t, dupFixture)
	r := runCLI(t, "-format", "json", "-fail-on=never", dupFixture)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("%v", r)
	}
	// After "--" it is a path.
	if r := runCLI(t, "--", "-format"); r.code != 2 || !regexp.MustCompile(`-format: error: no such file`).MatchString(r.stdout) {
		t.Errorf("-- -format: %v", r)
	}
}

// A suppression with until=DATE silences through that day (UTC) and not
// after: then the finding is back and EKSSG000 says the suppression
// expired.
func TestSuppressionExpiry(t *testing.T) {
	inTemp(t)
	writeFile(t, "ng.yaml", strings.Replace(sshOpen, "      RemoteAccess:", "      # eks-sg-lint:ignore EKSSG031 until=2027-03-31 break-glass, ticket OPS-1\n      RemoteAccess:", 1))
	saved := analyzer.Today
	t.Cleanup(func() { analyzer.Today = saved })
	day := func(s string) func() time.Time {
		return func() time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	}
	for _, today := range []string{"2026-12-02", "2027-03-31"} {
		analyzer.Today = day(today)
		if r := runCLI(t, "ng.yaml"); r.code != 0 || !strings.Contains(r.stdout, "no findings in 1 file; 1 suppressed") {
			t.Errorf("on %s the suppression holds: %v", today, r)
		}
	}
	analyzer.Today = day("2027-04-01")
	r := runCLI(t, "ng.yaml")
	if r.code != 1 || !strings.Contains(r.stdout, "ng.yaml:9:7: warning EKSSG000 suppression of EKSSG031 expired on 2027-03-31") ||
		!strings.Contains(r.stdout, "ng.yaml:10:7: warning EKSSG031 ") {
		t.Errorf("after the date the finding is back and EKSSG000 says why: %v", r)
	}
}

// A --param that no scanned input declares is a warning naming it (a typo
// was silently ignored); the scan and its exit code are unchanged.
func TestUndeclaredParamWarns(t *testing.T) {
	inTemp(t)
	writeFile(t, "ng.yaml", strings.Replace(sshOpen, "ClusterName: prod", "ClusterName: !Ref ClusterName", 1)+"Parameters:\n  ClusterName: {Type: String}\n")
	writeFile(t, "other.yaml", noteOnly)
	r := runCLI(t, "--param", "ClustrName=prod", "--param", "Zone=a", "--format", "json", ".")
	want := "eks-sg-lint: warning: --param ClustrName: no scanned input declares a parameter named ClustrName; did you mean ClusterName?\n" +
		"eks-sg-lint: warning: --param Zone: no scanned input declares a parameter named Zone\n"
	if r.stderr != want || r.code != 1 || !json.Valid([]byte(r.stdout)) {
		t.Errorf("want the two warnings on stderr, sorted, and the report unchanged:\n%v", r)
	}
	for _, args := range [][]string{
		{"--param", "ClusterName=prod", "."},
		{"--param", "ClusterName=prod", "ng.yaml"},
		{"--param", "AWS::StackName=prod", "--param", "AWS::Region=eu-west-1", "."}, // pseudo parameters
	} {
		if r := runCLI(t, args...); r.stderr != "" || r.code != 1 {
			t.Errorf("%q: no warning: %v", args, r)
		}
	}
	// Declared in another file than the one scanned: still undeclared.
	if r := runCLI(t, "--param", "ClusterName=prod", "other.yaml"); !strings.Contains(r.stderr, "--param ClusterName: no scanned input declares") {
		t.Errorf("%v", r)
	}
	if r := runCLI(t, "graph", "--param", "ClustrName=prod", "ng.yaml"); r.code != 0 || !strings.Contains(r.stderr, "did you mean ClusterName?") {
		t.Errorf("graph: %v", r)
	}
	// An untrusted-looking name is escaped.
	if r := runCLI(t, "--param", "A\x1b[31m=1", "ng.yaml"); strings.Contains(r.stderr, "\x1b") {
		t.Errorf("escape character reached stderr: %q", r.stderr)
	}
}

// The same for Terraform: a --var that no scanned root module declares.
func TestUndeclaredVarWarns(t *testing.T) {
	inTemp(t)
	writeFile(t, "infra/main.tf", tfNodes)
	r := runCLI(t, "--var", "cluster_nme=prod", "--var", "ssh_from=[\"10.0.0.0/8\"]", "infra")
	if r.stderr != "eks-sg-lint: warning: --var cluster_nme: no scanned input declares a variable named cluster_nme; did you mean cluster_name?\n" {
		t.Errorf("want one warning for the typo:\n%v", r)
	}
	if r := runCLI(t, "--var", "cluster_name=prod", "infra"); r.stderr != "" {
		t.Errorf("a declared variable: %v", r)
	}
	// A CloudFormation parameter of the same name is not a Terraform variable.
	if r := runCLI(t, "--param", "cluster_name=prod", "infra"); !strings.Contains(r.stderr, "--param cluster_name: no scanned input declares a parameter") {
		t.Errorf("%v", r)
	}
}
