//go:build unix

package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Every case returned (did not hang, did not read forever) with the error
// naming the kind of file; before this package the scan opened each of
// them with os.Open and blocked (FIFO) or read until the size limit.
func TestReadRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := func(name, target string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ path, kind string }{
		{fifo, "named pipe"},
		{link("to-pipe.yaml", fifo), "named pipe"},
		{link("zero.yaml", "/dev/zero"), "character device"},
		{"/dev/null", "character device"},
		{dir, "folder"},
	} {
		_, err := Read(tc.path, 1<<20)
		var nr *NotRegularError
		if !errors.As(err, &nr) || !strings.Contains(err.Error(), tc.kind) {
			t.Errorf("Read(%s) = %v, want a NotRegularError naming a %s", tc.path, err, tc.kind)
		}
	}
	if _, err := os.Stat("/proc/self/fd/1"); err == nil {
		if st, _ := os.Stat("/proc/self/fd/1"); !st.Mode().IsRegular() {
			if _, err := Read("/proc/self/fd/1", 1<<20); err == nil {
				t.Errorf("Read(/proc/self/fd/1) (a %s) succeeded", Kind(st.Mode()))
			}
		}
	}
}

func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(p, 10); err != nil || string(data) != "0123456789" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	if _, err := Read(p, 9); !errors.Is(err, ErrTooLarge) || err.Error() != "file is larger than 9 bytes" {
		t.Errorf("over the limit: %v", err)
	}
	// A /proc file says size 0 and holds more: the read itself is bounded.
	if _, err := os.Stat("/proc/self/status"); err == nil {
		if _, err := Read("/proc/self/status", 16); !errors.Is(err, ErrTooLarge) {
			t.Errorf("/proc/self/status with a 16-byte limit: %v", err)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing"), 10); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
