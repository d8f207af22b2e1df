// Package terraform reads Terraform HCL (.tf and .tf.json) offline, with no
// provider, no `terraform init` and no network, and writes the facts of the
// AWS resources it knows into the graph. It carries its own small evaluator
// (variables, locals, count/for_each, dynamic blocks, the usual functions):
// Terraform's is not a library. References to resource attributes stay
// symbolic (see symbols.go), so a list of two groups' IDs is a list of two
// known groups, not "unknown".
package terraform

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/regularfile"
)

// FS reads files and folders by operating-system path. The scanner gives
// the real file system; tests and fuzz targets give a map.
type FS interface {
	ReadFile(path string) ([]byte, error)
	ReadDir(path string) ([]fs.DirEntry, error)
}

// OSFS reads the real file system, refusing files larger than MaxSize.
type OSFS struct{ MaxSize int64 }

// ReadFile reads at most MaxSize bytes (an error past that). Only regular
// files are opened: a FIFO named main.tf would block the scan for ever, a
// device never end (internal/regularfile, as every other input).
func (o OSFS) ReadFile(path string) ([]byte, error) {
	limit := o.MaxSize
	if limit <= 0 {
		limit = 8 << 20
	}
	data, err := regularfile.Read(path, limit)
	if errors.Is(err, regularfile.ErrTooLarge) {
		return nil, errTooLarge(limit)
	}
	return data, err
}

// ReadDir lists a folder.
func (OSFS) ReadDir(path string) ([]fs.DirEntry, error) { return os.ReadDir(path) }

type sizeError int64

func (e sizeError) Error() string {
	return "file is larger than " + itoa(int64(e)) + " bytes; raise --max-file-size to scan it"
}

func errTooLarge(n int64) error { return sizeError(n) }

// Options are the user's inputs.
type Options struct {
	FS FS
	// Display names a file (by absolute path) in output.
	Display func(abs string) string
	// Vars are --var NAME=VALUE, applied to every root module after its
	// tfvars files and VarFiles.
	Vars map[string]string
	// VarFiles are --var-file paths (absolute), in the order given.
	VarFiles []string
}

// FileError is a malformed file, at a position.
type FileError struct {
	Loc graph.Location
	Msg string
}

// Result is what one root module gave.
type Result struct {
	// Dir is the root module's folder as displayed.
	Dir string
	Doc *graph.Document
	// Files are the files read (display names), the root's and its local
	// modules'.
	Files []string
	// Comments are the real comments of the .tf files read (not text
	// inside strings or heredocs), for `# eks-sg-lint:ignore`.
	Comments []Comment
	Errors   []FileError
	Notes    []graph.Notification
}

// IsTerraformFile reports whether a path names a Terraform configuration
// file (not a variables file).
func IsTerraformFile(path string) bool {
	p := strings.ToLower(path)
	return strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tf.json")
}

// Scan reads the folders (absolute paths, each holding .tf files) and
// evaluates each one that is a root module: a folder that another of them
// calls as a local module is evaluated only as that module, with the
// arguments passed. Results are sorted by folder.
func Scan(dirs []string, opts Options) []Result {
	if opts.FS == nil {
		opts.FS = OSFS{}
	}
	if opts.Display == nil {
		opts.Display = func(abs string) string { return filepath.ToSlash(abs) }
	}
	l := newLoader(opts)
	called := map[string]bool{}
	for _, d := range dirs {
		m := l.load(d)
		for _, c := range m.calls {
			if dir, ok := localSource(d, c.source); ok {
				called[dir] = true
			}
		}
	}
	var out []Result
	for _, d := range dirs {
		if called[filepath.Clean(d)] {
			continue
		}
		out = append(out, evaluateRoot(l, d, opts))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}

// localSource resolves a module source that is a local path ("./x",
// "../x"), as Terraform recognises them.
func localSource(from, source string) (string, bool) {
	if !strings.HasPrefix(source, "./") && !strings.HasPrefix(source, "../") &&
		!strings.HasPrefix(source, ".\\") && !strings.HasPrefix(source, "..\\") {
		return "", false
	}
	return filepath.Clean(filepath.Join(from, filepath.FromSlash(source))), true
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [24]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Comment is one comment of a .tf file; Column counts code points.
type Comment struct {
	File         string
	Line, Column int
	Text         string
}
