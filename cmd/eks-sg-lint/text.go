package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// writeText is the text report followed, when there are findings, by one
// line per rule: its ID, how many findings it has and its name, sorted by
// ID. --quiet prints the finding lines only.
func writeText(w io.Writer, rep *report.Report, opts report.TextOptions, quiet bool) error {
	opts.Quiet = quiet
	if err := report.WriteText(w, rep, opts); err != nil || quiet {
		return err
	}
	counts := map[string]int{}
	for _, f := range rep.Findings {
		if f.Suppression == nil {
			counts[f.RuleID]++
		}
	}
	ids := make([]string, 0, len(counts))
	width := 1
	for id, n := range counts {
		ids = append(ids, id)
		width = max(width, len(fmt.Sprint(n)))
	}
	sort.Strings(ids)
	for _, id := range ids {
		name := ""
		if a := analyzer.ByID(id); a != nil {
			name = a.Name
		}
		if _, err := fmt.Fprintf(w, "  %s %s: %d\n", esc(id), name, counts[id]); err != nil {
			return err
		}
	}
	return nil
}
