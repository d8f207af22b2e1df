// Package integration tests how eks-sg-lint plugs into other tools: the
// GitHub Action (action.yml, run here the way a runner runs a composite
// action's steps), the pre-commit hook (.pre-commit-hooks.yaml, run with the
// real pre-commit) and the README examples of both.
package integration

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// repoRoot is the module root (this package is one folder below it).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found above the test folder: %v", err)
	}
	return dir
}

// The shared temporary folder, the snapshot of the repository and the
// eks-sg-lint binary, each made once.
var (
	sharedDir string

	snapshotOnce sync.Once
	snapshotDir  string
	snapshotGit  bool
	snapshotErr  error

	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eks-sg-lint-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sharedDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// gitEnv is the environment for git commands of the tests: no user or
// system configuration, a fixed identity.
func gitEnv() []string {
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=eks-sg-lint tests", "GIT_AUTHOR_EMAIL=tests@example.invalid",
		"GIT_COMMITTER_NAME=eks-sg-lint tests", "GIT_COMMITTER_EMAIL=tests@example.invalid",
	)
}

func gitRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// snapshot copies the repository's working tree (tracked and untracked
// files, ignored ones aside) to a folder, committed to a fresh git
// repository when git is there. Tests use it as the action's checkout and as
// the hook repository: it is what a push of the working tree would publish,
// and it does not change while the tests run (the live tree may).
func snapshot(t testing.TB) (dir string, isGit bool) {
	t.Helper()
	snapshotOnce.Do(func() {
		snapshotDir, snapshotGit, snapshotErr = makeSnapshot()
	})
	if snapshotErr != nil {
		t.Fatal(snapshotErr)
	}
	return snapshotDir, snapshotGit
}

func makeSnapshot() (string, bool, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return "", false, err
	}
	dst := filepath.Join(sharedDir, "eks-sg-lint")
	_, gitErr := exec.LookPath("git")
	var files []string
	if gitErr == nil {
		if out, err := gitRun(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"); err == nil {
			files = strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
		}
	}
	if files == nil { // not a git work tree: every file but .git
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			return "", false, err
		}
	}
	for _, f := range files {
		src := filepath.Join(root, f)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or a link
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return "", false, err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755); err != nil {
			return "", false, err
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, info.Mode().Perm()); err != nil {
			return "", false, err
		}
	}
	if gitErr != nil {
		return dst, false, nil
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot of the work tree"},
	} {
		if _, err := gitRun(dst, args...); err != nil {
			return "", false, err
		}
	}
	return dst, true, nil
}

// linterBinary builds the snapshot's ./cmd/eks-sg-lint once for all tests.
func linterBinary(t testing.TB) string {
	t.Helper()
	src, _ := snapshot(t)
	buildOnce.Do(func() {
		out := filepath.Join(sharedDir, "bin", "eks-sg-lint")
		cmd := exec.Command("go", "build", "-o", out, "./cmd/eks-sg-lint")
		cmd.Dir = src
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/eks-sg-lint: %v\n%s", err, b)
			return
		}
		builtBin = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// --- action.yml ---

type actionFile struct {
	Name        string                  `yaml:"name"`
	Description string                  `yaml:"description"`
	Inputs      map[string]actionInput  `yaml:"inputs"`
	Outputs     map[string]actionOutput `yaml:"outputs"`
	Runs        struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionInput struct {
	Description string `yaml:"description"`
	Required    bool   `yaml:"required"`
	Default     string `yaml:"default"`
}

type actionOutput struct {
	Description string `yaml:"description"`
	Value       string `yaml:"value"`
}

type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	Uses             string            `yaml:"uses"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
}

func loadAction(t testing.TB) *actionFile {
	t.Helper()
	dir, _ := snapshot(t)
	data, err := os.ReadFile(filepath.Join(dir, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

// --- a runner, as far as this action needs one ---

// runOptions describes one run of the action.
type runOptions struct {
	inputs    map[string]string // the `with:` of the calling workflow
	workspace string            // GITHUB_WORKSPACE
	// cache simulates actions/cache: a key maps to a folder whose files are
	// restored into the cached path. A key not in the map is a miss.
	cache map[string]string
	// cacheAny restores this folder whatever the key (a hit on any key).
	cacheAny string
	// noGo removes every PATH folder that holds a `go` executable, as on a
	// runner without Go; the simulated actions/setup-go puts it back.
	noGo bool
	// prependPath goes before PATH (fake tools).
	prependPath string
	env         map[string]string // extra environment (for fake tools)
	actionRef   string            // github.action_ref
	// runnerOS and runnerArch are RUNNER_OS and RUNNER_ARCH (runner.os,
	// runner.arch); empty means this machine's (hostRunner).
	runnerOS, runnerArch string
}

// hostRunner names this machine as a runner does: RUNNER_OS Linux, macOS or
// Windows, RUNNER_ARCH X64 or ARM64 (X86, ARM for the others).
func hostRunner() (osName, arch string) {
	osName = map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	arch = map[string]string{"amd64": "X64", "arm64": "ARM64", "386": "X86", "arm": "ARM"}[runtime.GOARCH]
	return osName, arch
}

// The release server of runs that name none: nothing is released there
// (every request is a 404), so no run reaches github.com.
var (
	noReleasesOnce sync.Once
	noReleasesURL  string
)

func noReleasesServer() string {
	noReleasesOnce.Do(func() {
		// httptest listens on 127.0.0.1 only; the server lives as long as the
		// test process.
		noReleasesURL = httptest.NewServer(http.NotFoundHandler()).URL
	})
	return noReleasesURL
}

type runResult struct {
	stdout, stderr string
	exitCode       int    // the action's: the failing step's exit code, else 0
	failedStep     string // id (or name) of the step that failed
	steps          map[string]map[string]string
	rawOutput      map[string]string // each step's GITHUB_OUTPUT file, as written
	outputs        map[string]string // the action's outputs
	summary        string            // the job summary: every step's GITHUB_STEP_SUMMARY
	usesRan        []string          // `uses:` steps whose `if:` held, in order
	usesSkipped    []string          // `uses:` steps whose `if:` did not
	runnerTemp     string
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runner evaluates expressions in the contexts a runner provides.
type runner struct {
	action *actionFile
	inputs map[string]string
	github map[string]string
	runner map[string]string
	steps  map[string]map[string]string
}

func (r *runner) lookup(expr string) (string, error) {
	parts := strings.Split(expr, ".")
	switch {
	case len(parts) == 2 && parts[0] == "inputs":
		v, ok := r.inputs[parts[1]]
		if !ok {
			return "", fmt.Errorf("%s: no such input", expr)
		}
		return v, nil
	case len(parts) == 2 && parts[0] == "github":
		v, ok := r.github[parts[1]]
		if !ok {
			return "", fmt.Errorf("%s: not provided by this test runner", expr)
		}
		return v, nil
	case len(parts) == 2 && parts[0] == "runner":
		v, ok := r.runner[parts[1]]
		if !ok {
			return "", fmt.Errorf("%s: not provided by this test runner", expr)
		}
		return v, nil
	case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
		// An output of a step that did not run, or did not set it, is empty.
		return r.steps[parts[1]][parts[3]], nil
	}
	return "", fmt.Errorf("unsupported expression %q", expr)
}

// expand replaces every ${{ expr }} in s.
func (r *runner) expand(s string) (string, error) {
	var firstErr error
	out := exprRE.ReplaceAllStringFunc(s, func(m string) string {
		v, err := r.lookup(exprRE.FindStringSubmatch(m)[1])
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

var condRE = regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*(==|!=)\s*'([^']*)'$`)

// condition evaluates an `if:` made of `a == 'x'` / `a != 'x'` terms joined
// by &&, with or without ${{ }}; that is all action.yml may use.
func (r *runner) condition(cond string) (bool, error) {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return true, nil
	}
	if m := exprRE.FindStringSubmatch(cond); m != nil && m[0] == cond {
		cond = m[1]
	}
	for _, term := range strings.Split(cond, "&&") {
		m := condRE.FindStringSubmatch(strings.TrimSpace(term))
		if m == nil {
			return false, fmt.Errorf("condition %q: term %q is not `context == 'literal'`", cond, term)
		}
		v, err := r.lookup(m[1])
		if err != nil {
			return false, err
		}
		if (v == m[3]) != (m[2] == "==") {
			return false, nil
		}
	}
	return true, nil
}

// baseEnv is the test's environment less what a runner would set itself.
func baseEnv() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GITHUB_") || strings.HasPrefix(k, "RUNNER_") || strings.HasPrefix(k, "INPUT_") {
			continue
		}
		env[k] = v
	}
	return env
}

func envList(m map[string]string) []string {
	l := make([]string, 0, len(m))
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	return l
}

// withoutGo drops the PATH folders that hold a go executable.
func withoutGo(path string) string {
	var keep []string
	for _, dir := range filepath.SplitList(path) {
		if st, err := os.Stat(filepath.Join(dir, "go")); err == nil && !st.IsDir() {
			continue
		}
		keep = append(keep, dir)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// parseFileCommand reads a GITHUB_OUTPUT file: `name=value` lines and
// `name<<DELIMITER` blocks.
func parseFileCommand(data string) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if k, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(k, "=") {
			var val []string
			closed := false
			for sc.Scan() {
				if sc.Text() == delim {
					closed = true
					break
				}
				val = append(val, sc.Text())
			}
			if !closed {
				return nil, fmt.Errorf("%s: delimiter %q never closed", k, delim)
			}
			out[k] = strings.Join(val, "\n")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("bad line %q", line)
		}
		out[k] = v
	}
	return out, sc.Err()
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// runAction runs action.yml's steps in order as a runner does: `run:`
// scripts with `bash --noprofile --norc -eo pipefail` in the workspace, the
// step's env with expressions evaluated, fresh GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files per step, and a stop at the first failing step.
// Of the `uses:` steps, actions/cache is simulated (opts.cache) and
// actions/setup-go puts Go back on PATH; their `if:` is evaluated.
func runAction(t testing.TB, opts runOptions) *runResult {
	t.Helper()
	a := loadAction(t)
	root, _ := snapshot(t) // the action's checkout
	tmp := t.TempDir()
	runnerTemp := filepath.Join(tmp, "_temp")
	if err := os.MkdirAll(runnerTemp, 0o755); err != nil {
		t.Fatal(err)
	}

	runnerOS, runnerArch := hostRunner()
	if opts.runnerOS != "" {
		runnerOS = opts.runnerOS
	}
	if opts.runnerArch != "" {
		runnerArch = opts.runnerArch
	}
	r := &runner{
		action: a,
		inputs: map[string]string{},
		github: map[string]string{
			"action_path": root,
			"action_ref":  opts.actionRef,
			"workspace":   opts.workspace,
		},
		runner: map[string]string{"temp": runnerTemp, "os": runnerOS, "arch": runnerArch},
		steps:  map[string]map[string]string{},
	}
	// The runner gives every input its default, then the caller's value.
	for name, in := range a.Inputs {
		r.inputs[name] = in.Default
	}
	for name, v := range opts.inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("input %q is not declared in action.yml", name)
		}
		r.inputs[name] = v
	}

	env := baseEnv()
	goDir := ""
	if p, err := exec.LookPath("go"); err == nil {
		goDir = filepath.Dir(p)
	}
	if opts.noGo {
		env["PATH"] = withoutGo(env["PATH"])
	}
	if opts.prependPath != "" {
		env["PATH"] = opts.prependPath + string(os.PathListSeparator) + env["PATH"]
	}
	for k, v := range map[string]string{
		"CI": "true", "GITHUB_ACTIONS": "true",
		"GITHUB_WORKSPACE": opts.workspace, "GITHUB_ACTION_PATH": root,
		"RUNNER_TEMP": runnerTemp, "RUNNER_OS": runnerOS, "RUNNER_ARCH": runnerArch,
		"EKS_SG_LINT_RELEASE_BASE_URL": noReleasesServer(),
	} {
		env[k] = v
	}
	for k, v := range opts.env {
		env[k] = v
	}

	res := &runResult{steps: r.steps, rawOutput: map[string]string{}, runnerTemp: runnerTemp}
	var stdout, stderr strings.Builder
	for i, st := range a.Runs.Steps {
		name := st.ID
		if name == "" {
			name = fmt.Sprintf("step %d (%s)", i, st.Name)
		}
		ok, err := r.condition(st.If)
		if err != nil {
			t.Fatalf("%s: if: %v", name, err)
		}
		if st.Uses != "" {
			if !ok {
				res.usesSkipped = append(res.usesSkipped, st.Uses)
				continue
			}
			res.usesRan = append(res.usesRan, st.Uses)
			with := map[string]string{}
			for k, v := range st.With {
				if with[k], err = r.expand(v); err != nil {
					t.Fatalf("%s: with.%s: %v", name, k, err)
				}
			}
			outs := map[string]string{}
			switch {
			case strings.HasPrefix(st.Uses, "actions/cache@"):
				src, hit := opts.cache[with["key"]]
				if opts.cacheAny != "" {
					src, hit = opts.cacheAny, true
				}
				outs["cache-hit"] = "false"
				if hit {
					copyDir(t, src, with["path"])
					outs["cache-hit"] = "true"
				}
			case strings.HasPrefix(st.Uses, "actions/setup-go@"):
				if goDir == "" {
					t.Fatal("setup-go would run, but this machine has no Go to put on PATH")
				}
				env["PATH"] = goDir + string(os.PathListSeparator) + env["PATH"]
			default:
				t.Logf("%s: skipping uses: %s", name, st.Uses)
			}
			if st.ID != "" {
				r.steps[st.ID] = outs
			}
			continue
		}
		if !ok {
			continue
		}
		if st.Shell != "bash" {
			t.Fatalf("%s: shell is %q, want bash", name, st.Shell)
		}
		stepEnv := map[string]string{}
		for k, v := range env {
			stepEnv[k] = v
		}
		for k, v := range st.Env {
			if stepEnv[k], err = r.expand(v); err != nil {
				t.Fatalf("%s: env.%s: %v", name, k, err)
			}
		}
		stepDir := filepath.Join(runnerTemp, "_runner_file_commands", fmt.Sprint(i))
		if err := os.MkdirAll(stepDir, 0o755); err != nil {
			t.Fatal(err)
		}
		outFile := filepath.Join(stepDir, "output")
		sumFile := filepath.Join(stepDir, "step_summary")
		for _, f := range []string{outFile, sumFile} {
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		stepEnv["GITHUB_OUTPUT"] = outFile
		stepEnv["GITHUB_STEP_SUMMARY"] = sumFile
		script := filepath.Join(runnerTemp, fmt.Sprintf("step-%d.sh", i))
		if err := os.WriteFile(script, []byte(st.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		wd := opts.workspace
		if st.WorkingDirectory != "" {
			if wd, err = r.expand(st.WorkingDirectory); err != nil {
				t.Fatalf("%s: working-directory: %v", name, err)
			}
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = wd
		cmd.Env = envList(stepEnv)
		var so, se strings.Builder
		cmd.Stdout, cmd.Stderr = &so, &se
		start := time.Now()
		runErr := cmd.Run()
		t.Logf("%s: %v, exit %d", name, time.Since(start).Round(time.Millisecond), cmd.ProcessState.ExitCode())
		stdout.WriteString(so.String())
		stderr.WriteString(se.String())

		raw, err := os.ReadFile(outFile)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := parseFileCommand(string(raw))
		if err != nil {
			t.Fatalf("%s: GITHUB_OUTPUT: %v", name, err)
		}
		if st.ID != "" {
			r.steps[st.ID] = outs
			res.rawOutput[st.ID] = string(raw)
		}
		sum, err := os.ReadFile(sumFile)
		if err != nil {
			t.Fatal(err)
		}
		res.summary += string(sum)

		if runErr != nil {
			if cmd.ProcessState == nil {
				t.Fatalf("%s: %v", name, runErr)
			}
			res.exitCode = cmd.ProcessState.ExitCode()
			res.failedStep = name
			break
		}
	}
	res.stdout, res.stderr = stdout.String(), stderr.String()
	res.outputs = map[string]string{}
	for name, o := range a.Outputs {
		v, err := r.expand(o.Value)
		if err != nil {
			t.Fatalf("outputs.%s: %v", name, err)
		}
		res.outputs[name] = v
	}
	return res
}
