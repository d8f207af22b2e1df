package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ourWorkflow is the part of this repository's workflows these tests read (actionlint,
// run by scripts/lint.sh, checks the rest).
type ourWorkflow struct {
	On struct {
		PullRequest *struct{} `yaml:"pull_request"`
		Push        struct {
			Tags     []string `yaml:"tags"`
			Branches []string `yaml:"branches"`
		} `yaml:"push"`
	} `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Steps       []actionStep      `yaml:"steps"`
	} `yaml:"jobs"`
}

func loadWorkflow(t *testing.T, name string) (*ourWorkflow, []actionStep) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	// pull_request with no settings is a null: give it an empty map.
	data = regexp.MustCompile(`(?m)^  pull_request:\s*$`).ReplaceAll(data, []byte("  pull_request: {}"))
	var w ourWorkflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var steps []actionStep
	for _, j := range w.Jobs {
		steps = append(steps, j.Steps...)
	}
	return &w, steps
}

var pinnedRE = regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)

func checkPinned(t *testing.T, name string, steps []actionStep) {
	t.Helper()
	for _, st := range steps {
		if st.Uses != "" && !pinnedRE.MatchString(st.Uses) {
			t.Errorf("%s: %q is not pinned to a commit", name, st.Uses)
		}
	}
}

func runsScript(steps []actionStep, script string) bool {
	return slices.ContainsFunc(steps, func(st actionStep) bool { return strings.Contains(st.Run, script) })
}

// TestWorkflows: a v* tag runs the release script and publishes with write
// access limited to that job; pull requests run .ci/run with read access.
func TestWorkflows(t *testing.T) {
	t.Parallel()
	rel, steps := loadWorkflow(t, "release.yml")
	if !slices.Equal(rel.On.Push.Tags, []string{"v*"}) || rel.On.PullRequest != nil {
		t.Errorf("release.yml runs on tags %q (pull_request %v), want on v* tags only", rel.On.Push.Tags, rel.On.PullRequest != nil)
	}
	if rel.Permissions["contents"] != "read" {
		t.Errorf("release.yml: workflow permissions %v, want contents: read (write only in the job)", rel.Permissions)
	}
	if !runsScript(steps, `scripts/release.sh "$TAG"`) || !runsScript(steps, "sha256sum -c") || !runsScript(steps, "gh release create") {
		t.Errorf("release.yml must run scripts/release.sh on the tag, check the checksums and publish")
	}
	checkPinned(t, "release.yml", steps)

	ci, steps := loadWorkflow(t, "ci.yml")
	if ci.On.PullRequest == nil {
		t.Error("ci.yml does not run on pull requests")
	}
	if ci.Permissions["contents"] != "read" || len(ci.Permissions) != 1 {
		t.Errorf("ci.yml permissions %v, want contents: read alone", ci.Permissions)
	}
	if !runsScript(steps, ".ci/run") {
		t.Error("ci.yml does not run .ci/run")
	}
	checkPinned(t, "ci.yml", steps)
	for _, j := range ci.Jobs {
		if len(j.Permissions) != 0 {
			t.Errorf("ci.yml: a job asks for permissions %v", j.Permissions)
		}
	}
}
