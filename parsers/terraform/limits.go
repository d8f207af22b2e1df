package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Hostile input must not make evaluation unbounded: values past these
// sizes become unknown, and for-expressions nest at most maxForDepth deep
// in one expression (range() already stops at 1024 elements).
const (
	maxValueElements = 4096
	maxValueBytes    = 1 << 20
	maxForDepth      = 3
	// maxForIterations bounds the iterations nested for-expressions of
	// one expression may take, estimated before evaluating it.
	maxForIterations = 1 << 17
	// unknownCollection is the size assumed for a for-expression's
	// collection that cannot be evaluated on its own (it uses the outer
	// loop's variables).
	unknownCollection = 64
)

// bounded replaces a value larger than the limits with an unknown one.
func bounded(v cty.Value) cty.Value {
	elems, size := 0, 0
	over := false
	var walk func(v cty.Value, depth int)
	walk = func(v cty.Value, depth int) {
		if over || !v.IsKnown() || v.IsNull() {
			return
		}
		if depth > 64 {
			over = true
			return
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			size += len(v.AsString())
		case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				elems++
				if elems > maxValueElements {
					over = true
					return
				}
				k, e := it.Element()
				if ty.IsMapType() || ty.IsObjectType() {
					walk(k, depth+1)
				}
				walk(e, depth+1)
			}
		}
		if size > maxValueBytes {
			over = true
		}
	}
	walk(v, 0)
	if over {
		return cty.DynamicVal
	}
	return v
}

// forDepth is how deeply for-expressions nest in an expression.
func forDepth(e hcl.Expression) int {
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return 0
	}
	w := &forWalker{}
	_ = hclsyntax.Walk(se, w)
	return w.max
}

type forWalker struct{ cur, max int }

func (w *forWalker) Enter(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok {
		w.cur++
		w.max = max(w.max, w.cur)
	}
	return nil
}

func (w *forWalker) Exit(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok {
		w.cur--
	}
	return nil
}

// boundedSetProduct refuses products larger than maxValueElements before
// building them.
var boundedSetProduct = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "sets", Type: cty.DynamicPseudoType},
	Type: func(args []cty.Value) (cty.Type, error) {
		n := 1
		for _, a := range args {
			if !a.IsKnown() || !a.CanIterateElements() {
				continue
			}
			n *= max(a.LengthInt(), 1)
			if n > maxValueElements {
				return cty.NilType, function.NewArgErrorf(0, "the product has more than %d elements", maxValueElements)
			}
		}
		return stdlib.SetProductFunc.ReturnTypeForValues(args)
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return stdlib.SetProductFunc.Call(args) },
})

// boundedFormat refuses a width or precision that would build a huge string.
func boundedFormat(f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			if len(args) > 0 && args[0].IsKnown() && !args[0].IsNull() && args[0].Type() == cty.String && hugeWidth(args[0].AsString()) {
				return cty.NilType, function.NewArgErrorf(0, "format width or precision too large")
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.Call(args) },
	})
}

// hugeWidth finds a run of more than four digits after a '%'.
func hugeWidth(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		digits := 0
		for j := i + 1; j < len(s); j++ {
			c := s[j]
			if c >= '0' && c <= '9' {
				digits++
				if digits > 4 {
					return true
				}
				continue
			}
			if c == '.' || c == '-' || c == '+' || c == ' ' || c == '#' || c == '[' || c == ']' {
				digits = 0
				continue
			}
			break
		}
	}
	return false
}

// maxNesting bounds bracket nesting before a file reaches the HCL parser,
// whose recursion would otherwise follow hostile input arbitrarily deep.
const maxNesting = 256

// nestingLine returns the line where nesting first exceeds maxNesting, or 0.
func nestingLine(src []byte) int {
	depth, line := 0, 1
	for _, c := range src {
		switch c {
		case '\n':
			line++
		case '(', '[', '{':
			depth++
			if depth > maxNesting {
				return line
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0
}

// forCost estimates how many iterations the for-expressions of an
// expression take: the product of the collection sizes along each chain
// of nested for-expressions.
func forCost(e hcl.Expression, ctx *hcl.EvalContext) int {
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return 0
	}
	w := &costWalker{ctx: ctx, cur: 1}
	_ = hclsyntax.Walk(se, w)
	return w.max
}

type costWalker struct {
	ctx      *hcl.EvalContext
	cur, max int
	stack    []int
}

func (w *costWalker) Enter(n hclsyntax.Node) hcl.Diagnostics {
	f, ok := n.(*hclsyntax.ForExpr)
	if !ok {
		return nil
	}
	size := unknownCollection
	if forDepth(f.CollExpr) == 0 {
		if v, diags := f.CollExpr.Value(w.ctx); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
			size = max(v.LengthInt(), 1)
		}
	} else {
		size = maxValueElements
	}
	w.stack = append(w.stack, size)
	w.cur = min(w.cur*size, maxForIterations*2)
	w.max = max(w.max, w.cur)
	return nil
}

func (w *costWalker) Exit(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok && len(w.stack) > 0 {
		w.cur /= w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
	}
	return nil
}

// boundedRange is range() with a smaller cap than go-cty's 1024, so that
// nested loops over ranges stay cheap.
var boundedRange = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "params", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.Number)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, err := stdlib.RangeFunc.Call(args)
		if err == nil && v.LengthInt() > 256 {
			return cty.NilVal, function.NewArgErrorf(0, "more than 256 values")
		}
		return v, err
	},
})

// neutralizeSymbolComparisons makes `==` and `!=` unknown where an operand
// holds a symbol: a value known only after apply (or a variable nobody set)
// is not proven equal or unequal to anything by its sentinel text (but it
// is not null). HCL
// compares with its own function, so the operand is swapped for an unknown
// value while the expression is evaluated, and restore puts it back
// (evaluation is single-threaded; the syntax tree is otherwise read-only).
func neutralizeSymbolComparisons(e hcl.Expression, ctx *hcl.EvalContext) (restore func()) {
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return nil
	}
	var undo []func()
	_ = hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		b, ok := n.(*hclsyntax.BinaryOpExpr)
		if !ok || (b.Op != hclsyntax.OpEqual && b.Op != hclsyntax.OpNotEqual) {
			return nil
		}
		lv, _ := b.LHS.Value(ctx)
		rv, _ := b.RHS.Value(ctx)
		if !symbolInside(lv) && !symbolInside(rv) {
			return nil
		}
		if (lv != cty.NilVal && lv.IsKnown() && lv.IsNull()) || (rv != cty.NilVal && rv.IsKnown() && rv.IsNull()) {
			return nil // a symbol is a value, never null: `x != null` stays decided
		}
		old := b.LHS
		b.LHS = &hclsyntax.LiteralValueExpr{Val: cty.UnknownVal(cty.DynamicPseudoType), SrcRange: old.Range()}
		undo = append(undo, func() { b.LHS = old })
		return nil
	})
	if len(undo) == 0 {
		return nil
	}
	return func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
}

// symbolInside reports whether a value holds a symbol anywhere.
func symbolInside(v cty.Value) bool {
	if v == cty.NilVal || !v.IsKnown() || v.IsNull() {
		return false
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return hasSymbol(v)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType() || ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); symbolInside(e) {
				return true
			}
		}
	}
	return false
}
