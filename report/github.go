package report

// GitHub Actions workflow commands (--format github, --annotations)
//
// WriteGitHub writes one line per finding, most severe first (errors,
// then warnings, then notes, each in the order of r.Findings):
//
//	::error file=nodes.yaml,line=42,col=7,endLine=42,endColumn=19,title=EKSSG021::control plane of cluster …
//
// The command is the finding's level (error → ::error, warning →
// ::warning, note → ::notice). Properties that are unknown (0 or "") are
// left out, as @actions/core does; col and endColumn are also left out when
// the region spans several lines, because GitHub accepts columns only on a
// one-line annotation. File errors are errors, after the error findings,
// titled "eks-sg-lint":
//
//	::error file=broken.yaml,line=7,col=2,title=eks-sg-lint::yaml: mapping values are not allowed
//
// Suppressed findings are left out.
//
// GitHub shows at most 10 error, 10 warning and 10 notice annotations of a
// step, taking the first of each level. So at most that many are written;
// when any is left out, the tenth notice says how many, and where they
// are (code scanning, the job summary):
//
//	::notice title=eks-sg-lint::1234 more findings (4 errors, 1230 notes) are not annotated: …
//
// The last line is not a command but the count for the step's log, the
// only line of this output a reader of the log sees:
//
//	eks-sg-lint: 1264 findings (14 errors, 10 warnings, 1240 notes) in 310 of 10000 files; 30 annotated
//
// Every value first goes through safetext.Line (control characters,
// line breaks and bidi controls become visible escapes, as in every other
// human-readable channel), then is encoded exactly as @actions/core's
// command.ts does
// (packages/core/src/command.ts, escapeData and escapeProperty): in the
// message `%`, CR and LF become %25, %0D and %0A; in property values `:`
// and `,` also become %3A and %2C.

import (
	"io"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// githubTitle is the title of file-error annotations.
const githubTitle = "eks-sg-lint"

// MaxAnnotationsPerLevel is how many error, warning and notice
// annotations of one step GitHub shows.
const MaxAnnotationsPerLevel = 10

// annotation is one workflow command; finding is nil for a file error.
type annotation struct {
	loc            graph.Location
	title, message string
	finding        *analyzer.Finding
}

// WriteGitHub writes GitHub Actions workflow commands (::error file=…::),
// one per finding up to what GitHub shows, so pull requests get
// annotations without code scanning, then a count line for the log.
func WriteGitHub(w io.Writer, r *Report) error {
	levels := map[string][]annotation{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !shown(*f) {
			continue
		}
		cmd := githubCommand(f.Level)
		levels[cmd] = append(levels[cmd], annotation{f.Loc, f.RuleID, f.Message, f})
	}
	for _, e := range r.Errors {
		levels["error"] = append(levels["error"], annotation{e.Loc, githubTitle, e.Message, nil})
	}
	noticeBudget := MaxAnnotationsPerLevel
	for _, l := range levels {
		if len(l) > MaxAnnotationsPerLevel {
			noticeBudget-- // the last notice says what was left out
			break
		}
	}
	var b strings.Builder
	var left LeftOut
	written := 0
	for _, cmd := range []string{"error", "warning", "notice"} {
		budget := MaxAnnotationsPerLevel
		if cmd == "notice" {
			budget = noticeBudget
		}
		for i, a := range levels[cmd] {
			switch {
			case i < budget:
				writeCommand(&b, cmd, a.loc, a.title, a.message)
				written++
			case a.finding != nil:
				left.Add(*a.finding)
			default:
				left.FileErrors++
			}
		}
	}
	if left.Total() > 0 || left.FileErrors > 0 {
		writeCommand(&b, "notice", graph.Location{}, githubTitle, left.String()+
			" not annotated: GitHub shows at most 10 annotations of each level per step. "+
			"See code scanning (the SARIF report) or the job summary; eks-sg-lint --format text lists every finding.")
		written++
	}
	b.WriteString("eks-sg-lint: " + SummaryLine(r.Summarize()) + "; " + plural(written, "annotation", "annotations") + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// shown says whether a finding is printed by the annotation and Markdown
// writers: suppressed findings are not (SARIF and JSON keep them; the
// summary line counts them).
func shown(f analyzer.Finding) bool { return f.Suppression == nil }

// githubCommand maps a SARIF level to a workflow command.
func githubCommand(l analyzer.Level) string {
	switch l {
	case analyzer.LevelError:
		return "error"
	case analyzer.LevelWarning:
		return "warning"
	}
	return "notice"
}

// writeCommand appends "::cmd k=v,k=v::message\n".
func writeCommand(b *strings.Builder, cmd string, loc graph.Location, title, message string) {
	type prop struct{ key, value string }
	var props []prop
	num := func(key string, n int) {
		if n > 0 {
			props = append(props, prop{key, strconv.Itoa(n)})
		}
	}
	if loc.File != "" {
		props = append(props, prop{"file", loc.File})
	}
	num("line", loc.Line)
	oneLine := loc.EndLine == 0 || loc.EndLine == loc.Line
	if oneLine {
		num("col", loc.Column)
	}
	num("endLine", loc.EndLine)
	if oneLine {
		num("endColumn", loc.EndColumn)
	}
	if title != "" {
		props = append(props, prop{"title", title})
	}
	b.WriteString("::" + cmd)
	for i, p := range props {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(p.key + "=" + escapeProperty(safetext.Line(p.value)))
	}
	b.WriteString("::" + escapeData(safetext.Line(message)) + "\n")
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// escapeData encodes a workflow command's message (command.ts escapeData).
// After safetext.Line no line break is left; `%` still needs encoding, or
// the runner would decode an input's "%0A" into one.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a workflow command's property value (command.ts
// escapeProperty).
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
