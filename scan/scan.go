// Package scan is the driver: it finds files, parses them in parallel,
// links the graph, runs the rules and returns a report. It holds no
// format knowledge and no rule logic.
package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/regularfile"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// DefaultMaxFileSize is the largest file read (larger ones are errors).
const DefaultMaxFileSize = 8 << 20

// Options configure a scan.
type Options struct {
	// Params are CloudFormation parameter values (--param K=V).
	Params map[string]string
	// Rules to run; nil means all.
	Rules []*analyzer.Analyzer
	// MaxFileSize in bytes; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// WorkDir is what output paths are relative to; "" means the
	// process's working directory.
	WorkDir string
	// ToolName and Version label the report.
	ToolName, Version string
	// ExternalSuppression, when set, may silence a finding no in-source
	// suppression covers (the config file's per-path ignores).
	ExternalSuppression func(analyzer.Finding) *analyzer.Suppression
	// Exclude, when set, drops files (by absolute path) from the scan.
	Exclude func(abs string) bool
	// ParamsFor, when set, gives per-file parameter values; Params
	// (the command line) override them.
	ParamsFor func(abs string) map[string]string
	// Progress, when set, is told how far the scan is: stage "read" after
	// each file, with the files read so far and the total (one call at a
	// time, from the parsing goroutines), then "analyse" once (done and
	// total are the files read). The CLI draws it on a terminal.
	Progress func(stage string, done, total int)
	// TerraformVars (--var) and TerraformVarFiles (--var-file, absolute
	// paths) set root module variables, after terraform.tfvars.
	TerraformVars     map[string]string
	TerraformVarFiles []string
}

// extensions of files read when walking folders.
var extensions = map[string]bool{".yaml": true, ".yml": true, ".json": true, ".template": true, ".tf": true}

// skipDirs are folders never walked into. cdk.out is NOT skipped: it holds
// synthesized templates.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

type input struct {
	abs, display string
	explicit     bool
}

type parsed struct {
	in  input
	res parsers.Result
	err *report.FileError
	// ignore: the file is not scanned (not ours, or too large when
	// walked); res.Notes may say why.
	ignore bool
}

// Run scans the paths (files or folders; none means ".").
func Run(paths []string, opts Options) *report.Report {
	rep := &report.Report{ToolName: opts.ToolName, Version: opts.Version, Rules: opts.Rules}
	if rep.Rules == nil {
		rep.Rules = analyzer.All()
	}
	wd := opts.WorkDir
	if wd == "" {
		wd, _ = os.Getwd()
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, p)
		}
		rep.Roots = append(rep.Roots, DisplayPath(abs, wd))
	}
	inputs, errs, walkNotes := collect(paths, wd)
	if opts.Exclude != nil {
		kept := inputs[:0]
		for _, in := range inputs {
			if !opts.Exclude(in.abs) {
				kept = append(kept, in)
			}
		}
		inputs = kept
	}
	rep.Errors = append(rep.Errors, errs...)
	inputs, tfDirs := splitTerraform(inputs)

	results := make([]parsed, len(inputs))
	var progressMu sync.Mutex
	read := 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, in input) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = parseOne(in, opts)
			if opts.Progress != nil {
				progressMu.Lock()
				read++
				opts.Progress("read", read, len(inputs))
				progressMu.Unlock()
			}
		}(i, in)
	}
	wg.Wait()

	notes := walkNotes
	var plans []planFile
	for i := range results {
		p := &results[i]
		notes = append(notes, p.res.Notes...)
		if p.ignore {
			continue
		}
		rep.Files = append(rep.Files, p.in.display)
		if p.err != nil {
			rep.Errors = append(rep.Errors, *p.err)
			continue
		}
		if p.res.Plan != nil {
			plans = append(plans, planFile{abs: p.in.abs, plan: p.res.Plan, docs: &p.res.Docs})
		}
	}
	tfRoots, tfFiles, tfErrs, tfNotes := scanTerraform(tfDirs, wd, opts)
	notes = append(notes, tfNotes...)
	notes = append(notes, pairPlans(plans, tfRoots)...)
	rep.Files, rep.Errors = append(rep.Files, tfFiles...), append(rep.Errors, tfErrs...)
	var docs []*graph.Document
	for _, p := range results {
		if !p.ignore && p.err == nil {
			docs = append(docs, p.res.Docs...)
		}
	}
	var tfAlts []alternatives
	for _, r := range tfRoots {
		if r.doc != nil {
			docs = append(docs, r.doc)
			if r.alt != nil {
				tfAlts = append(tfAlts, *r.alt)
			}
		}
	}
	g := graph.Merge(docs)
	if opts.Progress != nil {
		opts.Progress("analyse", len(inputs), len(inputs))
	}
	findings, ruleNotes := analyzer.Run(g, rep.Rules)
	findings = holdInEveryVariant(findings, tfAlts, rep.Rules)
	rep.Findings = analyzer.ApplySuppressions(findings, g.Suppressions, opts.ExternalSuppression)
	rep.Graph = g
	notes = append(notes, g.Notifications...)
	notes = append(notes, ruleNotes...)
	sortNotes(notes)
	rep.Notifications = notes
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Loc.Less(rep.Errors[j].Loc) })
	return rep
}

func parseOne(in input, opts Options) (p parsed) {
	p.in = in
	defer func() {
		if r := recover(); r != nil {
			p.err = &report.FileError{Loc: graph.Location{File: in.display},
				Message: fmt.Sprintf("internal error while parsing: %v (please report this file)", r)}
		}
	}()
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	data, err := regularfile.Read(in.abs, limit)
	var tooLarge *regularfile.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		msg := err.Error() + "; raise --max-file-size to scan it"
		if !in.explicit {
			// Large data files in a walked folder are not templates people
			// write; say so only with -v.
			p.res.Notes = []graph.Notification{{Level: "note", Loc: graph.Location{File: in.display}, Message: msg + "; skipped"}}
			p.ignore = true
			return p
		}
		p.err = &report.FileError{Loc: graph.Location{File: in.display}, Message: msg}
		return p
	case err != nil:
		p.err = &report.FileError{Loc: graph.Location{File: in.display}, Message: describe(err)}
		return p
	}
	params := opts.Params
	if opts.ParamsFor != nil {
		if perFile := opts.ParamsFor(in.abs); len(perFile) > 0 {
			params = map[string]string{}
			for k, v := range perFile {
				params[k] = v
			}
			for k, v := range opts.Params {
				params[k] = v
			}
		}
	}
	res, err := parsers.Parse(in.display, data, parsers.Options{Params: params})
	p.res = res
	if err == nil && res.Format == "" {
		// Not ours: its duplicate keys are none of our business either.
		p.res.Notes = nil
		if in.explicit {
			p.res.Notes = []graph.Notification{{Level: "note", Loc: graph.Location{File: in.display},
				Message: "not a CloudFormation template, eksctl config or AWS CLI output; skipped"}}
		}
		p.ignore = true
		return p
	}
	if err != nil {
		var fe *parsers.FileError
		loc := graph.Location{File: in.display}
		msg := err.Error()
		if errors.As(err, &fe) {
			loc.Line, loc.Column, msg = fe.Line, fe.Column, fe.Msg
		}
		if !res.Ours {
			// A broken file that is not ours (a Helm template, a JSONC
			// tsconfig.json, a workflow with template syntax): pre-commit
			// names every staged .yaml and .json, so even a named one is
			// skipped, with a word; a walked one silently.
			p.res.Notes = nil
			if in.explicit {
				p.res.Notes = []graph.Notification{{Level: "note", Loc: loc,
					Message: "does not parse (" + msg + ") and is not a CloudFormation template, eksctl config or AWS CLI output; skipped"}}
			}
			p.ignore = true
			return p
		}
		p.err = &report.FileError{Loc: loc, Message: msg}
	}
	return p
}

func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// collect expands paths into files, each once, in sorted order.
// Walked files that are not regular are left out with a notification;
// named ones are kept, for parseOne to report as errors.
func collect(paths []string, wd string) ([]input, []report.FileError, []graph.Notification) {
	var out []input
	var errs []report.FileError
	var notes []graph.Notification
	seen := map[string]bool{}
	// add records a file once; real is its path with every symlink
	// resolved, or "" to resolve it here.
	add := func(abs, real string, explicit bool) {
		key := real
		if key == "" {
			key = abs
			if r, err := filepath.EvalSymlinks(abs); err == nil {
				key = r
			}
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, input{abs: abs, display: DisplayPath(abs, wd), explicit: explicit})
	}
	for _, p := range paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, p)
		}
		st, err := os.Stat(abs)
		if err != nil {
			errs = append(errs, report.FileError{Loc: graph.Location{File: DisplayPath(abs, wd)}, Message: describe(err)})
			continue
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() && parsers.IsTerraformFile(strings.ToLower(abs)) {
				// Other inputs meet this in parseOne; a .tf file is read
				// with its folder, where a walked one is only skipped.
				nr := regularfile.NotRegularError{Mode: st.Mode()}
				errs = append(errs, report.FileError{Loc: graph.Location{File: DisplayPath(abs, wd)}, Message: nr.Error()})
				continue
			}
			add(abs, "", true)
			continue
		}
		// WalkDir does not follow a symlinked root: walk its target and
		// name files under the path the user gave.
		root, rootResolved := abs, false
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			root, rootResolved = real, true
		}
		err = filepath.WalkDir(root, func(walked string, d fs.DirEntry, err error) error {
			path := abs + strings.TrimPrefix(walked, root)
			if err != nil {
				errs = append(errs, report.FileError{Loc: graph.Location{File: DisplayPath(path, wd)}, Message: describe(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != abs && skipDirs[d.Name()] {
					return fs.SkipDir
				}
				return nil
			}
			if !extensions[strings.ToLower(filepath.Ext(path))] {
				return nil
			}
			// Symlinks to folders are not followed (no loops); symlinks
			// to files are read like files. Anything else that is not a
			// regular file (a FIFO would block the scan, a device never
			// end) is skipped with a word.
			skip := func(why string) {
				if strings.EqualFold(filepath.Ext(path), ".tf") {
					// The Terraform loader reads the whole folder and says
					// it skipped this file; hand it the folder even when
					// this is its only .tf file.
					add(path, "", false)
					return
				}
				notes = append(notes, graph.Notification{Level: "warning",
					Loc: graph.Location{File: DisplayPath(path, wd)}, Message: why + "; skipped"})
			}
			real := ""
			if d.Type()&fs.ModeSymlink != 0 {
				st, err := os.Stat(path)
				switch {
				case err != nil:
					skip("symbolic link to nothing readable (" + describe(err) + ")")
					return nil
				case st.IsDir():
					return nil
				case !st.Mode().IsRegular():
					skip("symbolic link to a " + regularfile.Kind(st.Mode()) + ", not a regular file")
					return nil
				}
			} else if !d.Type().IsRegular() {
				skip("not a regular file (" + regularfile.Kind(d.Type()) + ")")
				return nil
			} else if rootResolved {
				// Under a resolved root, WalkDir only descends into real
				// folders: the walked path of a regular file is its real
				// path, without one lstat per path element.
				real = walked
			}
			add(path, real, false)
			return nil
		})
		if err != nil {
			errs = append(errs, report.FileError{Loc: graph.Location{File: DisplayPath(abs, wd)}, Message: describe(err)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].display < out[j].display })
	return out, errs, notes
}

// DisplayPath names a file in output: relative to wd with forward slashes
// when inside it, else absolute (DESIGN.md, "Paths in output").
func DisplayPath(abs, wd string) string {
	abs = filepath.Clean(abs)
	if wd != "" {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}

func sortNotes(ns []graph.Notification) {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].Loc != ns[j].Loc {
			return ns[i].Loc.Less(ns[j].Loc)
		}
		if ns[i].Rule != ns[j].Rule {
			return ns[i].Rule < ns[j].Rule
		}
		return ns[i].Message < ns[j].Message
	})
}
