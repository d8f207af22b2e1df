package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestGoInstallOnlyCLI runs what pre-commit's golang language runs in the
// hook repository, `go install ./...` at its root, and checks that it
// installs the CLI alone: the development tools (tools/, a module of their
// own) must not land on a user's PATH.
func TestGoInstallOnlyCLI(t *testing.T) {
	t.Parallel()
	src, _ := snapshot(t)
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "./...")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install ./...: %v\n%s", err, out)
	}
	entries, err := os.ReadDir(gobin)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"eks-sg-lint"}; !slices.Equal(names, want) {
		t.Errorf("go install ./... installed %q, want only %q", names, want)
	}
	// The tools are still there for developers, in their own module.
	if _, err := os.Stat(filepath.Join(src, "tools", "go.mod")); err != nil {
		t.Errorf("tools/go.mod: %v", err)
	}
}
