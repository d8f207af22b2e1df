//go:build unix

package regularfile

import (
	"os"
	"syscall"
)

// openNonBlocking opens path read-only with O_NONBLOCK (a FIFO then opens
// at once instead of waiting for a writer) and O_NOCTTY (a terminal never
// becomes the controlling one). Reads of a regular file ignore O_NONBLOCK.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
