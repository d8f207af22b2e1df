package integration

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const deploymentManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
`

// TestPreCommitHook installs the hook with the real pre-commit (its golang
// language: `go install ./...` of the hook repository with the system Go)
// and runs it on a template with findings and on clean files, through
// `pre-commit try-repo` and through the README's .pre-commit-config.yaml.
//
// The hook repository is the snapshot of the work tree (see snapshot):
// try-repo on the live repository would only see committed files and
// changes to tracked files, not new ones such as .pre-commit-hooks.yaml.
func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"pre-commit", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: the pre-commit hook is not tested (.ci/run installs Debian's pre-commit)", tool)
		}
	}
	src, isGit := snapshot(t)
	if !isGit {
		t.Skip("no git snapshot of the repository")
	}
	rev, err := gitRun(src, "rev-parse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	rev = strings.TrimSpace(rev)

	work := t.TempDir()
	if _, err := gitRun(work, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	example := readFile(t, filepath.Join(repoRoot(t), exampleTemplate))
	writeFile(t, filepath.Join(work, "bad.yaml"), example)
	writeFile(t, filepath.Join(work, "bad.template"), example)
	writeFile(t, filepath.Join(work, "good.yaml"), cleanTemplate)
	writeFile(t, filepath.Join(work, "deployment.yaml"), deploymentManifest)
	writeFile(t, filepath.Join(work, "notes.md"), "# notes\n")

	// The README's config, pointed at the snapshot.
	cfg := readFile(t, filepath.Join(repoRoot(t), examplePreCommitConfig))
	const url, tag = "repo: https://github.com/eks-sg-lint/eks-sg-lint\n", "rev: v0.1.0\n"
	if strings.Count(cfg, url) != 1 || strings.Count(cfg, tag) != 1 {
		t.Fatalf("%s: want one %q and one %q", examplePreCommitConfig, url, tag)
	}
	cfg = strings.Replace(cfg, url, "repo: "+src+"\n", 1)
	cfg = strings.Replace(cfg, tag, "rev: "+rev+"\n", 1)
	writeFile(t, filepath.Join(work, ".pre-commit-config.yaml"), cfg)

	home := t.TempDir()
	env := append(gitEnv(),
		"PRE_COMMIT_HOME="+home, // pre-commit's store, isolated
		"PRE_COMMIT_COLOR=never",
	)
	// pre-commit runs `go install` with GOPATH set to the hook's
	// environment, so modules would be downloaded again into it: reuse
	// this machine's module cache instead (GOMODCACHE wins over GOPATH).
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		env = append(env, "GOMODCACHE="+strings.TrimSpace(string(out)))
	}

	preCommit := func(wantCode int, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "pre-commit", args...)
		cmd.Dir = work
		cmd.Env = env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("pre-commit %s: %v", strings.Join(args, " "), err)
			}
			code = ee.ExitCode()
		}
		t.Logf("pre-commit %s: exit %d in %v", strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond))
		if code != wantCode {
			t.Fatalf("pre-commit %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantCode, out)
		}
		return string(out)
	}

	finding := func(file string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(file) + `:\d+:\d+: error EKSSG002 managed node group "NodeGroup"`)
	}

	out := preCommit(1, "try-repo", src, hookID, "--files", "bad.yaml")
	if !finding("bad.yaml").MatchString(out) || !strings.Contains(out, "Failed") {
		t.Errorf("try-repo on bad.yaml: want the EKSSG002 finding and Failed:\n%s", out)
	}

	out = preCommit(0, "try-repo", src, hookID, "--files", "good.yaml", "deployment.yaml", "notes.md")
	if !strings.Contains(out, "Passed") || strings.Contains(out, "EKSSG") {
		t.Errorf("try-repo on clean files: want Passed and no finding:\n%s", out)
	}

	out = preCommit(1, "run", hookID, "--files", "bad.template", "good.yaml", "notes.md")
	if !finding("bad.template").MatchString(out) || strings.Contains(out, "notes.md") {
		t.Errorf("run with the README's config: want the finding in bad.template (and notes.md filtered out):\n%s", out)
	}
	// language_version defaulted to the system Go: no toolchain download.
	if envs, _ := filepath.Glob(filepath.Join(home, "*", "golangenv-*")); len(envs) != 1 || filepath.Base(envs[0]) != "golangenv-system" {
		t.Errorf("hook environments %v, want one golangenv-system (the system Go)", envs)
	}
}
