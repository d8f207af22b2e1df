package yamltree

import (
	"strings"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	yaml "go.yaml.in/yaml/v3"
)

// Helpers every parser uses to read node trees.

// Get returns the value of key in a mapping node (the last one, should
// duplicates survive), or nil.
func Get(m *yaml.Node, key string) *yaml.Node {
	if k := Key(m, key); k != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i] == k {
				return m.Content[i+1]
			}
		}
	}
	return nil
}

// Key returns the key node of key in a mapping, for locations.
func Key(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			out = m.Content[i]
		}
	}
	return out
}

// Loc is a node's location in file; a one-line scalar also gets its end
// column (the node tree has no end positions), quotes included.
func Loc(file string, n *yaml.Node) graph.Location {
	if n == nil {
		return graph.Location{File: file}
	}
	l := graph.Location{File: file, Line: n.Line, Column: n.Column}
	if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") {
		w := utf8.RuneCountInString(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		l.EndLine, l.EndColumn = n.Line, n.Column+w
	}
	return l
}

// Root is a document's top-level node (nil for an empty document).
func Root(doc *yaml.Node) *yaml.Node {
	if doc == nil {
		return nil
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	return doc
}
