package report

// What GitHub accepts (DESIGN.md, "Output at scale"): past each limit the
// writers keep the most severe findings and say, in the same channel, how
// many were left out.

import (
	"fmt"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
)

// severity orders findings for the limits: unsuppressed errors, warnings
// and notes, then suppressed ones (dismissed in code scanning, never
// counted towards --fail-on) in the same order.
func severity(f analyzer.Finding) int {
	r := f.Level.Rank()
	if f.Level == "" {
		r = analyzer.LevelNote.Rank() // Summarize counts no level as a note
	}
	if f.Suppression != nil {
		return r
	}
	return 10 + r
}

// MostSevereFirst returns the indices of findings, most severe first and
// otherwise in their order (the report's sorted order).
func MostSevereFirst(findings []analyzer.Finding) []int {
	idx := make([]int, len(findings))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return severity(findings[idx[a]]) > severity(findings[idx[b]])
	})
	return idx
}

// LeftOut describes findings that a size limit kept out of a channel, for
// the "N more" line: "3 more findings (1 error, 2 notes)".
type LeftOut struct {
	Errors, Warnings, Notes, Suppressed int
	// FileErrors are files that could not be read, not findings.
	FileErrors int
}

// Add counts one finding.
func (l *LeftOut) Add(f analyzer.Finding) {
	switch {
	case f.Suppression != nil:
		l.Suppressed++
	case f.Level == analyzer.LevelError:
		l.Errors++
	case f.Level == analyzer.LevelWarning:
		l.Warnings++
	default:
		l.Notes++
	}
}

// Total is the number of findings counted.
func (l LeftOut) Total() int { return l.Errors + l.Warnings + l.Notes + l.Suppressed }

// String is "N more finding(s) (E errors, W warnings, N notes, S
// suppressed)", zero counts left out, with " and F more files that could
// not be read" when files are counted.
func (l LeftOut) String() string {
	var parts []string
	for _, c := range []struct {
		n           int
		one, plural string
	}{
		{l.Errors, "error", "errors"}, {l.Warnings, "warning", "warnings"},
		{l.Notes, "note", "notes"}, {l.Suppressed, "suppressed", "suppressed"},
	} {
		if c.n > 0 {
			parts = append(parts, plural(c.n, c.one, c.plural))
		}
	}
	s := fmt.Sprintf("%d more %s", l.Total(), pluralWord(l.Total(), "finding", "findings"))
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if l.FileErrors > 0 {
		s += fmt.Sprintf(" and %d more %s that could not be read", l.FileErrors, pluralWord(l.FileErrors, "file", "files"))
	}
	return s
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
