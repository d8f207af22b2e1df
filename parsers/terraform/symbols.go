package terraform

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/zclconf/go-cty/cty"
)

var ctyString = cty.String

// A symbol stands for a value Terraform knows only after apply (a
// resource's `id`, a cluster's `cluster_security_group_id`) or a root
// variable nobody set. It travels through the evaluator as a known string
// holding a sentinel, "\x00s<n>\x00": concat, distinct, join, format,
// lookup and the rest carry it unchanged, and equal symbols stay equal. A
// function that must read the value (upper, substr, cidrsubnet…) mangles
// or drops the sentinel; a string with a mangled sentinel is unknown.
type symbolKind uint8

const (
	symResource symbolKind = iota // an attribute of a managed resource instance
	symData                       // an attribute of a data source instance
	symVar                        // a root variable with no value
)

type symbol struct {
	kind symbolKind
	// scope is the module instance ("" for the root, "module.x" …).
	scope string
	// addr is the resource instance's address within its module
	// (`aws_security_group.nodes["a"]`), or the variable's name.
	addr string
	// attr is the attribute path (`id`, `vpc_config[0].cluster_security_group_id`).
	attr string
	// inst is the resource instance, for symbols of resources.
	inst *instance
}

// full is the symbol's address as Terraform would write it.
func (s symbol) full() string {
	p := s.addr
	if s.kind == symVar {
		p = "var." + s.addr
	}
	if s.scope != "" {
		p = s.scope + "." + p
	}
	if s.attr != "" {
		p += "." + s.attr
	}
	return p
}

// symbols is the table of one root module's evaluation.
type symbols struct {
	list  []symbol
	index map[string]int
}

func (t *symbols) sentinel(s symbol) cty.Value {
	if t.index == nil {
		t.index = map[string]int{}
	}
	key := strconv.Itoa(int(s.kind)) + "|" + s.scope + "|" + s.addr + "|" + s.attr
	n, ok := t.index[key]
	if !ok {
		n = len(t.list)
		t.list = append(t.list, s)
		t.index[key] = n
	}
	return cty.StringVal("\x00s" + strconv.Itoa(n) + "\x00")
}

// split cuts a string into literal text and symbols; ok is false when it
// holds a mangled sentinel.
func (t *symbols) split(s string) (parts []part, ok bool) {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			if s != "" {
				parts = append(parts, part{text: s})
			}
			return parts, true
		}
		if i > 0 {
			parts = append(parts, part{text: s[:i]})
		}
		rest := s[i+1:]
		j := strings.IndexByte(rest, 0)
		if j < 2 || rest[0] != 's' {
			return nil, false
		}
		n, err := strconv.Atoi(rest[1:j])
		if err != nil || n < 0 || n >= len(t.list) {
			return nil, false
		}
		parts = append(parts, part{sym: &t.list[n]})
		s = rest[j+1:]
	}
}

type part struct {
	text string
	sym  *symbol
}

// only returns the symbol a string consists of, if it is exactly one.
func (t *symbols) only(v cty.Value) *symbol {
	if !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.String) {
		return nil
	}
	parts, ok := t.split(v.AsString())
	if !ok || len(parts) != 1 || parts[0].sym == nil {
		return nil
	}
	return parts[0].sym
}

// hasSymbol reports whether a known string contains a sentinel (or a
// mangled one).
func hasSymbol(v cty.Value) bool {
	return v.IsKnown() && !v.IsNull() && v.Type().Equals(cty.String) && strings.IndexByte(v.AsString(), 0) >= 0
}

// value converts a primitive cty value to a graph value; absent is true for
// null (the argument is not set).
func (t *symbols) value(root string, v cty.Value) (out graph.Value, absent bool) {
	if v == cty.NilVal || v.IsNull() {
		return graph.Value{}, true
	}
	if !v.IsKnown() {
		return graph.UnknownValue("known only after apply, or from a value the evaluator cannot compute"), false
	}
	switch {
	case v.Type().Equals(cty.String):
		parts, ok := t.split(v.AsString())
		if !ok {
			return graph.UnknownValue("a function of a value known only after apply"), false
		}
		vals := make([]graph.Value, 0, len(parts))
		for _, p := range parts {
			if p.sym == nil {
				vals = append(vals, graph.Lit(p.text))
				continue
			}
			vals = append(vals, t.symbolValue(root, *p.sym))
		}
		return graph.Concat(vals...), false
	case v.Type().Equals(cty.Number):
		return graph.Lit(numberString(v.AsBigFloat())), false
	case v.Type().Equals(cty.Bool):
		if v.True() {
			return graph.Lit("true"), false
		}
		return graph.Lit("false"), false
	}
	return graph.UnknownValue("not a single value"), false
}

// symbolValue is a symbol as a graph value: a variable is a parameter, an
// attribute a GetAtt, both scoped to the root module so that equal
// expressions are equal values.
func (t *symbols) symbolValue(root string, s symbol) graph.Value {
	if s.kind == symVar {
		name := "var." + s.addr
		if s.scope != "" {
			name = s.scope + "." + name
		}
		return graph.Value{Kind: graph.KindParam, Scope: "tf:" + root, Str: name}
	}
	addr := s.addr
	if s.scope != "" {
		addr = s.scope + "." + addr
	}
	return graph.Value{Kind: graph.KindGetAtt, Scope: "tf:" + root, Str: addr, Attr: s.attr}
}

func numberString(f *big.Float) string {
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('f', -1)
}
