package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	exampleWorkflow        = "scripts/example-workflow.yml"
	examplePreCommitConfig = "scripts/example-pre-commit-config.yaml"
	hookID                 = "eks-sg-lint"
)

// TestREADMEShowsTheExamples: the README's GitHub Action and pre-commit
// sections show the example files verbatim, so what the README shows is what
// these tests run.
func TestREADMEShowsTheExamples(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	readme := readFile(t, filepath.Join(root, "README.md"))
	for _, f := range []string{exampleWorkflow, examplePreCommitConfig} {
		if !strings.Contains(readme, readFile(t, filepath.Join(root, f))) {
			t.Errorf("README.md does not contain %s verbatim: paste it again", f)
		}
	}
	for _, h := range []string{"\n## GitHub Action\n", "\n## pre-commit\n"} {
		if !strings.Contains(readme, h) {
			t.Errorf("README.md has no section %q", strings.TrimSpace(h))
		}
	}
	// Every input of the action is in the README's inputs table.
	for name := range loadAction(t).Inputs {
		if !strings.Contains(readme, "| `"+name+"` |") {
			t.Errorf("README.md: the inputs table lacks %q", name)
		}
	}
}

type workflowStep struct {
	Name string         `yaml:"name"`
	ID   string         `yaml:"id"`
	If   string         `yaml:"if"`
	Uses string         `yaml:"uses"`
	Run  string         `yaml:"run"`
	With map[string]any `yaml:"with"`
}

type workflow struct {
	Name        string            `yaml:"name"`
	On          any               `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		RunsOn      any               `yaml:"runs-on"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []workflowStep    `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestExampleWorkflow checks the README's workflow and runs its action step
// (with its `with:`) on the README example.
func TestExampleWorkflow(t *testing.T) {
	t.Parallel()
	var wf workflow
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(repoRoot(t), exampleWorkflow))), &wf); err != nil {
		t.Fatalf("%s: %v", exampleWorkflow, err)
	}
	if wf.On == nil || len(wf.Jobs) != 1 {
		t.Fatalf("%s: want triggers and one job", exampleWorkflow)
	}
	inputs := loadAction(t).Inputs
	for name, job := range wf.Jobs {
		if job.RunsOn == nil {
			t.Errorf("job %s: no runs-on", name)
		}
		if job.Permissions["security-events"] != "write" {
			t.Errorf("job %s: permissions %v, upload-sarif needs security-events: write", name, job.Permissions)
		}
		var lint, upload *workflowStep
		checkout := false
		for i := range job.Steps {
			st := &job.Steps[i]
			switch {
			case strings.HasPrefix(st.Uses, "actions/checkout@"):
				checkout = lint == nil
			case strings.HasPrefix(st.Uses, "eks-sg-lint/eks-sg-lint@"):
				lint = st
			case strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@"):
				upload = st
			}
		}
		if lint == nil || upload == nil || !checkout {
			t.Fatalf("job %s: want actions/checkout, then eks-sg-lint/eks-sg-lint@…, then github/codeql-action/upload-sarif@…", name)
		}
		if lint.ID == "" {
			t.Fatalf("the eks-sg-lint step needs an id for its outputs")
		}
		ref := "steps." + lint.ID + ".outputs.sarif-file"
		if got := fmt.Sprint(upload.With["sarif_file"]); got != "${{ "+ref+" }}" {
			t.Errorf("upload-sarif sarif_file = %q, want ${{ %s }}", got, ref)
		}
		// The lint step fails on findings: the upload must run anyway.
		if !strings.Contains(upload.If, ref) || !(strings.Contains(upload.If, "cancelled()") || strings.Contains(upload.If, "always()")) {
			t.Errorf("upload-sarif if: %q, want it to run after a failing lint step when %s is set", upload.If, ref)
		}

		with := map[string]string{}
		for k, v := range lint.With {
			if _, ok := inputs[k]; !ok {
				t.Errorf("the example passes %q, which action.yml does not declare", k)
			}
			with[k] = fmt.Sprint(v)
		}
		ws := workspace(t, false)
		res := runAction(t, runOptions{workspace: ws, cacheAny: realBinaryCache(t), inputs: with})
		if res.exitCode != 1 {
			t.Errorf("the example's step on the README example: exit %d, want 1\n%s%s", res.exitCode, res.stdout, res.stderr)
		}
		l := readSARIF(t, filepath.Join(ws, res.outputs["sarif-file"]))
		if with["params"] != "" {
			// ClusterName=prod reaches the scan.
			k, v, _ := strings.Cut(strings.Fields(with["params"])[0], "=")
			found := slices.ContainsFunc(l.Runs[0].Results, func(r sarifResult) bool {
				return strings.Contains(r.Message.Text, `"`+v+`"`)
			})
			if k == "ClusterName" && !found {
				t.Errorf("no SARIF message names cluster %q: the params input did not reach the scan", v)
			}
		}
	}
}

type hookManifest []struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Language      string   `yaml:"language"`
	Entry         string   `yaml:"entry"`
	Args          []string `yaml:"args"`
	Files         string   `yaml:"files"`
	Types         []string `yaml:"types"`
	TypesOr       []string `yaml:"types_or"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	RequireSerial bool     `yaml:"require_serial"`
}

func TestPreCommitHookManifest(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	var m hookManifest
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(root, ".pre-commit-hooks.yaml"))), &m); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(m) != 1 || m[0].ID != hookID {
		t.Fatalf("want one hook %q, got %+v", hookID, m)
	}
	h := m[0]
	if h.Language != "golang" || h.Entry != "eks-sg-lint" || h.Args == nil || len(h.Args) != 0 ||
		h.PassFilenames == nil || !*h.PassFilenames || h.Name == "" {
		t.Errorf("hook %+v: want language golang, entry eks-sg-lint, args [], pass_filenames true, a name", h)
	}
	// pre-commit's golang language runs `go install ./...`: the binary is
	// named after the folder of the main package.
	if _, err := os.Stat(filepath.Join(root, "cmd", h.Entry, "main.go")); err != nil {
		t.Errorf("entry %q: no main package cmd/%s: %v", h.Entry, h.Entry, err)
	}
	// files is a Python regular expression searched in the path; this one
	// is also valid RE2.
	re, err := regexp.Compile(h.Files)
	if err != nil {
		t.Fatalf("files %q: %v", h.Files, err)
	}
	for path, want := range map[string]bool{
		"a.yaml": true, "b.yml": true, "c.json": true, "d.template": true, "infra/stack.yaml": true,
		"cdk.out/App.template.json": true, "README.md": false, "a.yaml.bak": false, "main.go": false,
	} {
		if re.MatchString(path) != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, path, !want, want)
		}
	}
	if len(h.TypesOr) != 0 || !slices.Equal(h.Types, []string{"text"}) {
		t.Errorf("types %v types_or %v: .template files are only `text` to identify, want types: [text]", h.Types, h.TypesOr)
	}
}

type preCommitConfig struct {
	Repos []struct {
		Repo  string `yaml:"repo"`
		Rev   string `yaml:"rev"`
		Hooks []struct {
			ID string `yaml:"id"`
		} `yaml:"hooks"`
	} `yaml:"repos"`
}

func TestExamplePreCommitConfig(t *testing.T) {
	t.Parallel()
	var c preCommitConfig
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(repoRoot(t), examplePreCommitConfig))), &c); err != nil {
		t.Fatalf("%s: %v", examplePreCommitConfig, err)
	}
	if len(c.Repos) != 1 || c.Repos[0].Repo != "https://github.com/eks-sg-lint/eks-sg-lint" ||
		c.Repos[0].Rev != "v0.1.0" || len(c.Repos[0].Hooks) != 1 || c.Repos[0].Hooks[0].ID != hookID {
		t.Errorf("%s: %+v, want the eks-sg-lint repository at v0.1.0 with hook %q", examplePreCommitConfig, c, hookID)
	}
}
