package cloudformation

import (
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// metadataSuppressions reads a resource's
//
//	Metadata:
//	  eks-sg-lint:
//	    ignore: [EKSSG024]                      # or
//	    ignore: [{rule: EKSSG024, reason: "…"}]
//	    reason: "…"                             # for the plain form
//
// Each suppression covers the resource's lines.
func (t *template) metadataSuppressions(r *resource) {
	cfg := yamltree.Get(r.metadata, "eks-sg-lint")
	if cfg == nil {
		return
	}
	from, to := r.key.Line, lastLine(r.node)
	base := graph.Suppression{Kind: "inSource", File: t.file, FromLine: from, ToLine: to}
	ignore := yamltree.Get(cfg, "ignore")
	if ignore == nil || cfg.Kind != yaml.MappingNode {
		t.notify(cfg, "Metadata eks-sg-lint of %s has no ignore list; expected ignore: [RULE, …]", r.id)
		return
	}
	reason := ""
	if n := yamltree.Get(cfg, "reason"); n != nil && n.Kind == yaml.ScalarNode {
		reason = n.Value
	}
	items := []*yaml.Node{ignore}
	if ignore.Kind == yaml.SequenceNode {
		items = ignore.Content
	}
	for _, it := range items {
		s := base
		s.Loc = t.loc(it)
		switch it.Kind {
		case yaml.ScalarNode:
			s.Rules, s.Reason = []string{strings.ToUpper(strings.TrimSpace(it.Value))}, reason
		case yaml.MappingNode:
			id := yamltree.Get(it, "rule")
			if id == nil {
				id = yamltree.Get(it, "id")
			}
			if id != nil {
				s.Rules = []string{strings.ToUpper(strings.TrimSpace(id.Value))}
			}
			if n := yamltree.Get(it, "reason"); n != nil {
				s.Reason = n.Value
			} else {
				s.Reason = reason
			}
		default:
			t.notify(it, "Metadata eks-sg-lint ignore entries of %s must be rule IDs or {rule, reason} mappings", r.id)
			continue
		}
		t.doc.Suppressions = append(t.doc.Suppressions, s)
	}
}

// lastLine is the last line a node (and its children) spans.
func lastLine(n *yaml.Node) int {
	max := 0
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == nil {
			continue
		}
		end := x.Line
		if x.Kind == yaml.ScalarNode {
			end += strings.Count(strings.TrimRight(x.Value, "\n"), "\n")
		}
		if end > max {
			max = end
		}
		stack = append(stack, x.Content...)
	}
	return max
}
