package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// TextOptions controls WriteText.
type TextOptions struct {
	// Color adds ANSI colours: the level word (red error, yellow warning,
	// cyan note) and bold paths. The caller decides (terminal, NO_COLOR).
	Color bool
	// Verbose adds the related locations of findings and the
	// notifications.
	Verbose bool
	// Quiet writes the finding lines only: no file errors, notifications
	// or summary line (the caller prints errors elsewhere).
	Quiet bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// WriteText writes the report for people, one line per finding in the
// order of r.Findings:
//
//	path:line:col: level RULEID message
//
// followed (Verbose only) by the finding's related locations, each on its
// own line indented by four spaces as "path:line:col: message",
// then every file error as "path:line:col: error: message", then (Verbose
// only) every notification as "path:line:col: note: [RULE] message", and
// last a summary line such as
//
//	3 findings (1 error, 2 warnings) in 2 of 14 files; 1 file could not be read
//
// Line and column are left out when unknown (0). Every string from the
// report goes through safetext.Line: paths, rule IDs and messages carry
// text the inputs chose, and none of it may break a line or reach the
// terminal as a control sequence.
func WriteText(w io.Writer, r *Report, opts TextOptions) error {
	tw := &textWriter{w: w, color: opts.Color}
	for _, f := range r.Findings {
		if f.Suppression != nil {
			continue // counted in the summary line; listed in SARIF and JSON
		}
		tw.printf("%s%s %s %s\n", tw.loc(f.Loc), tw.level(string(f.Level)), safetext.Line(f.RuleID), safetext.Line(f.Message))
		if opts.Verbose {
			for _, rel := range f.Related {
				loc, msg := tw.loc(rel.Loc), safetext.Line(rel.Message)
				if loc == "" { // the message begins the line
					msg = safetext.LineStart(rel.Message)
				}
				tw.printf("    %s%s\n", loc, msg)
			}
		}
	}
	if opts.Quiet {
		return tw.err
	}
	for _, e := range r.Errors {
		tw.printf("%s%s: %s\n", tw.loc(e.Loc), tw.level("error"), safetext.Line(e.Message))
	}
	if opts.Verbose {
		for _, n := range r.Notifications {
			level := n.Level
			if level == "" {
				level = "note"
			}
			rule := ""
			if n.Rule != "" {
				rule = "[" + safetext.Line(n.Rule) + "] "
			}
			tw.printf("%s%s: %s%s\n", tw.loc(n.Loc), tw.level(level), rule, safetext.Line(n.Message))
		}
	}
	tw.printf("%s\n", SummaryLine(r.Summarize()))
	return tw.err
}

// SummaryLine is the last line of the text output, without newline:
// "3 findings (1 error, 2 warnings) in 2 of 14 files", "no findings in 14
// files", with "; 2 files could not be read" appended when files failed.
func SummaryLine(s Summary) string {
	var b strings.Builder
	if s.Findings == 0 {
		fmt.Fprintf(&b, "no findings in %s", plural(s.FilesScanned, "file", "files"))
	} else {
		var levels []string
		for _, l := range []struct {
			n         int
			one, many string
		}{
			{s.Errors, "error", "errors"},
			{s.Warnings, "warning", "warnings"},
			{s.Notes, "note", "notes"},
		} {
			if l.n > 0 {
				levels = append(levels, plural(l.n, l.one, l.many))
			}
		}
		b.WriteString(plural(s.Findings, "finding", "findings"))
		if len(levels) > 0 {
			b.WriteString(" (" + strings.Join(levels, ", ") + ")")
		}
		fmt.Fprintf(&b, " in %d of %s", s.FilesWithFindings, plural(s.FilesScanned, "file", "files"))
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "; %d suppressed", s.Suppressed)
	}
	if s.FileErrors > 0 {
		fmt.Fprintf(&b, "; %s could not be read", plural(s.FileErrors, "file", "files"))
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

// loc renders "path:line:col: ", "path:line: " (no column), "path: " (no
// line) or "" (no file).
func (t *textWriter) loc(l graph.Location) string {
	if l.File == "" {
		return ""
	}
	s := PathText(l.File)
	if t.color {
		s = ansiBold + s + ansiReset
	}
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
		if l.Column > 0 {
			s += ":" + strconv.Itoa(l.Column)
		}
	}
	return s + ": "
}

// PathText is a file name as the first thing on a line: safetext.Line, and
// "./" before a relative name that starts with ':' or white space (any the
// runner trims, safetext.LineStart), so that a file named
// "::stop-commands::x.yaml" or "\u00a0::stop-commands::x.yaml" cannot
// start a workflow command.
func PathText(file string) string {
	s := safetext.Line(file)
	if t := safetext.TrimLineStart(s); t != s || strings.HasPrefix(t, ":") {
		s = "./" + s
	}
	return s
}

// FileErrorLine is a file error as one line (no newline) for stderr:
// "path:line:col: error: message", escaped as the text output is.
func FileErrorLine(e FileError) string {
	loc := (&textWriter{}).loc(e.Loc)
	return loc + "error: " + safetext.Line(e.Message)
}

func (t *textWriter) level(l string) string {
	if !t.color {
		return safetext.Line(l)
	}
	var c string
	switch l {
	case "error":
		c = ansiRed
	case "warning":
		c = ansiYellow
	case "note":
		c = ansiCyan
	default:
		return safetext.Line(l)
	}
	return c + l + ansiReset
}
