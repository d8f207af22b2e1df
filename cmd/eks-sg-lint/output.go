package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// outputFile is where --output (or --write-baseline) writes: created with
// its folder, and never one of the scan's inputs.
type outputFile struct {
	flag string // the flag that named it, for messages
	path string // "" (or "-"): standard output
	abs  string
}

// newOutput checks, before scanning, that path is not a file named on the
// command line (the report would overwrite the template it reports on).
func newOutput(flag, path string, inputs []string) (*outputFile, error) {
	o := &outputFile{flag: flag}
	if path == "" || path == "-" {
		return o, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, usageErrorf("%s %s: %v", flag, esc(path), err)
	}
	o.path, o.abs = path, abs
	st, err := os.Stat(abs)
	if err != nil {
		return o, nil // does not exist yet: cannot be an input
	}
	if st.IsDir() {
		return nil, usageErrorf("%s %s is a folder; name a file", flag, esc(path))
	}
	for _, in := range inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
			return nil, usageErrorf("%s %s is one of the inputs; refusing to overwrite it", flag, esc(path))
		}
	}
	return o, nil
}

// checkNotInput refuses a path that the scan read while walking a folder
// (files as the report names them).
func (o *outputFile) checkNotInput(scanned []string) error {
	if o.path == "" {
		return nil
	}
	wd, _ := os.Getwd()
	shown := scan.DisplayPath(o.abs, wd)
	for _, f := range scanned {
		if f == shown {
			return usageErrorf("%s %s is one of the inputs; refusing to overwrite it", o.flag, esc(o.path))
		}
	}
	return nil
}

// write runs fn on the file (creating missing folders) or on stdout.
func (o *outputFile) write(stdout io.Writer, fn func(io.Writer) error) error {
	if o.path == "" {
		return fn(stdout)
	}
	if err := os.MkdirAll(filepath.Dir(o.abs), 0o755); err != nil {
		return err
	}
	f, err := os.Create(o.abs)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}
