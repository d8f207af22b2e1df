package terraform

import (
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// MapFS is an in-memory FS keyed by slash paths ("/m/main.tf"), for tests
// and fuzzing.
type MapFS map[string][]byte

// ReadFile returns a file's bytes.
func (m MapFS) ReadFile(p string) ([]byte, error) {
	if b, ok := m[path.Clean(p)]; ok {
		return b, nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

// ReadDir lists the files and folders directly below p.
func (m MapFS) ReadDir(p string) ([]fs.DirEntry, error) {
	p = path.Clean(p)
	seen := map[string]bool{}
	var out []fs.DirEntry
	for name := range m {
		rest, ok := strings.CutPrefix(name, p+"/")
		if !ok || rest == "" {
			continue
		}
		first, _, isDir := strings.Cut(rest, "/")
		if seen[first] {
			continue
		}
		seen[first] = true
		out = append(out, mapEntry{name: first, dir: isDir})
	}
	if len(out) == 0 {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

type mapEntry struct {
	name string
	dir  bool
}

func (e mapEntry) Name() string { return e.name }
func (e mapEntry) IsDir() bool  { return e.dir }
func (e mapEntry) Type() fs.FileMode {
	if e.dir {
		return fs.ModeDir
	}
	return 0
}
func (e mapEntry) Info() (fs.FileInfo, error) { return e, nil }
func (e mapEntry) Size() int64                { return 0 }
func (e mapEntry) Mode() fs.FileMode          { return e.Type() }
func (e mapEntry) ModTime() time.Time         { return time.Time{} }
func (e mapEntry) Sys() any                   { return nil }
