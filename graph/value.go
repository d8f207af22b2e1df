package graph

import (
	"strings"
)

// ValueKind says what a symbolic Value stands for.
type ValueKind uint8

const (
	// KindLiteral is a concrete string (numbers and booleans as written).
	KindLiteral ValueKind = iota
	// KindParam is a template parameter with no known value (Scope: file).
	KindParam
	// KindResource is `Ref` to a resource of the template (Scope: file).
	KindResource
	// KindGetAtt is `Fn::GetAtt` of a resource: Str the logical ID, Attr the attribute.
	KindGetAtt
	// KindImport is `Fn::ImportValue` of a concrete export name (Str).
	KindImport
	// KindConcat joins Parts (from `Fn::Sub` or `Fn::Join`).
	KindConcat
	// KindChoice is `Fn::If` on a condition (Str) that cannot be evaluated:
	// Parts[0] when true, Parts[1] when false.
	KindChoice
	// KindUnknown is anything the model cannot follow; Reason says why.
	KindUnknown
)

// Value is a symbolic scalar: `!Sub "kubernetes.io/cluster/${ClusterName}"`
// equals the tag key of a cluster named `!Ref ClusterName` without either
// being known.
type Value struct {
	Kind   ValueKind `json:"-"`
	Str    string    `json:"-"`
	Attr   string    `json:"-"`
	Scope  string    `json:"-"`
	Parts  []Value   `json:"-"`
	Reason string    `json:"-"`
}

// Lit is a literal value.
func Lit(s string) Value { return Value{Kind: KindLiteral, Str: s} }

// UnknownValue is a value the model cannot follow.
func UnknownValue(reason string) Value { return Value{Kind: KindUnknown, Reason: reason} }

// UnknownWritten is an unknown value that messages show as written (a
// template placeholder such as ${EKS_CLUSTER_NAME}); it still equals
// nothing, not even itself.
func UnknownWritten(text, reason string) Value {
	return Value{Kind: KindUnknown, Str: text, Reason: reason}
}

// Concat joins parts, flattening nested concatenations and merging
// adjacent literals so that equal strings have equal shapes.
func Concat(parts ...Value) Value {
	var out []Value
	var add func(v Value)
	add = func(v Value) {
		if v.Kind == KindConcat {
			for _, p := range v.Parts {
				add(p)
			}
			return
		}
		if v.Kind == KindLiteral {
			if v.Str == "" {
				return
			}
			if n := len(out); n > 0 && out[n-1].Kind == KindLiteral {
				out[n-1] = Lit(out[n-1].Str + v.Str)
				return
			}
		}
		out = append(out, v)
	}
	for _, p := range parts {
		add(p)
	}
	switch len(out) {
	case 0:
		return Lit("")
	case 1:
		return out[0]
	}
	return Value{Kind: KindConcat, Parts: out}
}

// Literal returns the concrete string, if the value is one.
func (v Value) Literal() (string, bool) {
	if v.Kind == KindLiteral {
		return v.Str, true
	}
	return "", false
}

// IsKnown reports whether the value is a concrete string.
func (v Value) IsKnown() bool { return v.Kind == KindLiteral }

// symbol is the identity of a non-literal part, used for equality.
func (v Value) symbol() string {
	switch v.Kind {
	case KindParam:
		return "P:" + v.Scope + "#" + v.Str
	case KindResource:
		return "R:" + v.Scope + "#" + v.Str
	case KindGetAtt:
		return "A:" + v.Scope + "#" + v.Str + "." + v.Attr
	case KindImport:
		return "I:" + v.Str
	}
	return ""
}

// Key is a canonical identity string: equal keys mean equal values.
// Values holding unknown parts have no key ("").
func (v Value) Key() string {
	switch v.Kind {
	case KindLiteral:
		return "L:" + v.Str
	case KindConcat:
		var b strings.Builder
		b.WriteString("C:")
		for _, p := range v.Parts {
			k := p.Key()
			if k == "" {
				return ""
			}
			b.WriteString(k)
			b.WriteByte(0)
		}
		return b.String()
	case KindChoice, KindUnknown:
		return ""
	}
	return v.symbol()
}

// SameKey is a key for equality as Equal proves it: Equal(a, b) is Yes
// exactly when a.SameKey() == b.SameKey() != "". It is Key, except that a
// choice has the key its branches all share (or none).
func (v Value) SameKey() string {
	if v.Kind != KindChoice {
		return v.Key()
	}
	k := v.Parts[0].SameKey()
	if k == "" || k != v.Parts[1].SameKey() {
		return ""
	}
	return k
}

func (v Value) parts() []Value {
	if v.Kind == KindConcat {
		return v.Parts
	}
	return []Value{v}
}

// Equal decides whether two values are the same string, as far as the
// files tell: Yes when both are the same expression or the same literal,
// No when literal text proves them different, Unknown otherwise.
func Equal(a, b Value) Tri {
	if a.Kind == KindChoice {
		return both(Equal(a.Parts[0], b), Equal(a.Parts[1], b))
	}
	if b.Kind == KindChoice {
		return both(Equal(a, b.Parts[0]), Equal(a, b.Parts[1]))
	}
	if a.Kind == KindLiteral && b.Kind == KindLiteral {
		return TriOf(a.Str == b.Str)
	}
	if ka := a.Key(); ka != "" && ka == b.Key() {
		return Yes
	}
	// Different shapes may still be equal strings; only conflicting literal
	// text at either end proves them different.
	pa, pb := a.parts(), b.parts()
	if pa[0].Kind == KindLiteral && pb[0].Kind == KindLiteral {
		x, y := pa[0].Str, pb[0].Str
		if !strings.HasPrefix(x, y) && !strings.HasPrefix(y, x) {
			return No
		}
	}
	la, lb := pa[len(pa)-1], pb[len(pb)-1]
	if la.Kind == KindLiteral && lb.Kind == KindLiteral {
		x, y := la.Str, lb.Str
		if !strings.HasSuffix(x, y) && !strings.HasSuffix(y, x) {
			return No
		}
	}
	return Unknown
}

// both combines the answers of the two branches of a choice.
func both(x, y Tri) Tri {
	if x == y {
		return x
	}
	return Unknown
}

// TrimPrefix removes a literal prefix from a value, reporting whether the
// value provably starts with it.
func (v Value) TrimPrefix(prefix string) (Value, bool) {
	p := v.parts()
	if p[0].Kind != KindLiteral || !strings.HasPrefix(p[0].Str, prefix) {
		return Value{}, false
	}
	rest := append([]Value{Lit(strings.TrimPrefix(p[0].Str, prefix))}, p[1:]...)
	return Concat(rest...), true
}

// String renders the value for messages: literals as written, references
// as `${Name}` in the style of Fn::Sub.
func (v Value) String() string {
	switch v.Kind {
	case KindLiteral:
		return v.Str
	case KindParam, KindResource:
		return "${" + v.Str + "}"
	case KindGetAtt:
		return "${" + v.Str + "." + v.Attr + "}"
	case KindImport:
		return "ImportValue(" + v.Str + ")"
	case KindConcat:
		var b strings.Builder
		for _, p := range v.Parts {
			b.WriteString(p.String())
		}
		return b.String()
	case KindChoice:
		return "If(" + v.Str + ", " + v.Parts[0].String() + ", " + v.Parts[1].String() + ")"
	}
	if v.Str != "" {
		return v.Str
	}
	return "?"
}
