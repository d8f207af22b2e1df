package terraform

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

var hcljsonParse = hcljson.Parse

// trie holds the attribute paths a module refers to below one resource
// (after its instance key): the shape instance values must have.
type trie struct {
	next map[step]*trie
}

// step is an attribute name or a numeric index.
type step struct {
	name  string
	index *int
	idx   int
}

func attrKey(name string) step { return step{name: name} }

func indexKey(i int) step { return step{index: &indexes[min(i, len(indexes)-1)], idx: i} }

// indexes gives each small index one pointer, so steps compare equal.
var indexes = func() []int {
	out := make([]int, 64)
	for i := range out {
		out[i] = i
	}
	return out
}()

func (t *trie) child(k step) *trie {
	if t.next == nil {
		t.next = map[step]*trie{}
	}
	c := t.next[k]
	if c == nil {
		c = &trie{}
		t.next[k] = c
	}
	return c
}

func (t *trie) orEmpty() *trie {
	if t == nil {
		return &trie{}
	}
	return t
}

func (t *trie) keys() []step {
	out := make([]step, 0, len(t.next))
	for k := range t.next {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].idx < out[j].idx
	})
	return out
}

// referencePaths collects, for each resource of the module, the attribute
// paths its expressions refer to (computed once per module folder).
func (m *moduleConfig) referencePaths() map[string]*trie {
	if m.refs != nil {
		return m.refs
	}
	m.refs = map[string]*trie{}
	var visit func(body hcl.Body, depth int)
	visit = func(body hcl.Body, depth int) {
		if depth > 32 {
			return
		}
		attrs, blocks := bodyContent(body)
		for _, a := range attrs {
			for _, t := range a.Expr.Variables() {
				m.addRef(t)
			}
		}
		for _, b := range blocks {
			visit(b.Body, depth+1)
		}
	}
	for _, r := range m.resources {
		visit(r.body, 0)
	}
	for _, c := range m.calls {
		visit(c.body, 0)
	}
	for _, a := range m.locals {
		for _, t := range a.Expr.Variables() {
			m.addRef(t)
		}
	}
	for _, a := range m.outputs {
		for _, t := range a.Expr.Variables() {
			m.addRef(t)
		}
	}
	return m.refs
}

func (m *moduleConfig) addRef(t hcl.Traversal) {
	root := t.RootName()
	rest := t[1:]
	var addr string
	if root == "data" {
		if len(rest) < 2 {
			return
		}
		addr = "data." + attrStep(t, 1) + "." + attrStep(t, 2)
		rest = rest[2:]
	} else {
		if len(rest) < 1 {
			return
		}
		addr = root + "." + attrStep(t, 1)
		rest = rest[1:]
	}
	r := m.resources[addr]
	if r == nil {
		return
	}
	if (r.count != nil || r.forEach != nil) && len(rest) > 0 {
		if _, ok := rest[0].(hcl.TraverseIndex); ok {
			rest = rest[1:]
		}
	}
	node := m.refs[addr]
	if node == nil {
		node = &trie{}
		m.refs[addr] = node
	}
	for _, s := range rest {
		switch s := s.(type) {
		case hcl.TraverseAttr:
			node = node.child(attrKey(s.Name))
		case hcl.TraverseIndex:
			k := s.Key
			if k.IsKnown() && !k.IsNull() && k.Type() == cty.Number {
				if i, ok := knownInt(k); ok && i < 64 {
					node = node.child(indexKey(i))
					continue
				}
			}
			if k.IsKnown() && !k.IsNull() && k.Type() == cty.String {
				node = node.child(attrKey(k.AsString()))
				continue
			}
			return
		default:
			return
		}
	}
}
