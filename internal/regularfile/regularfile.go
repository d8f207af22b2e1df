// Package regularfile reads input files without ever blocking or reading
// without bound: only regular files are opened (a FIFO would block the
// open, /dev/zero would never end, /proc/self/fd/1 may be the terminal),
// and never more than a limit is read. The scan's inputs and the config
// file both read through it.
package regularfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is returned (wrapped in *TooLargeError) for a file over the
// limit.
var ErrTooLarge = errors.New("file too large")

// NotRegularError says the path is not a regular file.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string {
	return "not a regular file (" + Kind(e.Mode) + "); only regular files are read"
}

// TooLargeError says the file is larger than the limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("file is larger than %d bytes", e.Limit) }

// Unwrap makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Kind names a file mode's type for messages: "named pipe", "device", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "folder"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "regular file"
}

// Read returns the content of the regular file at path (symlinks
// followed), at most limit bytes: a larger file is a *TooLargeError, a
// path that is not a regular file a *NotRegularError, both before any
// byte is read. The file's type is checked before opening it (opening a
// FIFO blocks, opening a device may act) and again on the open file,
// which is opened non-blocking where the system allows it, so a file
// swapped for a FIFO in between cannot block either.
func Read(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &NotRegularError{Mode: st.Mode()}
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() //nolint:errcheck // opened read-only
	st, err = f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &NotRegularError{Mode: st.Mode()}
	}
	if st.Size() > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	data, err := readAtMost(f, st.Size(), limit+1)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit { // grew since the stat, or a /proc file
		return nil, &TooLargeError{Limit: limit}
	}
	return data, nil
}

// readAtMost reads up to n bytes of f into a buffer sized from the file's
// size (io.ReadAll would start at 512 bytes and copy as it doubles).
func readAtMost(f *os.File, size, n int64) ([]byte, error) {
	c := int64(512)
	if size < n {
		c = size + 1 // one more byte, to see EOF without growing
	}
	data := make([]byte, 0, c)
	r := io.LimitReader(f, n)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		m, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+m]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
	}
}
