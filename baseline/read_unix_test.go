//go:build unix

package baseline

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Read opened any path: a FIFO given as --baseline blocked the run.
func TestReadRefusesNonRegularFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "baseline.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for path, want := range map[string]string{fifo: "named pipe", "/dev/zero": "character device"} {
		_, err := Read(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), "not a regular file ("+want+")") {
			t.Errorf("Read(%s) = %v", path, err)
		}
	}
}
