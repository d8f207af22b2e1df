package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/baseline"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/sarif"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// formats are the values of --format, in the order help lists them.
var formats = []string{"text", "json", "sarif", "github", "markdown", "junit", "gitlab", "checkstyle"}

// scanCommand is the root command: scan paths and report.
type scanCommand struct {
	stdout, stderr io.Writer

	input       inputFlags
	rules       ruleChoice
	format      *choiceFlag
	output      string
	failOn      *choiceFlag
	minLevel    *choiceFlag
	color       *choiceFlag
	verbose     bool
	quiet       bool
	showVersion bool
	annotations bool
	summary     string
	// baseline and writeBaseline are --baseline FILE and --write-baseline FILE.
	baseline, writeBaseline string
	noProgress              bool
}

func (s *scanCommand) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	s.format = newChoice("text", formats...)
	choiceVar(cmd, s.format, "format", "output `format`: text, json, sarif, github (workflow-command annotations), markdown, junit (JUnit XML test results), gitlab (GitLab Code Quality JSON) or checkstyle")
	fs.StringVarP(&s.output, "output", "o", "", "write the report to `FILE` instead of standard output (its folder is created)")
	s.failOn = newChoice("warning", "error", "warning", "note", "never")
	choiceVar(cmd, s.failOn, "fail-on", "exit 1 when a shown finding is at or above this `level`: error, warning, note or never")
	s.minLevel = newChoice("note", "error", "warning", "note")
	choiceVar(cmd, s.minLevel, "min-level", "show only findings at or above this `level`: error, warning or note (in every format)")
	s.rules.register(cmd)
	s.input.register(fs)
	s.color = newChoice("auto", "auto", "always", "never")
	choiceVar(cmd, s.color, "color", "colour the text output, `when`: auto (a terminal, and NO_COLOR unset or empty), always or never")
	fs.BoolVarP(&s.verbose, "verbose", "v", false, "verbose: show notifications (what could not be proven, skipped files) and related locations")
	fs.BoolVarP(&s.quiet, "quiet", "q", false, "text output: print the findings only (no summary, no counts); errors go to standard error")
	fs.BoolVar(&s.showVersion, "version", false, "print the version and exit")
	fs.BoolVar(&s.annotations, "annotations", false, "also print GitHub workflow-command annotations on standard output (with --output FILE for the main report)")
	fs.StringVar(&s.summary, "summary", "", "also append the Markdown report to `FILE` (e.g. $GITHUB_STEP_SUMMARY)")
	fs.StringVar(&s.baseline, "baseline", "", "report only findings not in the baseline `FILE` (the others stay in SARIF as suppressed); count entries that no longer match")
	fs.StringVar(&s.writeBaseline, "write-baseline", "", "record every unsuppressed finding in `FILE` (JSON, sorted by fingerprint) and treat them as baselined in this run")
	fs.BoolVar(&s.noProgress, "no-progress", false, "never draw progress (otherwise drawn on standard error when it is a terminal, outside CI, for scans longer than a second)")
	fs.SortFlags = false
}

func (s *scanCommand) run(_ *cobra.Command, paths []string) error {
	stdout, stderr := s.stdout, s.stderr
	if s.showVersion {
		_, err := fmt.Fprint(stdout, versionText())
		return err
	}
	if err := s.rules.validate(); err != nil {
		return err
	}
	if s.quiet && s.verbose {
		return usageErrorf("--quiet and --verbose cannot be combined")
	}
	if s.baseline != "" && s.writeBaseline != "" {
		return usageErrorf("--baseline and --write-baseline cannot be combined: --write-baseline replaces the file")
	}
	opts, err := s.input.options(paths, &s.rules)
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: %s\n", esc(err.Error()))
		return exitCode(2)
	}
	out, err := newOutput("--output", s.output, paths)
	if err != nil {
		return err
	}
	summaryOut, err := newOutput("--summary", s.summary, paths)
	if err != nil {
		return err
	}
	var base *baseline.Baseline
	if s.baseline != "" {
		if base, err = baseline.Read(s.baseline); err != nil {
			fmt.Fprintf(stderr, "eks-sg-lint: --baseline: %s\n", esc(err.Error()))
			return exitCode(2)
		}
	}
	var baseOut *outputFile
	if s.writeBaseline != "" {
		if baseOut, err = newOutput("--write-baseline", s.writeBaseline, paths); err != nil {
			return err
		}
		if baseOut.abs == out.abs && out.abs != "" {
			return usageErrorf("--write-baseline and --output name the same file")
		}
	}
	if wantProgress(stderr, s.noProgress || s.quiet) {
		p := startProgress(stderr)
		opts.Progress = p.update
		rep := scan.Run(paths, opts)
		p.stop()
		return s.report(rep, []*outputFile{out, summaryOut}, base, baseOut)
	}
	return s.report(scan.Run(paths, opts), []*outputFile{out, summaryOut}, base, baseOut)
}

// report writes what the scan found and decides the exit code.
func (s *scanCommand) report(rep *report.Report, outs []*outputFile, base *baseline.Baseline, baseOut *outputFile) error {
	stdout, stderr := s.stdout, s.stderr
	format := s.format.value
	for _, o := range outs {
		if err := o.checkNotInput(rep.Files); err != nil {
			return err
		}
	}
	out := outs[0]
	var stale []baseline.Entry
	if baseOut != nil {
		if err := baseOut.checkNotInput(rep.Files); err != nil {
			return err
		}
		base = baseline.FromFindings("eks-sg-lint", rep.Findings)
		if err := baseOut.write(stdout, base.Write); err != nil {
			fmt.Fprintf(stderr, "eks-sg-lint: writing the baseline: %s\n", esc(err.Error()))
			return exitCode(2)
		}
		base.Apply(rep.Findings, rep.Files, displayPath(baseOut.abs))
	} else if base != nil {
		stale = base.Apply(rep.Findings, rep.Files, displayPath(s.baseline))
	}
	dropBelow(rep, analyzer.Level(s.minLevel.value))

	color := false
	switch s.color.value {
	case "always":
		color = true
	case "auto":
		if f, ok := stdout.(*os.File); ok && out.path == "" {
			color = isTerminal(f) && os.Getenv("NO_COLOR") == ""
		}
	}
	err := out.write(stdout, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		var err error
		switch format {
		case "json":
			err = report.WriteJSON(bw, rep)
		case "sarif":
			err = sarif.Write(bw, rep)
		case "github":
			err = report.WriteGitHub(bw, rep)
		case "markdown":
			err = report.WriteMarkdown(bw, rep)
		case "junit":
			err = report.WriteJUnit(bw, rep)
		case "gitlab":
			err = report.WriteGitLab(bw, rep)
		case "checkstyle":
			err = report.WriteCheckstyle(bw, rep)
		default:
			err = writeText(bw, rep, report.TextOptions{Color: color, Verbose: s.verbose}, s.quiet)
		}
		if err == nil {
			err = bw.Flush()
		}
		return err
	})
	if err == nil && s.annotations && format != "github" {
		err = report.WriteGitHub(stdout, rep)
	}
	if err == nil && s.summary != "" {
		err = appendFile(s.summary, func(w io.Writer) error { return report.WriteMarkdown(w, rep) })
	}
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: writing the report: %s\n", esc(err.Error()))
		return exitCode(2)
	}
	if format != "text" || s.quiet {
		// Machine formats (and --quiet) keep stdout to the report; say on
		// stderr what went wrong.
		for _, e := range rep.Errors {
			fmt.Fprintln(stderr, report.FileErrorLine(e))
		}
	}
	s.input.warnUndeclared(stderr, rep.Graph)
	if len(stale) > 0 {
		fmt.Fprintf(stderr, "eks-sg-lint: %s\n", esc(baseline.Describe(stale, displayPath(s.baseline))))
	}
	if len(rep.Errors) > 0 {
		return exitCode(2)
	}
	threshold := analyzer.Level(s.failOn.value).Rank()
	if s.failOn.value == "never" {
		return nil
	}
	for _, f := range rep.Findings {
		if f.Suppression == nil && f.Level.Rank() >= threshold {
			return exitCode(1)
		}
	}
	return nil
}

// dropBelow removes findings below min from the report: --min-level is
// what is shown, in every format, and what is not shown cannot fail.
func dropBelow(rep *report.Report, min analyzer.Level) {
	kept := rep.Findings[:0]
	for _, f := range rep.Findings {
		if f.Level.Rank() >= min.Rank() {
			kept = append(kept, f)
		}
	}
	rep.Findings = kept
}

// displayPath names a file as output does (relative to the working
// folder when inside it).
func displayPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	wd, _ := os.Getwd()
	return scan.DisplayPath(abs, wd)
}

func isTerminal(f *os.File) bool {
	// A terminal answers the terminal ioctl; a character device such as
	// /dev/null does not (2>/dev/null drew progress into it before).
	return term.IsTerminal(int(f.Fd()))
}

// appendFile appends what write produces to a file (created if missing).
func appendFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}
