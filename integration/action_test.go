package integration

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// cleanTemplate is a template with nothing to report: a managed node group
// without launch template runs with the cluster security group alone.
const cleanTemplate = `AWSTemplateFormatVersion: 2010-09-09
Description: An EKS cluster whose managed node group uses the cluster security group.
Parameters:
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: clean
      RoleArn: arn:aws:iam::123456789012:role/eks-cluster
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
  NodeGroup:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::123456789012:role/eks-node
      Subnets: !Ref SubnetIds
`

const exampleTemplate = "testdata/examples/cluster-with-nodes.yaml"

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// workspace makes a GITHUB_WORKSPACE: the README example (with findings)
// unless clean, and a clean template in clean/.
func workspace(t testing.TB, clean bool) string {
	t.Helper()
	ws := t.TempDir()
	if !clean {
		writeFile(t, filepath.Join(ws, "cluster-with-nodes.yaml"), readFile(t, filepath.Join(repoRoot(t), exampleTemplate)))
	}
	writeFile(t, filepath.Join(ws, "clean", "cluster.yaml"), cleanTemplate)
	return ws
}

// realBinaryCache restores the binary built by linterBinary on any key, as
// actions/cache does after an earlier run saved it.
func realBinaryCache(t testing.TB) string {
	return filepath.Dir(linterBinary(t))
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID  string `json:"ruleId"`
	Level   string `json:"level"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

func readSARIF(t testing.TB, path string) *sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal([]byte(readFile(t, path)), &l); err != nil {
		t.Fatalf("%s is not valid JSON: %v", path, err)
	}
	if l.Version != "2.1.0" || len(l.Runs) != 1 {
		t.Fatalf("%s: version %q with %d runs, want SARIF 2.1.0 with one run", path, l.Version, len(l.Runs))
	}
	return &l
}

// linterOutput runs the real binary in dir, for what the action's output
// must contain.
func linterOutput(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(linterBinary(t), args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 {
			t.Fatalf("eks-sg-lint %v: %v", args, err)
		}
	}
	return string(out)
}

func TestActionDefinition(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	if a.Name == "" || a.Description == "" || len(a.Description) > 125 {
		t.Errorf("name %q and description (%d chars) must be set, the description in at most 125 characters", a.Name, len(a.Description))
	}
	wantDefaults := map[string]string{
		"path": ".", "format": "sarif", "output": "eks-sg-lint.sarif", "fail-on": "warning",
		"config": "", "baseline": "", "params": "", "annotations": "true", "summary": "true", "version": "",
	}
	for name, def := range wantDefaults {
		in, ok := a.Inputs[name]
		if !ok {
			t.Errorf("input %q missing", name)
			continue
		}
		if in.Default != def || in.Required || in.Description == "" {
			t.Errorf("input %q: default %q, required %v, description %q; want default %q, optional, described", name, in.Default, in.Required, in.Description, def)
		}
	}
	if len(a.Inputs) != len(wantDefaults) {
		t.Errorf("inputs %v, want exactly %v", slices.Sorted(maps.Keys(a.Inputs)), slices.Sorted(maps.Keys(wantDefaults)))
	}
	if v := a.Outputs["sarif-file"].Value; v != "${{ steps.lint.outputs.sarif-file }}" {
		t.Errorf("outputs.sarif-file = %q", v)
	}

	used := map[string]bool{}
	var sawCache, sawSetupGo bool
	for _, st := range a.Runs.Steps {
		for _, v := range st.Env {
			for _, m := range exprRE.FindAllStringSubmatch(v, -1) {
				if name, ok := strings.CutPrefix(m[1], "inputs."); ok {
					used[name] = true
				}
			}
		}
		switch {
		case st.Run != "":
			// Inputs reach the script through env, never as script text.
			if strings.Contains(st.Run, "${{") {
				t.Errorf("step %q: its run script contains ${{ }}: pass the value through env", st.Name)
			}
			if st.Shell != "bash" {
				t.Errorf("step %q: shell %q, want bash", st.Name, st.Shell)
			}
			if st.If != "" {
				t.Errorf("step %q: run steps must not be conditional (if: %q)", st.Name, st.If)
			}
		case strings.HasPrefix(st.Uses, "actions/cache@"):
			sawCache = true
			if !strings.Contains(st.With["key"], "steps.prepare.outputs.") || !strings.Contains(st.With["path"], "steps.prepare.outputs.") {
				t.Errorf("cache step: path %q and key %q must come from the prepare step", st.With["path"], st.With["key"])
			}
		case strings.HasPrefix(st.Uses, "actions/setup-go@"):
			sawSetupGo = true
			if !strings.Contains(st.If, "steps.prepare.outputs.has-go != 'true'") || !strings.Contains(st.If, "steps.fetch.outputs.fetched != 'true'") {
				t.Errorf("setup-go must run only when the runner has no Go and no release binary was downloaded, if: %q", st.If)
			}
		default:
			t.Errorf("step %q: unexpected uses %q", st.Name, st.Uses)
		}
	}
	if !sawCache || !sawSetupGo {
		t.Errorf("want an actions/cache step (%v) and an actions/setup-go step (%v)", sawCache, sawSetupGo)
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %q is not passed to any step", name)
		}
	}
}

// TestActionOnExample: default inputs on the README example; the cached
// binary is restored (a cache hit), Go is on the runner.
func TestActionOnExample(t *testing.T) {
	t.Parallel()
	ws := workspace(t, false)
	res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t)})
	t.Logf("stdout:\n%s\nstderr:\n%s", res.stdout, res.stderr)

	if res.exitCode != 1 || res.failedStep != "lint" {
		t.Errorf("exit %d in step %q, want 1 in lint (fail-on warning, findings)", res.exitCode, res.failedStep)
	}
	if !slices.ContainsFunc(res.usesRan, func(u string) bool { return strings.HasPrefix(u, "actions/cache@") }) ||
		!slices.ContainsFunc(res.usesSkipped, func(u string) bool { return strings.HasPrefix(u, "actions/setup-go@") }) {
		t.Errorf("ran %v, skipped %v: want the cache restored and setup-go skipped (Go is on PATH)", res.usesRan, res.usesSkipped)
	}
	if !strings.Contains(res.stderr, "using the cached binary") {
		t.Errorf("the build step did not reuse the cached binary")
	}
	if got := res.steps["prepare"]["has-go"]; got != "true" {
		t.Errorf("has-go = %q, want true", got)
	}

	// Outputs: written before eks-sg-lint ran, exit code after.
	if !strings.Contains(res.rawOutput["lint"], "sarif-file=eks-sg-lint.sarif\n") {
		t.Errorf("GITHUB_OUTPUT of the lint step:\n%s\nwant sarif-file=eks-sg-lint.sarif", res.rawOutput["lint"])
	}
	if res.outputs["sarif-file"] != "eks-sg-lint.sarif" || res.outputs["exit-code"] != "1" || res.outputs["report-file"] != "eks-sg-lint.sarif" {
		t.Errorf("action outputs %v", res.outputs)
	}

	// The SARIF report, with paths relative to the workspace.
	l := readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif"))
	var rules, uris []string
	for _, r := range l.Runs[0].Results {
		rules = append(rules, r.RuleID)
		for _, loc := range r.Locations {
			uris = append(uris, loc.PhysicalLocation.ArtifactLocation.URI)
		}
	}
	if !slices.Contains(rules, "EKSSG002") || !slices.Contains(rules, "EKSSG031") {
		t.Errorf("SARIF results %v, want EKSSG002 and EKSSG031", rules)
	}
	if !slices.Contains(uris, "cluster-with-nodes.yaml") {
		t.Errorf("SARIF locations %v, want cluster-with-nodes.yaml relative to the workspace", uris)
	}

	// Annotations and summary: exactly what the binary's github and
	// markdown writers produce (checked once those writers write something).
	if want := linterOutput(t, ws, "--format", "github", "."); want != "" {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks the annotations:\n%s", want)
		}
		if !strings.Contains(res.stdout, "::error file=") {
			t.Errorf("stdout has no ::error file= annotation")
		}
	} else {
		t.Log("the github writer prints nothing yet: annotation content not checked")
	}
	if want := linterOutput(t, ws, "--format", "markdown", "."); want != "" {
		if !strings.Contains(res.summary, want) {
			t.Errorf("job summary:\n%s\nwant it to contain:\n%s", res.summary, want)
		}
	} else {
		t.Log("the markdown writer prints nothing yet: summary content not checked")
	}
}

func TestActionFailOnNever(t *testing.T) {
	t.Parallel()
	ws := workspace(t, false)
	res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t), inputs: map[string]string{"fail-on": "never"}})
	if res.exitCode != 0 || res.failedStep != "" {
		t.Fatalf("exit %d in step %q, want 0\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
	}
	if res.outputs["exit-code"] != "0" {
		t.Errorf("exit-code output %q, want 0", res.outputs["exit-code"])
	}
	if l := readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif")); len(l.Runs[0].Results) == 0 {
		t.Errorf("fail-on never must still report the findings")
	}
}

func TestActionCleanFolder(t *testing.T) {
	t.Parallel()
	ws := workspace(t, true)
	res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t)})
	if res.exitCode != 0 || res.failedStep != "" {
		t.Fatalf("exit %d in step %q, want 0\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
	}
	if l := readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif")); len(l.Runs[0].Results) != 0 {
		t.Errorf("clean folder: %d SARIF results, want none", len(l.Runs[0].Results))
	}
	if strings.Contains(res.stdout, "::error file=") || strings.Contains(res.stdout, "::warning file=") {
		t.Errorf("clean folder: annotations on stdout:\n%s", res.stdout)
	}
}

// TestActionBuildsWithoutGo: a runner without Go and a cache miss: setup-go
// runs (simulated: Go comes back on PATH) and the build step compiles the
// action's checkout; a second run with the same key hits the cache.
func TestActionBuildsWithoutGo(t *testing.T) {
	t.Parallel()
	ws := workspace(t, false)
	res := runAction(t, runOptions{workspace: ws, noGo: true, actionRef: "v0.0.0-test"})
	t.Logf("stderr:\n%s", res.stderr)
	prep := res.steps["prepare"]
	if prep["has-go"] != "false" {
		t.Errorf("has-go = %q on a PATH without go", prep["has-go"])
	}
	if !slices.ContainsFunc(res.usesRan, func(u string) bool { return strings.HasPrefix(u, "actions/setup-go@") }) {
		t.Errorf("setup-go did not run: ran %v, skipped %v", res.usesRan, res.usesSkipped)
	}
	runnerOS, runnerArch := hostRunner()
	if !strings.HasPrefix(prep["cache-key"], "eks-sg-lint-bin-v1-"+runnerOS+"-"+runnerArch+"-src-") || prep["cacheable"] != "true" {
		t.Errorf("cache key %q cacheable %q", prep["cache-key"], prep["cacheable"])
	}
	if res.exitCode != 1 || res.failedStep != "lint" {
		t.Fatalf("exit %d in step %q, want 1 in lint\n%s", res.exitCode, res.failedStep, res.stdout)
	}
	if st, err := os.Stat(prep["bin"]); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("no executable at %s, the cached path: %v", prep["bin"], err)
	}
	if filepath.Dir(prep["bin"]) != prep["bin-dir"] {
		t.Errorf("bin %q is not in the cached folder %q", prep["bin"], prep["bin-dir"])
	}
	if !strings.Contains(res.stderr, "eks-sg-lint v0.0.0-test") {
		t.Errorf("the build did not stamp the action's tag as version")
	}
	readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif"))

	// What actions/cache saved is restored under the same key.
	again := runAction(t, runOptions{workspace: ws, noGo: true, cache: map[string]string{prep["cache-key"]: prep["bin-dir"]}})
	if got := again.steps["prepare"]["cache-key"]; got != prep["cache-key"] {
		t.Errorf("cache key changed between runs: %q, then %q", prep["cache-key"], got)
	}
	if slices.ContainsFunc(again.usesRan, func(u string) bool { return strings.HasPrefix(u, "actions/setup-go@") }) {
		t.Errorf("setup-go ran on a cache hit")
	}
	if again.exitCode != 1 || !strings.Contains(again.stderr, "using the cached binary") {
		t.Errorf("cache hit: exit %d, stderr:\n%s", again.exitCode, again.stderr)
	}
}

// fakeLinter makes a folder holding a fake eks-sg-lint that records its
// arguments (NUL-separated) in $FAKE_ARGV and exits $FAKE_EXIT.
func fakeLinter(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "eks-sg-lint"), `#!/usr/bin/env bash
case "$1" in
  --version) echo "eks-sg-lint fake"; exit 0 ;;
  -h) echo "  -format string"; if [ -n "${FAKE_HAS_CONFIG:-}" ]; then echo "  -config FILE"; fi; exit 0 ;;
esac
for a in "$@"; do printf '%s\0' "$a"; done >"$FAKE_ARGV"
exit "${FAKE_EXIT:-0}"
`)
	if err := os.Chmod(filepath.Join(dir, "eks-sg-lint"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readArgv(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("eks-sg-lint was not run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// withoutSummary checks that argv has --summary $GITHUB_STEP_SUMMARY (the
// simulated runner's per-step file) and returns argv without it.
func withoutSummary(t testing.TB, argv []string) []string {
	t.Helper()
	i := slices.Index(argv, "--summary")
	if i < 0 || i+1 >= len(argv) || !strings.HasSuffix(argv[i+1], "step_summary") {
		t.Fatalf("arguments %q: want --summary $GITHUB_STEP_SUMMARY", argv)
	}
	return slices.Delete(slices.Clone(argv), i, i+2)
}

func actionPath(t testing.TB) string {
	dir, _ := snapshot(t)
	return dir
}

func noPwned(t testing.TB, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "pwned*")); len(m) > 0 {
			t.Errorf("an input was run as shell code: %v", m)
		}
	}
}

func TestActionArguments(t *testing.T) {
	t.Parallel()
	fake := fakeLinter(t)

	t.Run("hostile inputs stay data", func(t *testing.T) {
		ws := workspace(t, true)
		argv := filepath.Join(t.TempDir(), "argv")
		res := runAction(t, runOptions{
			workspace: ws, cacheAny: fake,
			env: map[string]string{"FAKE_ARGV": argv},
			inputs: map[string]string{
				"path":        "clean/weird $(touch pwned1) `touch pwned2` \"q' name.yaml\n\n  second path  \n-v\n",
				"format":      "json",
				"output":      "reports/out dir/r.json",
				"fail-on":     "never",
				"config":      "cfg $(touch pwned3).toml",
				"params":      "A=1  B=$(touch${IFS}pwned4)\n\tC=`touch${IFS}pwned5`;x D=a'b\"c E=${HOME}\n",
				"annotations": "false",
				"summary":     "false",
			},
		})
		if res.exitCode != 0 {
			t.Fatalf("exit %d in %q\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
		}
		want := []string{
			"--format", "json", "--fail-on", "never", "--output", "reports/out dir/r.json",
			"--param", "A=1", "--param", "B=$(touch${IFS}pwned4)", "--param", "C=`touch${IFS}pwned5`;x",
			"--param", `D=a'b"c`, "--param", "E=${HOME}",
			"--", "clean/weird $(touch pwned1) `touch pwned2` \"q' name.yaml", "second path", "-v",
		}
		if got := readArgv(t, argv); !slices.Equal(got, want) {
			t.Errorf("arguments\n got %q\nwant %q", got, want)
		}
		if !strings.Contains(res.stdout, "::warning title=eks-sg-lint::this version of eks-sg-lint has no --config flag") {
			t.Errorf("config given to a binary without --config: no warning in\n%s", res.stdout)
		}
		if st, err := os.Stat(filepath.Join(ws, "reports", "out dir")); err != nil || !st.IsDir() {
			t.Errorf("the output's folder was not created: %v", err)
		}
		if res.outputs["sarif-file"] != "" || res.outputs["report-file"] != "reports/out dir/r.json" || res.outputs["exit-code"] != "0" {
			t.Errorf("outputs %v: want no sarif-file for json, the report-file, exit-code 0", res.outputs)
		}
		noPwned(t, ws, repoRoot(t), actionPath(t), res.runnerTemp)
	})

	t.Run("defaults, config supported, exit code kept", func(t *testing.T) {
		ws := workspace(t, true)
		argv := filepath.Join(t.TempDir(), "argv")
		res := runAction(t, runOptions{
			workspace: ws, cacheAny: fake,
			env:    map[string]string{"FAKE_ARGV": argv, "FAKE_HAS_CONFIG": "1", "FAKE_EXIT": "1"},
			inputs: map[string]string{"config": "cfg $(touch pwned3).toml"},
		})
		got := withoutSummary(t, readArgv(t, argv))
		want := []string{
			"--format", "sarif", "--fail-on", "warning", "--output", "eks-sg-lint.sarif",
			"--config", "cfg $(touch pwned3).toml", "--annotations", "--", ".",
		}
		if !slices.Equal(got, want) {
			t.Errorf("arguments\n got %q\nwant %q", got, want)
		}
		if res.exitCode != 1 || res.failedStep != "lint" {
			t.Errorf("exit %d in %q, want eks-sg-lint's 1 in lint", res.exitCode, res.failedStep)
		}
		if res.outputs["exit-code"] != "1" || res.outputs["sarif-file"] != "eks-sg-lint.sarif" {
			t.Errorf("outputs %v: a failing run must still set them", res.outputs)
		}
		noPwned(t, ws, repoRoot(t), actionPath(t), res.runnerTemp)
	})

	t.Run("no output: report to the log", func(t *testing.T) {
		ws := workspace(t, true)
		argv := filepath.Join(t.TempDir(), "argv")
		res := runAction(t, runOptions{
			workspace: ws, cacheAny: fake, env: map[string]string{"FAKE_ARGV": argv},
			inputs: map[string]string{"output": "", "format": "text", "path": "clean\n"},
		})
		want := []string{"--format", "text", "--fail-on", "warning", "--annotations", "--", "clean"}
		if got := withoutSummary(t, readArgv(t, argv)); !slices.Equal(got, want) {
			t.Errorf("arguments\n got %q\nwant %q", got, want)
		}
		if res.exitCode != 0 || res.outputs["sarif-file"] != "" || res.outputs["report-file"] != "" {
			t.Errorf("exit %d, outputs %v", res.exitCode, res.outputs)
		}
	})

	t.Run("bad boolean", func(t *testing.T) {
		ws := workspace(t, true)
		argv := filepath.Join(t.TempDir(), "argv")
		res := runAction(t, runOptions{
			workspace: ws, cacheAny: fake, env: map[string]string{"FAKE_ARGV": argv},
			inputs: map[string]string{"annotations": "yes"},
		})
		if res.exitCode != 2 || !strings.Contains(res.stdout, "::error title=eks-sg-lint::annotations must be true or false") {
			t.Errorf("exit %d, stdout:\n%s", res.exitCode, res.stdout)
		}
		if _, err := os.Stat(argv); err == nil {
			t.Errorf("eks-sg-lint ran despite a bad input")
		}
	})
}

// fakeGo makes a folder holding a fake go that records its arguments in
// $FAKE_GO_ARGV and its environment in $FAKE_GO_ENV; `go install` copies
// $FAKE_LINTER to $GOBIN.
func fakeGo(t testing.TB) string {
	t.Helper()
	goDir := t.TempDir()
	writeFile(t, filepath.Join(goDir, "go"), `#!/usr/bin/env bash
for a in "$@"; do printf '%s\0' "$a"; done >"$FAKE_GO_ARGV"
printf 'GOBIN=%s\nGOFLAGS=%s\nGOWORK=%s\nCGO_ENABLED=%s\nPWD=%s\n' "$GOBIN" "$GOFLAGS" "$GOWORK" "$CGO_ENABLED" "$PWD" >"$FAKE_GO_ENV"
if [ "$1" = install ]; then cp "$FAKE_LINTER" "$GOBIN/eks-sg-lint"; fi
`)
	if err := os.Chmod(filepath.Join(goDir, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	return goDir
}

// TestActionVersion: a version input installs that version with go install
// (a fake go records the call), cached only when it cannot move.
func TestActionVersion(t *testing.T) {
	t.Parallel()
	fake := fakeLinter(t)
	goDir := fakeGo(t)
	for _, tc := range []struct {
		version   string
		cacheable bool
	}{
		{"v0.1.0", true},
		{"0123456789abcdef0123456789abcdef01234567", true},
		{"main", false},
		{"v1 $(touch pwned6)", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			ws := workspace(t, true)
			tmp := t.TempDir()
			env := map[string]string{
				"FAKE_ARGV": filepath.Join(tmp, "argv"), "FAKE_GO_ARGV": filepath.Join(tmp, "goargv"),
				"FAKE_GO_ENV": filepath.Join(tmp, "goenv"), "FAKE_LINTER": filepath.Join(fake, "eks-sg-lint"),
			}
			res := runAction(t, runOptions{workspace: ws, noGo: true, prependPath: goDir, env: env, inputs: map[string]string{"version": tc.version}})
			if res.exitCode != 0 {
				t.Fatalf("exit %d in %q\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
			}
			prep := res.steps["prepare"]
			if prep["has-go"] != "true" || prep["cacheable"] != map[bool]string{true: "true", false: "false"}[tc.cacheable] {
				t.Errorf("prepare outputs %v", prep)
			}
			cacheRan := slices.ContainsFunc(res.usesRan, func(u string) bool { return strings.HasPrefix(u, "actions/cache@") })
			if cacheRan != tc.cacheable {
				t.Errorf("actions/cache ran: %v, want %v", cacheRan, tc.cacheable)
			}
			want := []string{"install", "github.com/eks-sg-lint/eks-sg-lint/cmd/eks-sg-lint@" + tc.version}
			if got := readArgv(t, env["FAKE_GO_ARGV"]); !slices.Equal(got, want) {
				t.Errorf("go %q, want go %q", got, want)
			}
			goenv := readFile(t, env["FAKE_GO_ENV"])
			for _, line := range []string{"GOBIN=" + prep["bin-dir"] + "\n", "GOFLAGS=-trimpath -buildvcs=false\n", "GOWORK=off\n", "CGO_ENABLED=0\n", "PWD=" + res.runnerTemp + "\n"} {
				if !strings.Contains(goenv, line) {
					t.Errorf("go install ran with\n%s\nwant %q", goenv, line)
				}
			}
			readArgv(t, env["FAKE_ARGV"]) // the installed binary ran
			noPwned(t, ws, repoRoot(t), actionPath(t), res.runnerTemp)
		})
	}
}

// TestActionConfig: the config input reaches eks-sg-lint's --config (when
// the binary has the flag, as this one does): the file re-levels EKSSG031
// and disables EKSSG002, so the example passes fail-on warning.
func TestActionConfig(t *testing.T) {
	t.Parallel()
	if !strings.Contains(linterOutputAll(t, "-h"), "-config") {
		t.Skip("this eks-sg-lint has no --config flag")
	}
	ws := workspace(t, false)
	writeFile(t, filepath.Join(ws, "ci", "lint config.yaml"), "rules:\n  EKSSG002: {enabled: false}\n  EKSSG031: {level: note}\n")
	res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t), inputs: map[string]string{"config": "ci/lint config.yaml"}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d in %q, want 0 with the config\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout, "no --config flag") {
		t.Errorf("the action did not pass --config to a binary that has it")
	}
	for _, r := range readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif")).Runs[0].Results {
		if r.RuleID == "EKSSG031" && r.Level != "note" {
			t.Errorf("EKSSG031 at level %q, want note from the config", r.Level)
		}
		if r.RuleID == "EKSSG002" {
			t.Errorf("EKSSG002 reported, but the config disables it")
		}
	}
}

// TestActionBaseline: the baseline input reaches --baseline: the example's
// findings, recorded in a baseline, no longer fail the step and stay in
// SARIF as suppressed.
func TestActionBaseline(t *testing.T) {
	t.Parallel()
	ws := workspace(t, false)
	cmd := exec.Command(linterBinary(t), "--write-baseline", "ci/eks-sg-lint baseline.json", ".")
	cmd.Dir = ws
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("--write-baseline: %v\n%s", err, out)
	}
	res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t), inputs: map[string]string{"baseline": "ci/eks-sg-lint baseline.json"}})
	if res.exitCode != 0 {
		t.Fatalf("exit %d in %q, want 0 with the baseline\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
	}
	var l struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(ws, "eks-sg-lint.sarif"))), &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Runs) != 1 || len(l.Runs[0].Results) == 0 {
		t.Fatalf("SARIF lost the baselined findings: %+v", l)
	}
	for _, r := range l.Runs[0].Results {
		if len(r.Suppressions) != 1 || r.Suppressions[0].Kind != "external" {
			t.Errorf("%s: suppressions %+v, want one of kind external", r.RuleID, r.Suppressions)
		}
	}
}

// linterOutputAll runs the real binary and returns stdout and stderr.
func linterOutputAll(t testing.TB, args ...string) string {
	t.Helper()
	out, _ := exec.Command(linterBinary(t), args...).CombinedOutput()
	return string(out)
}

// releaseServer serves files (name -> content) under /VERSION/ on
// 127.0.0.1, as GitHub serves release assets under
// releases/download/VERSION/, and records the paths asked for.
type releaseServer struct {
	url string

	mu       sync.Mutex
	requests []string
}

func newReleaseServer(t testing.TB, version string, files map[string][]byte) *releaseServer {
	t.Helper()
	rs := &releaseServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.requests = append(rs.requests, r.URL.Path)
		rs.mu.Unlock()
		name, ok := strings.CutPrefix(r.URL.Path, "/"+version+"/")
		body, found := files[name]
		if !ok || !found || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("the release server listens on %s, want loopback only", srv.URL)
	}
	rs.url = srv.URL
	return rs
}

func (rs *releaseServer) asked() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return slices.Clone(rs.requests)
}

// TestActionRelease: with version set to a release, the action downloads
// the archive scripts/release.sh made for this runner (served from a local
// server), checks it against the checksums file and runs it, on a runner
// without Go; a second run restores it from the cache without a download; a
// checksum mismatch stops the action; no matching release falls back to
// building.
func TestActionRelease(t *testing.T) {
	t.Parallel()
	dir := releaseArtifacts(t)
	asset := releaseAsset(runtime.GOOS, runtime.GOARCH)
	real := map[string][]byte{}
	for _, n := range []string{asset, releaseChecksums} {
		real[n] = []byte(readFile(t, filepath.Join(dir, n)))
	}
	sumsPath := "/" + testReleaseVersion + "/" + releaseChecksums
	assetPath := "/" + testReleaseVersion + "/" + asset
	version := map[string]string{"version": testReleaseVersion}
	usedSetupGo := func(res *runResult) bool {
		return slices.ContainsFunc(res.usesRan, func(u string) bool { return strings.HasPrefix(u, "actions/setup-go@") })
	}

	t.Run("downloaded, verified and cached", func(t *testing.T) {
		rs := newReleaseServer(t, testReleaseVersion, real)
		ws := workspace(t, false)
		env := map[string]string{"EKS_SG_LINT_RELEASE_BASE_URL": rs.url}
		res := runAction(t, runOptions{workspace: ws, noGo: true, env: env, inputs: version})
		t.Logf("stderr:\n%s", res.stderr)
		if res.exitCode != 1 || res.failedStep != "lint" {
			t.Fatalf("exit %d in %q, want the findings' 1 in lint\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
		}
		prep := res.steps["prepare"]
		if prep["asset"] != asset || res.steps["fetch"]["fetched"] != "true" {
			t.Errorf("asset %q, fetched %q; want %q downloaded", prep["asset"], res.steps["fetch"]["fetched"], asset)
		}
		if got := rs.asked(); !slices.Equal(got, []string{sumsPath, assetPath}) {
			t.Errorf("requests %q, want the checksums then the archive", got)
		}
		if usedSetupGo(res) {
			t.Errorf("setup-go ran although the release binary was downloaded")
		}
		if !strings.Contains(res.stderr, "eks-sg-lint "+testReleaseVersion+"\n") || !strings.Contains(res.stderr, "SHA-256") {
			t.Errorf("the build step did not report the release's version and its verified checksum")
		}
		readSARIF(t, filepath.Join(ws, "eks-sg-lint.sarif"))
		if entries, _ := os.ReadDir(prep["bin-dir"]); len(entries) != 1 {
			t.Errorf("the cached folder %s holds %d files, want the binary alone", prep["bin-dir"], len(entries))
		}
		if _, err := os.Stat(filepath.Join(res.runnerTemp, "eks-sg-lint-download")); !os.IsNotExist(err) {
			t.Errorf("the download folder was left behind: %v", err)
		}

		// What actions/cache saved is used again: no download at all.
		rs2 := newReleaseServer(t, testReleaseVersion, real)
		env2 := map[string]string{"EKS_SG_LINT_RELEASE_BASE_URL": rs2.url}
		again := runAction(t, runOptions{workspace: ws, noGo: true, env: env2, inputs: version, cache: map[string]string{prep["cache-key"]: prep["bin-dir"]}})
		if again.exitCode != 1 || !strings.Contains(again.stderr, "using the cached binary") || usedSetupGo(again) {
			t.Errorf("cache hit: exit %d, setup-go %v, stderr:\n%s", again.exitCode, usedSetupGo(again), again.stderr)
		}
		if got := rs2.asked(); len(got) != 0 {
			t.Errorf("cache hit: requests %q, want none", got)
		}
	})

	t.Run("no version input: the action's own release tag", func(t *testing.T) {
		rs := newReleaseServer(t, testReleaseVersion, real)
		ws := workspace(t, true)
		res := runAction(t, runOptions{workspace: ws, noGo: true, actionRef: testReleaseVersion, env: map[string]string{"EKS_SG_LINT_RELEASE_BASE_URL": rs.url}})
		if res.exitCode != 0 || res.steps["fetch"]["fetched"] != "true" || usedSetupGo(res) {
			t.Fatalf("exit %d in %q, fetched %q, setup-go %v; want the tag's release downloaded\n%s%s", res.exitCode, res.failedStep, res.steps["fetch"]["fetched"], usedSetupGo(res), res.stdout, res.stderr)
		}
		if got := rs.asked(); !slices.Equal(got, []string{sumsPath, assetPath}) {
			t.Errorf("requests %q, want the checksums then the archive", got)
		}
		if key := res.steps["prepare"]["cache-key"]; !strings.Contains(key, "-src-") {
			t.Errorf("cache key %q: want the checkout's (the release is that checkout built)", key)
		}
		if !strings.Contains(res.stderr, "eks-sg-lint "+testReleaseVersion+"\n") {
			t.Errorf("the binary run is not the release's:\n%s", res.stderr)
		}
	})

	t.Run("checksum mismatch stops the action", func(t *testing.T) {
		tampered := maps.Clone(real)
		tampered[asset] = append(slices.Clone(real[asset]), 0)
		rs := newReleaseServer(t, testReleaseVersion, tampered)
		ws := workspace(t, false)
		res := runAction(t, runOptions{workspace: ws, noGo: true, env: map[string]string{"EKS_SG_LINT_RELEASE_BASE_URL": rs.url}, inputs: version})
		if res.exitCode == 0 || res.failedStep != "fetch" || !strings.Contains(res.stdout, "::error title=eks-sg-lint::checksum mismatch for "+asset) {
			t.Fatalf("exit %d in %q, want the fetch step to fail on the checksum\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
		}
		if _, err := os.Stat(res.steps["prepare"]["bin"]); !os.IsNotExist(err) {
			t.Errorf("the unverified binary reached the cached path: %v", err)
		}
		if _, err := os.Stat(filepath.Join(ws, "eks-sg-lint.sarif")); !os.IsNotExist(err) {
			t.Errorf("eks-sg-lint ran after a checksum mismatch")
		}
	})

	// Each falls back to go install (a fake go records it), without Go's
	// download of a release that is not there.
	fake := fakeLinter(t)
	goDir := fakeGo(t)
	for _, tc := range []struct {
		name       string
		files      map[string][]byte
		runnerArch string
		wantAsked  []string
	}{
		{"no such release", map[string][]byte{}, "", []string{sumsPath}},
		{"release without this platform", map[string][]byte{releaseChecksums: []byte("0000  eks-sg-lint_9.9.9-test.1_plan9_amd64.tar.gz\n")}, "", []string{sumsPath}},
		{"a runner no release is built for", real, "X86", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := newReleaseServer(t, testReleaseVersion, tc.files)
			tmp := t.TempDir()
			env := map[string]string{
				"EKS_SG_LINT_RELEASE_BASE_URL": rs.url,
				"FAKE_ARGV":                    filepath.Join(tmp, "argv"), "FAKE_GO_ARGV": filepath.Join(tmp, "goargv"),
				"FAKE_GO_ENV": filepath.Join(tmp, "goenv"), "FAKE_LINTER": filepath.Join(fake, "eks-sg-lint"),
			}
			res := runAction(t, runOptions{workspace: workspace(t, true), noGo: true, prependPath: goDir, env: env, inputs: version, runnerArch: tc.runnerArch})
			if res.exitCode != 0 {
				t.Fatalf("exit %d in %q\n%s%s", res.exitCode, res.failedStep, res.stdout, res.stderr)
			}
			if got := rs.asked(); !slices.Equal(got, tc.wantAsked) {
				t.Errorf("requests %q, want %q", got, tc.wantAsked)
			}
			if res.steps["fetch"]["fetched"] != "false" {
				t.Errorf("fetched = %q, want false", res.steps["fetch"]["fetched"])
			}
			want := []string{"install", "github.com/eks-sg-lint/eks-sg-lint/cmd/eks-sg-lint@" + testReleaseVersion}
			if got := readArgv(t, env["FAKE_GO_ARGV"]); !slices.Equal(got, want) {
				t.Errorf("go %q, want go %q", got, want)
			}
			readArgv(t, env["FAKE_ARGV"]) // the installed binary ran
		})
	}
}
