package report

// Markdown output (--format markdown, --summary FILE)
//
// For pull-request comments and $GITHUB_STEP_SUMMARY. WriteMarkdown writes:
//
//	## eks-sg-lint 1.2.3
//
//	2 findings (1 error, 1 warning) in 1 of 1 file
//
//	| Level | Rule | Location | Message |
//	|---|---|---|---|
//	| 🔴 error | [EKSSG002](https://…/EKSSG002.md) | `nodes.yaml:52` | … |
//
//	### Files that could not be read        (only when some failed)
//	- `broken.yaml:7`: yaml: …
//
//	### Security-group flows
//	#### cluster "search"
//	```mermaid
//	flowchart LR
//	…
//	```
//
// Findings are listed most severe first (otherwise in the order of the
// Report); suppressed ones are left out of the table (the count line says
// how many there are). The summary stays under the 1 MiB GitHub shows: the
// table, the list of unreadable files and the diagrams each have a share
// (see MaxSummaryBytes), past which a line says how many more there are;
// clusters with blocked flows are drawn first, and with more than
// openDiagrams clusters each diagram is in a collapsed <details> section. Table cells are
// escaped so that no message can break the table or inject Markdown or
// HTML; Mermaid labels are escaped as in diagram.go.

import (
	"io"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// A job summary over 1 MiB is dropped by GitHub (DESIGN.md, "Output at
// scale"). Each section has a share of that, and past it the most severe
// entries are kept and one line says how many more there are.
const (
	// MaxSummaryBytes is the largest job summary GitHub shows.
	MaxSummaryBytes = 1 << 20
	// maxTableRows and tableBytes bound the findings table.
	maxTableRows = 1000
	tableBytes   = 400 << 10
	// maxErrorLines and errorBytes bound the list of unreadable files.
	maxErrorLines = 100
	errorBytes    = 40 << 10
	// maxDiagrams and diagramBytes bound the diagrams; each Mermaid
	// diagram is itself bounded by mermaidLimits (about 50 KB at most).
	maxDiagrams  = 20
	diagramBytes = 450 << 10
	// openDiagrams: with more clusters than this, every diagram is in a
	// collapsed section.
	openDiagrams = 3
)

// WriteMarkdown writes a Markdown summary for pull requests and job
// summaries: a findings table linking rule docs (most severe first) and a
// Mermaid diagram per cluster (clusters with blocked flows first), within
// MaxSummaryBytes.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	name := r.ToolName
	if name == "" {
		name = "eks-sg-lint"
	}
	b.WriteString("## " + mdText(strings.TrimSpace(name+" "+r.Version)) + "\n\n")

	var findings []analyzer.Finding
	for _, f := range r.Findings {
		if shown(f) {
			findings = append(findings, f)
		}
	}
	line := SummaryLine(r.Summarize())
	if len(findings) == 0 && len(r.Errors) == 0 {
		line = "✅ " + line
	}
	b.WriteString(mdText(line) + "\n\n")

	if len(findings) > 0 {
		start := b.Len()
		b.WriteString("| Level | Rule | Location | Message |\n|---|---|---|---|\n")
		var left LeftOut
		for n, i := range MostSevereFirst(findings) {
			f := findings[i]
			row := "| " + mdLevel(f.Level) + " | " + mdRule(f.RuleID) + " | " +
				mdCode(locText(f.Loc.File, f.Loc.Line), true) + " | " + mdText(f.Message) + " |\n"
			if left.Total() > 0 || n >= maxTableRows || b.Len()-start+len(row) > tableBytes {
				left.Add(f)
				continue
			}
			b.WriteString(row)
		}
		b.WriteString("\n")
		if left.Total() > 0 {
			b.WriteString(mdText(capitalize(left.String())+" are not listed (a job summary holds at most 1 MiB); "+
				"see code scanning (the SARIF report); eks-sg-lint --format text lists every finding.") + "\n\n")
		}
	}

	if len(r.Errors) > 0 {
		b.WriteString("### Files that could not be read\n\n")
		collapsed := len(r.Errors) > 10
		if collapsed {
			b.WriteString("<details><summary>" + mdText(plural(len(r.Errors), "file", "files")) + "</summary>\n\n")
		}
		start, more := b.Len(), 0
		for i, e := range r.Errors {
			item := "- " + mdCode(locText(e.Loc.File, e.Loc.Line), false) + ": " + mdText(e.Message) + "\n"
			if more > 0 || i >= maxErrorLines || b.Len()-start+len(item) > errorBytes {
				more++
				continue
			}
			b.WriteString(item)
		}
		if more > 0 {
			b.WriteString("- " + mdText(plural(more, "more file", "more files")) + " (eks-sg-lint --format text lists them all)\n")
		}
		if collapsed {
			b.WriteString("\n</details>\n")
		}
		b.WriteString("\n")
	}

	b.WriteString("### Security-group flows\n\n")
	ds := buildDiagrams(r.Graph, mermaidLimits)
	if len(ds) == 0 {
		b.WriteString(mdText(capitalize(noClustersText)) + ".\n")
	} else {
		b.WriteString("Flows between each control plane and its nodes that AWS requires (TCP 443, TCP 10250) " +
			"or recommends (TCP 1025-65535, all traffic between nodes): " +
			"✓ allowed (green), ✗ blocked (red), partly ✗ partly blocked (amber), " +
			"? not provable from the files (grey, dashed).\n")
		sortBySeverity(ds)
		collapsed := len(ds) > openDiagrams
		start, more := b.Len(), 0
		for i, d := range ds {
			var sec strings.Builder
			if collapsed {
				sec.WriteString("\n<details><summary>" + mdText(d.title+" ("+d.worst().summary()+")") + "</summary>\n\n")
			} else {
				sec.WriteString("\n#### " + mdText(d.title) + "\n\n")
			}
			if d.omitted != "" {
				sec.WriteString(mdText(capitalize(d.omitted)) + ".\n\n")
			}
			sec.WriteString("```mermaid\n")
			writeMermaid(&sec, d)
			sec.WriteString("```\n")
			if collapsed {
				sec.WriteString("\n</details>\n")
			}
			if more > 0 || i >= maxDiagrams || b.Len()-start+sec.Len() > diagramBytes {
				more++
				continue
			}
			b.WriteString(sec.String())
		}
		if more > 0 {
			b.WriteString("\n" + mdText(plural(more, "more cluster is", "more clusters are")+
				" not drawn here (a job summary holds at most 1 MiB); eks-sg-lint graph --format dot draws every cluster.") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// capitalize upper-cases the first letter of an ASCII sentence.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// locText is "path:line", or "path" when the line is unknown.
func locText(file string, line int) string {
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

func mdLevel(l analyzer.Level) string {
	switch l {
	case analyzer.LevelError:
		return "🔴 error"
	case analyzer.LevelWarning:
		return "🟠 warning"
	case analyzer.LevelNote, "": // Summarize counts no level as a note
		return "🔵 note"
	}
	return mdText(string(l))
}

// mdRule links a rule ID to its documentation when the rule is known.
func mdRule(id string) string {
	if a := analyzer.ByID(id); a != nil {
		return "[" + mdText(id) + "](" + a.HelpURI() + ")"
	}
	return mdText(id)
}

// mdEscaper makes text safe in a table cell: Markdown punctuation that
// could start emphasis, code, links or HTML is backslash-escaped, `|` too
// (GFM splits cells on it even inside code spans).
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", `\&`,
)

// mdText is untrusted text in Markdown: safetext.Line first (line breaks
// and control characters become visible escapes, as in every channel),
// then Markdown punctuation.
func mdText(s string) string { return mdEscaper.Replace(safetext.Line(s)) }

// mdCode is a code span holding s verbatim (a path), with a backtick fence
// longer than any backtick run in s; in a table cell `|` is escaped as GFM
// requires (the backslash does not show); safetext.Line leaves no line
// break (a code span cannot hold one) nor control character.
func mdCode(s string, inTable bool) string {
	s = safetext.Line(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
