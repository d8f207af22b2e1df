//go:build !unix

package regularfile

import "os"

// openNonBlocking opens path read-only; Read checked its type just before.
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }
