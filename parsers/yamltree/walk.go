package yamltree

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// stat describes a subtree as it is after alias expansion.
type stat struct {
	size   int64 // nodes
	height int   // nesting of mappings and sequences
	done   bool  // false while the node is still being walked (an ancestor)
}

// walker post-processes parsed documents: it checks nesting depth, expands
// aliases in place while bounding the expanded size, and drops duplicate
// mapping keys. One walker serves all documents of a stream, because yaml.v3
// lets an alias refer to an anchor in an earlier document.
type walker struct {
	opts     Options
	stats    map[*yaml.Node]*stat // anchored nodes, memoised for their aliases
	expanded int64                // nodes added by alias expansion so far
	warnings []Warning
}

type frame struct {
	n      *yaml.Node
	depth  int   // mappings/sequences from the root down to n, n included
	next   int   // next child to visit
	size   int64 // expanded size of the children visited so far
	height int   // greatest expanded height among those children
}

func isCollection(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode
}

// walk visits every node of doc once, iteratively (the tree may be 10000
// deep). Aliases are not descended into: their target was walked already
// (anchors precede aliases), so its memoised stat gives the expanded size
// without materialising anything.
func (w *walker) walk(doc *yaml.Node) error {
	stack := []frame{{n: doc}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next < len(f.n.Content) {
			i := f.next
			f.next++
			c := f.n.Content[i]
			if c.Kind == yaml.AliasNode {
				s, err := w.alias(c, f.depth)
				if err != nil {
					return err
				}
				f.n.Content[i] = c.Alias // expand in place, sharing the target
				f.size += s.size
				f.height = max(f.height, s.height)
				continue
			}
			depth := f.depth
			if isCollection(c) {
				depth++
				if depth > w.opts.MaxDepth {
					return &Error{Line: c.Line, Column: c.Column,
						Msg: fmt.Sprintf("nesting exceeds maximum depth of %d", w.opts.MaxDepth)}
				}
			}
			if c.Anchor != "" {
				w.remember(c, &stat{}) // in progress: an alias to it now is a cycle
			}
			stack = append(stack, frame{n: c, depth: depth}) // f is stale from here
			continue
		}

		// All children visited.
		s := stat{size: 1 + f.size, height: f.height, done: true}
		if isCollection(f.n) {
			s.height++
		}
		if f.n.Kind == yaml.MappingNode {
			w.dedupe(f.n)
		}
		if f.n.Anchor != "" {
			// A copy: taking s's own address would move s to the heap for
			// every node, anchored or not.
			anchored := s
			w.remember(f.n, &anchored)
		}
		stack = stack[:len(stack)-1]
		if len(stack) > 0 {
			p := &stack[len(stack)-1]
			p.size += s.size
			p.height = max(p.height, s.height)
		}
	}
	return nil
}

// remember records an anchored node's stat (the map is made on first use:
// most documents have no anchors).
func (w *walker) remember(n *yaml.Node, s *stat) {
	if w.stats == nil {
		w.stats = map[*yaml.Node]*stat{}
	}
	w.stats[n] = s
}

// alias checks one alias found at the given depth and returns its target's
// stat.
func (w *walker) alias(a *yaml.Node, depth int) (*stat, error) {
	s := w.stats[a.Alias]
	if a.Alias == nil || s == nil {
		// yaml.v3 rejects unknown anchors itself; be safe anyway.
		return nil, &Error{Line: a.Line, Column: a.Column, Msg: fmt.Sprintf("alias *%s refers to an unknown anchor", a.Value)}
	}
	if !s.done {
		return nil, &Error{Line: a.Line, Column: a.Column,
			Msg: fmt.Sprintf("alias *%s refers to its own ancestor (a cycle)", a.Value)}
	}
	w.expanded += s.size
	if w.expanded > int64(w.opts.MaxAliasExpansion) {
		return nil, &Error{Line: a.Line, Column: a.Column,
			Msg: fmt.Sprintf("alias expansion exceeds %d nodes (billion laughs?)", w.opts.MaxAliasExpansion)}
	}
	if depth+s.height > w.opts.MaxDepth {
		return nil, &Error{Line: a.Line, Column: a.Column,
			Msg: fmt.Sprintf("nesting exceeds maximum depth of %d once alias *%s is expanded", w.opts.MaxDepth, a.Value)}
	}
	return s, nil
}

// dedupe removes every key/value pair of mapping m whose scalar key appears
// again later, so the later one wins as in common loaders, and warns.
// yaml.v3's node tree keeps duplicates silently.
func (w *walker) dedupe(m *yaml.Node) {
	c := m.Content
	if len(c)%2 != 0 || len(c) < 4 {
		return
	}
	dropped := false
	if len(c) <= 2*smallMapping {
		dropped = w.dedupeSmall(c)
	} else {
		dropped = w.dedupeLarge(c)
	}
	if !dropped {
		return
	}
	out := c[:0]
	for i := 0; i < len(c); i += 2 {
		if c[i] != nil {
			out = append(out, c[i], c[i+1])
		}
	}
	m.Content = out
}

// smallMapping is the number of keys up to which comparing every pair is
// cheaper than building a map (most mappings of a template have a handful).
const smallMapping = 16

// dedupeSmall finds duplicates by comparing each key with the earlier ones;
// like dedupeLarge it sets every overridden key to nil and warns with the
// latest earlier occurrence.
func (w *walker) dedupeSmall(c []*yaml.Node) (dropped bool) {
	for i := 2; i < len(c); i += 2 {
		k := c[i]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		// Earlier occurrences of k's key were set to nil when their next
		// one was found, so the first match going back is the latest.
		for j := i - 2; j >= 0; j -= 2 {
			if p := c[j]; p != nil && p.Kind == yaml.ScalarNode && p.Value == k.Value && p.Tag == k.Tag {
				w.duplicate(p, k)
				c[j] = nil
				dropped = true
				break
			}
		}
	}
	return dropped
}

func (w *walker) dedupeLarge(c []*yaml.Node) (dropped bool) {
	type key struct{ tag, value string }
	last := make(map[key]int, len(c)/2) // key -> index in c of its latest occurrence
	for i := 0; i < len(c); i += 2 {
		k := c[i]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		id := key{k.Tag, k.Value}
		if j, ok := last[id]; ok {
			w.duplicate(c[j], k)
			c[j] = nil
			dropped = true
		}
		last[id] = i
	}
	return dropped
}

func (w *walker) duplicate(earlier, later *yaml.Node) {
	w.warnings = append(w.warnings, Warning{Line: later.Line, Column: later.Column,
		Msg: fmt.Sprintf("duplicate key %q at lines %d and %d; the later one is used", later.Value, earlier.Line, later.Line)})
}
