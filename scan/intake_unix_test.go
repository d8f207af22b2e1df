//go:build unix

package scan

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// On main each of these hung the scan for ever (os.Open of a FIFO waits
// for a writer; /proc/self/fd/1 may be a pipe nobody closes).
func TestNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	walked := filepath.Join(dir, "walked")
	write(t, filepath.Join(walked, "ok.yaml"), other)
	symlink(t, fifo, filepath.Join(walked, "to-pipe.yaml"))
	symlink(t, "/dev/zero", filepath.Join(walked, "zero.json"))
	symlink(t, "/dev/zero", filepath.Join(walked, "zero.txt")) // not an input extension: no word
	if err := syscall.Mkfifo(filepath.Join(walked, "own-pipe.json"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("named", func(t *testing.T) {
		paths := []string{companion, "pipe.yaml", "/dev/null"}
		if st, err := os.Stat("/proc/self/fd/1"); err == nil && !st.Mode().IsRegular() {
			paths = append(paths, "/proc/self/fd/1")
		}
		rep := scanWithin(t, paths, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != len(paths)-1 {
			t.Fatalf("errors %v, want one per named non-regular file", rep.Errors)
		}
		for _, e := range rep.Errors {
			if !strings.Contains(e.Message, "not a regular file (") || e.Loc.Line != 0 {
				t.Errorf("%s: %s", e.Loc, e.Message)
			}
		}
		if rep.Errors[0].Loc.File != "/dev/null" || !strings.Contains(rep.Errors[0].Message, "character device") {
			t.Errorf("first error %v", rep.Errors[0])
		}
	})

	t.Run("walked", func(t *testing.T) {
		rep := scanWithin(t, []string{companion, "walked"}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 0 {
			t.Errorf("errors %v: walked non-regular files are skipped, not errors", rep.Errors)
		}
		if got := fileFindings(rep, "walked/ok.yaml"); len(got) != 1 {
			t.Errorf("walked/ok.yaml findings %v", got)
		}
		want := map[string]string{
			"walked/to-pipe.yaml":  "symbolic link to a named pipe, not a regular file; skipped",
			"walked/zero.json":     "symbolic link to a character device, not a regular file; skipped",
			"walked/own-pipe.json": "not a regular file (named pipe); skipped",
		}
		for _, n := range rep.Notifications {
			if w, ok := want[n.Loc.File]; ok && n.Message == w && n.Level == "warning" {
				delete(want, n.Loc.File)
			} else if strings.HasPrefix(n.Loc.File, "walked/zero.txt") {
				t.Errorf("note for a file that is not an input: %v", n)
			}
		}
		for f, w := range want {
			t.Errorf("no warning %q for %s:\n%s", w, f, notesOf(rep))
		}
	})
}

// The config file is read with the same rules (config.Load): see
// config/config_unix_test.go.

// A FIFO in a Terraform module folder: the Terraform loader reads only
// regular files (it would block). Walked, the FIFO is skipped with a
// warning, also when it is the folder's only .tf file (that folder was
// dropped with no word); named on the command line, it is an error.
func TestNonRegularTerraformFile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	write(t, filepath.Join(dir, "tf", "main.tf"), "variable \"x\" {}\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "tf", "pipe.tf"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "lone"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "lone", "only.tf"), 0o600); err != nil {
		t.Fatal(err)
	}
	warned := func(rep *report.Report, file string) bool {
		for _, n := range rep.Notifications {
			if n.Loc.File == file && n.Level == "warning" && strings.Contains(n.Message, "not a regular file (named pipe)") {
				return true
			}
		}
		return false
	}
	rep := scanWithin(t, []string{companion, "tf", "lone"}, Options{WorkDir: dir})
	checkCompanion(t, rep)
	if len(rep.Errors) != 0 {
		t.Errorf("walked FIFOs are skipped, not errors: %v", rep.Errors)
	}
	for _, f := range []string{"tf/pipe.tf", "lone/only.tf"} {
		if !warned(rep, f) {
			t.Errorf("no warning about walked %s:\n%s", f, notesOf(rep))
		}
	}

	rep = scanWithin(t, []string{companion, "lone/only.tf"}, Options{WorkDir: dir})
	checkCompanion(t, rep)
	if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "lone/only.tf" || !strings.Contains(rep.Errors[0].Message, "not a regular file (named pipe)") {
		t.Errorf("a named FIFO .tf must be an error naming it; errors %v", rep.Errors)
	}
}
