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
	// Variants are, when a modelled module's version constraint admits
	// several majors, the root's documents for each (Doc is the newest's),
	// evaluated apart from Doc: a finding in the root's files holds only
	// when it holds in every variant (scan.Run).
	Variants []*graph.Document
	// Files are the files read (display names), the root's and its local
	// modules'.
	Files []string
	// Comments are the real comments of the .tf files read (not text
	// inside strings or heredocs), for `# eks-sg-lint:ignore`.
	Comments []Comment
	Errors   []FileError
	Notes    []graph.Notification
	// source locates the module's blocks for a plan made from it (plan.go).
	source *rootSource
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
	// calls links each folder to the scanned folders it calls as local
	// modules. Roots are the folders no other one calls; folders that only
	// call each other in a cycle are roots too, so nothing is left out.
	inScan := map[string]bool{}
	for _, d := range dirs {
		inScan[filepath.Clean(d)] = true
	}
	calls := map[string][]string{}
	called := map[string]bool{}
	for _, d := range dirs {
		d = filepath.Clean(d)
		m := l.load(d)
		for _, name := range m.callOrder {
			if dir, ok := localSource(d, m.calls[name].source); ok && dir != d && inScan[dir] {
				calls[d] = append(calls[d], dir)
				called[dir] = true
			}
		}
	}
	reached := map[string]bool{}
	var reach func(d string)
	reach = func(d string) {
		if reached[d] {
			return
		}
		reached[d] = true
		for _, c := range calls[d] {
			reach(c)
		}
	}
	var roots []string
	for _, d := range dirs {
		if d = filepath.Clean(d); !called[d] {
			roots = append(roots, d)
			reach(d)
		}
	}
	for _, d := range dirs {
		if d = filepath.Clean(d); !reached[d] {
			roots = append(roots, d)
			reach(d)
		}
	}
	var out []Result
	// A module read by several roots (or instances) reports each of its
	// errors and notes once.
	seen := map[string]bool{}
	for _, d := range roots {
		r := evaluateRoot(l, d, opts)
		r.source = &rootSource{l: l, dir: d}
		errs := r.Errors[:0:0]
		for _, e := range r.Errors {
			if k := e.Loc.String() + "\x00" + e.Msg; !seen[k] {
				seen[k] = true
				errs = append(errs, e)
			}
		}
		notes := r.Notes[:0:0]
		for _, n := range r.Notes {
			if k := n.Loc.String() + "\x00" + n.Message; !seen[k] {
				seen[k] = true
				notes = append(notes, n)
			}
		}
		r.Errors, r.Notes = errs, notes
		out = append(out, r)
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
