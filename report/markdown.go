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
// Findings keep the order of the Report; suppressed ones are left out of
// the table (the count line says how many there are). Table cells are
// escaped so that no message can break the table or inject Markdown or
// HTML; Mermaid labels are escaped as in diagram.go.

import (
	"io"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
)

// WriteMarkdown writes a Markdown summary for pull requests and job
// summaries: a findings table linking rule docs and a Mermaid diagram per
// cluster.
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
		b.WriteString("| Level | Rule | Location | Message |\n|---|---|---|---|\n")
		for _, f := range findings {
			b.WriteString("| " + mdLevel(f.Level) + " | " + mdRule(f.RuleID) + " | " +
				mdCode(locText(f.Loc.File, f.Loc.Line), true) + " | " + mdText(f.Message) + " |\n")
		}
		b.WriteString("\n")
	}

	if len(r.Errors) > 0 {
		b.WriteString("### Files that could not be read\n\n")
		for _, e := range r.Errors {
			b.WriteString("- " + mdCode(locText(e.Loc.File, e.Loc.Line), false) + ": " + mdText(e.Message) + "\n")
		}
		b.WriteString("\n")
	}

	b.WriteString("### Security-group flows\n\n")
	ds := buildDiagrams(r.Graph, mermaidLimits)
	if len(ds) == 0 {
		b.WriteString(mdText(strings.ToUpper(noClustersText[:1])+noClustersText[1:]) + ".\n")
	} else {
		b.WriteString("Flows between each control plane and its nodes that AWS requires (TCP 443, TCP 10250) " +
			"or recommends (TCP 1025-65535, all traffic between nodes): " +
			"✓ allowed (green), ✗ blocked (red), partly ✗ partly blocked (amber), " +
			"? not provable from the files (grey, dashed).\n")
		for _, d := range ds {
			b.WriteString("\n#### " + mdText(d.title) + "\n\n")
			if d.omitted != "" {
				b.WriteString(mdText(strings.ToUpper(d.omitted[:1])+d.omitted[1:]) + ".\n\n")
			}
			b.WriteString("```mermaid\n")
			writeMermaid(&b, d)
			b.WriteString("```\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
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
