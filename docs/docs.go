// Package docs holds the rule pages, docs/rules/<ID>.md: one page per rule,
// the single source of the text that `eks-sg-lint explain <ID>` prints, that
// the SARIF writer puts in each rule's help.markdown, and that the
// repository shows (each rule's helpUri points at it).
//
// This package imports nothing of the module, so any package may import it.
package docs

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed rules/*.md
var pages embed.FS

// Rule returns the Markdown page of a rule, by ID (case-insensitive, e.g.
// "EKSSG021" or "ekssg021"); ok is false when there is no such page.
func Rule(id string) (string, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return "", false
	}
	data, err := pages.ReadFile("rules/" + id + ".md")
	if err != nil {
		return "", false
	}
	return string(data), true
}

// IDs lists the rule IDs that have a page, sorted.
func IDs() []string {
	names, _ := fs.Glob(pages, "rules/*.md")
	ids := make([]string, 0, len(names))
	for _, n := range names {
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(n, "rules/"), ".md"))
	}
	sort.Strings(ids)
	return ids
}
