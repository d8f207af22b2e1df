package integration

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
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
	preCommit := preCommitRunner(t, work, home)

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

// runPreCommit runs pre-commit (or, with a first argument "git", git) in a
// work tree and checks its exit code; it returns the combined output.
type runPreCommit func(wantCode int, args ...string) string

// preCommitRunner runs the real pre-commit in work with its store in home
// (isolated) and this machine's Go module cache.
func preCommitRunner(t *testing.T, work, home string) runPreCommit {
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
	return func(wantCode int, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		name := "pre-commit"
		if len(args) > 0 && args[0] == "git" {
			name, args = "git", args[1:]
		}
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = work
		cmd.Env = env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
			}
			code = ee.ExitCode()
		}
		t.Logf("%s %s: exit %d in %v", name, strings.Join(args, " "), code, time.Since(start).Round(time.Millisecond))
		if code != wantCode {
			t.Fatalf("%s %s: exit %d, want %d\n%s", name, strings.Join(args, " "), code, wantCode, out)
		}
		return string(out)
	}
}

// What a real repository stages besides templates. On main the hook
// exited 2 on the Helm template ("did not find expected node content")
// and on the JSONC tsconfig ("invalid JSON"), blocking every commit that
// touched them.
var realRepository = map[string]string{
	"chart/Chart.yaml":  "apiVersion: v2\nname: web\nversion: 0.1.0\n",
	"chart/values.yaml": "replicaCount: 2\nimage:\n  repository: nginx\nresources: {}\nnodeSelector:\n  alpha.eksctl.io/nodegroup-name: ng-1\n",
	"chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n" +
		"  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n" +
		"  template:\n    spec:\n      containers:\n        - name: web\n          image: \"{{ .Values.image.repository }}\"\n" +
		"          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n",
	"tsconfig.json": "{\n  // TypeScript accepts comments and trailing commas (JSONC)\n  \"compilerOptions\": {\n" +
		"    \"strict\": true,\n    \"target\": \"es2022\",\n  },\n}\n",
	".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" +
		"      - uses: actions/checkout@v4\n      - run: echo \"${{ github.sha }}\"\n",
	"k8s/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n" +
		"    service.beta.kubernetes.io/aws-load-balancer-security-groups: sg-0123\nspec:\n  ports: [{port: 80}]\n",
	"k8s/deployment.yaml": deploymentManifest,
}

// TestPreCommitInARealRepository: the real pre-commit, through try-repo and
// through the installed git hook, in a repository holding a Helm chart, a
// JSONC config, a workflow, Kubernetes manifests and one bad EKS template.
// Committing the others passes (each is skipped, with a note under -v);
// committing the template is blocked with its finding.
func TestPreCommitInARealRepository(t *testing.T) {
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
	work := t.TempDir()
	if _, err := gitRun(work, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	var others []string
	for name, content := range realRepository {
		writeFile(t, filepath.Join(work, name), content)
		others = append(others, name)
	}
	sort.Strings(others)
	const bad = "infra/eks.yaml"
	writeFile(t, filepath.Join(work, bad), readFile(t, filepath.Join(repoRoot(t), exampleTemplate)))
	cfg := readFile(t, filepath.Join(repoRoot(t), examplePreCommitConfig))
	cfg = strings.Replace(cfg, "repo: https://github.com/eks-sg-lint/eks-sg-lint\n", "repo: "+src+"\n", 1)
	cfg = strings.Replace(cfg, "rev: v0.1.0\n", "rev: "+strings.TrimSpace(rev)+"\n", 1)
	writeFile(t, filepath.Join(work, ".pre-commit-config.yaml"), cfg)

	run := preCommitRunner(t, work, t.TempDir())
	finding := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(bad) + `:\d+:\d+: error EKSSG002 managed node group "NodeGroup"`)

	// try-repo, as the README suggests before adopting the hook.
	out := run(0, append([]string{"try-repo", src, hookID, "--verbose", "--files"}, others...)...)
	if !strings.Contains(out, "Passed") || strings.Contains(out, "could not be read") || strings.Contains(out, "EKSSG") {
		t.Errorf("try-repo on the repository's other files: want Passed, no error, no finding:\n%s", out)
	}
	out = run(1, append([]string{"try-repo", src, hookID, "--files", bad}, others...)...)
	if !finding.MatchString(out) || !strings.Contains(out, "Failed") || strings.Contains(out, "could not be read") {
		t.Errorf("try-repo with the bad template: want its finding, Failed, no file error:\n%s", out)
	}

	// The installed hook on real commits.
	run(0, "install")
	run(0, append([]string{"git", "add", ".pre-commit-config.yaml"}, others...)...)
	out = run(0, "git", "commit", "-q", "-m", "chart, config, workflow, manifests")
	if strings.Contains(out, "EKSSG") || strings.Contains(out, "could not be read") {
		t.Errorf("commit of the other files: %s", out)
	}
	run(0, "git", "add", bad)
	out = run(1, "git", "commit", "-q", "-m", "the cluster")
	if !finding.MatchString(out) {
		t.Errorf("commit of the bad template: want it blocked with its finding:\n%s", out)
	}
	if n, _ := gitRun(work, "rev-list", "--count", "HEAD"); strings.TrimSpace(n) != "1" {
		t.Errorf("commits: %s, want only the first", n)
	}
}
