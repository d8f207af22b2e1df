//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// On main Load used os.ReadFile: a FIFO named .eks-sg-lint.yaml hung the
// run before any scan, and a symlink to /dev/zero grew memory until the
// process was killed.
func TestLoadReadsOnlyBoundedRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, ".eks-sg-lint.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("exclude: []\n"+strings.Repeat("#\n", MaxFileSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		fifo: "not a regular file (named pipe)",
		zero: "not a regular file (character device)",
		big:  "file is larger than 1048576 bytes",
	} {
		_, err := Load(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want an error naming the file and %q", path, err, want)
		}
	}
	// Discovery finds the FIFO (so the run stops with that error) rather
	// than silently using a parent folder's config.
	if p, ok := Find(dir); !ok || p != fifo {
		t.Errorf("Find = %q, %v", p, ok)
	}
}
