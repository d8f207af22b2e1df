package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// A plan's values are concrete except what only apply knows (after_unknown):
// the IDs of resources to be created. Those are what link a node group to
// its launch template and groups, a rule to its group, so where the plan
// has an unknown link the configuration section says what it refers to
// (each expression's `references`, within its module), and the value
// becomes the same symbol the HCL reading makes of `aws_security_group.x.id`.
// When neither tells, the value stays unknown: it is never guessed.

// Limits on hostile plans.
const (
	maxResolveSteps = 10000   // references followed for one resource
	maxBlockPairs   = 1 << 16 // planned elements × configured blocks matched
	maxValueDepth   = 64
	maxConvertSteps = 1 << 18 // values converted for one resource (alternatives multiply them)
)

type cfgKind uint8

const (
	cfgNone   cfgKind = iota // no configuration: an unknown stays unknown
	cfgAbsent                // the configuration does not set this argument
	cfgBlock                 // the arguments of one block
	cfgBlocks                // nested blocks of one type, in configuration order
	cfgChoice                // several blocks the planned element may come from
	cfgExpr                  // an argument's expression
	cfgInExpr                // a part of an argument's value
	// cfgDynamic is inside blocks the configuration does not show: a
	// plan's configuration leaves `dynamic` blocks out.
	cfgDynamic
)

type cfgNode struct {
	kind   cfgKind
	name   string // the argument's name, for an expression
	block  map[string]*tfjson.Expression
	blocks []map[string]*tfjson.Expression
	expr   *tfjson.Expression
}

func (c cfgNode) child(name string) cfgNode {
	switch c.kind {
	case cfgBlock:
		e := c.block[name]
		switch {
		case e == nil || e.ExpressionData == nil:
			return cfgNode{kind: cfgAbsent}
		case e.NestedBlocks != nil:
			return cfgNode{kind: cfgBlocks, blocks: e.NestedBlocks}
		}
		return cfgNode{kind: cfgExpr, expr: e, name: name}
	case cfgExpr, cfgInExpr:
		return cfgNode{kind: cfgInExpr}
	case cfgDynamic:
		return cfgNode{kind: cfgDynamic}
	}
	return cfgNode{kind: cfgNone}
}

// linkArgs are the arguments that hold other resources' IDs: the only ones
// an unknown value is read from references for (a name built by
// interpolation around a reference is not the referenced value).
var linkArgs = map[string]bool{
	"security_group_id": true, "source_security_group_id": true, "referenced_security_group_id": true,
	"security_groups": true, "vpc_security_group_ids": true, "security_group_ids": true,
	"source_security_group_ids": true, "cluster_name": true, "resource_id": true,
	"launch_template_id": true, "launch_template_name": true, "launch_configuration": true,
}

// nestedLinkArgs link too inside a block (launch_template { id = … }).
var nestedLinkArgs = map[string]bool{"id": true, "name": true}

func isLink(name string, depth int) bool {
	return linkArgs[name] || (depth > 0 && nestedLinkArgs[name])
}

// convert makes a cty value of a planned JSON value. unknown is its
// after_unknown counterpart; hasUnknown says after_unknown was given.
func (pb *planBuild) convert(scope string, after, unknown any, c cfgNode, hasUnknown, link bool, depth int) cty.Value {
	if pb.steps--; depth > maxValueDepth || pb.steps < 0 {
		return cty.DynamicVal
	}
	if c.kind == cfgChoice {
		return pb.convertChoice(scope, after, unknown, c, hasUnknown, link, depth)
	}
	if u, _ := unknown.(bool); u || (!hasUnknown && after == nil && c.kind == cfgExpr) {
		switch c.kind {
		case cfgAbsent:
			// Computed by the provider, not set: as the HCL reading, absent.
			return cty.NullVal(cty.DynamicPseudoType)
		case cfgDynamic:
			if link {
				if v, ok := pb.hclValue(pb.address, pb.path); ok {
					return v
				}
			}
		case cfgExpr:
			if link {
				if v, ok := pb.referenced(scope, c.expr.References); ok {
					return v
				}
				if !pb.noInfer {
					if v, ok := pb.inferred(scope, c.name, c.expr); ok {
						return v
					}
				}
				if v, ok := pb.hclValue(pb.address, pb.path); ok {
					return v
				}
			}
		}
		return cty.DynamicVal
	}
	switch a := after.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(a)
	case json.Number:
		if n, err := cty.ParseNumberVal(a.String()); err == nil {
			return n
		}
		return cty.DynamicVal
	case float64:
		return cty.NumberFloatVal(a)
	case string:
		// NUL starts a symbol's sentinel: a plan cannot forge one.
		return cty.StringVal(strings.ReplaceAll(a, "\x00", "\uFFFD"))
	case []any:
		us, _ := unknown.([]any)
		elems := make([]cty.Value, len(a))
		var slots []int
		for i, e := range a {
			var ue any
			if i < len(us) {
				ue = us[i]
			}
			if u, _ := ue.(bool); u && c.kind == cfgExpr {
				slots = append(slots, i)
			}
			pb.path = append(pb.path, pathStep{index: i, n: len(a)})
			elems[i] = pb.convert(scope, e, ue, pb.elementCfg(c, e, len(a)), hasUnknown, false, depth+1)
			pb.path = pb.path[:len(pb.path)-1]
		}
		if len(slots) > 0 && link {
			// A list with unknown members ([aws_security_group.a.id,
			// "sg-known"]): the references that are unknown fill them,
			// when there are exactly as many.
			if syms, ok := pb.unknownMembers(scope, c.expr.References); ok && len(syms) == len(slots) {
				for i, s := range slots {
					elems[s] = syms[i]
				}
			}
		}
		if len(elems) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(elems)
	case map[string]any:
		um, _ := unknown.(map[string]any)
		names := make([]string, 0, len(a)+len(um))
		for k := range a {
			names = append(names, k)
		}
		for k, u := range um {
			if _, ok := a[k]; !ok {
				if b, _ := u.(bool); b {
					names = append(names, k) // unknown: omitted from after
				}
			}
		}
		if !hasUnknown && c.kind == cfgBlock {
			for k, e := range c.block {
				if _, ok := a[k]; !ok && e != nil && e.NestedBlocks == nil {
					names = append(names, k) // set, but missing from planned_values: unknown
				}
			}
		}
		sort.Strings(names)
		out := make(map[string]cty.Value, len(names))
		for _, k := range names {
			if _, dup := out[k]; dup {
				continue
			}
			infer, null := pb.inferable(k, a, um, c)
			if u, _ := um[k].(bool); u && null {
				out[k] = cty.NullVal(cty.DynamicPseudoType)
				continue
			}
			prev := pb.noInfer
			pb.noInfer = prev || !infer
			pb.path = append(pb.path, pathStep{name: k})
			out[k] = pb.convert(scope, a[k], um[k], c.child(k), hasUnknown, isLink(k, depth), depth+1)
			pb.path = pb.path[:len(pb.path)-1]
			pb.noInfer = prev
		}
		return cty.ObjectVal(out)
	}
	return cty.DynamicVal
}

// convertChoice converts an element that may come from any of several
// configured blocks: their readings must agree, else none is taken.
func (pb *planBuild) convertChoice(scope string, after, unknown any, c cfgNode, hasUnknown, link bool, depth int) cty.Value {
	var first cty.Value
	for i, b := range c.blocks {
		v := pb.convert(scope, after, unknown, cfgNode{kind: cfgBlock, block: b}, hasUnknown, link, depth)
		if i == 0 {
			first = v
			continue
		}
		if !v.RawEquals(first) {
			return pb.convert(scope, after, unknown, cfgNode{kind: cfgNone}, hasUnknown, link, depth)
		}
	}
	return first
}

// elementCfg is the configuration of one element of a planned list. Nested
// blocks are matched by content, not position: a set's order is not the
// configuration's. A block matches when every constant argument it sets
// equals the element's planned value.
func (pb *planBuild) elementCfg(c cfgNode, elem any, n int) cfgNode {
	switch c.kind {
	case cfgExpr, cfgInExpr:
		return cfgNode{kind: cfgInExpr}
	case cfgAbsent, cfgDynamic:
		if _, ok := elem.(map[string]any); ok {
			return cfgNode{kind: cfgDynamic} // planned blocks the configuration does not show
		}
		return cfgNode{kind: cfgNone}
	case cfgBlocks:
	default:
		return cfgNode{kind: cfgNone}
	}
	m, ok := elem.(map[string]any)
	if !ok || n*len(c.blocks) > maxBlockPairs {
		return cfgNode{kind: cfgNone}
	}
	var cands []map[string]*tfjson.Expression
	for _, b := range c.blocks {
		if blockMatches(b, m) {
			cands = append(cands, b)
		}
	}
	switch {
	case len(cands) == 1:
		return cfgNode{kind: cfgBlock, block: cands[0]}
	case len(cands) > 1 && len(cands) <= 8:
		return cfgNode{kind: cfgChoice, blocks: cands}
	}
	return cfgNode{kind: cfgNone}
}

func blockMatches(b map[string]*tfjson.Expression, planned map[string]any) bool {
	for k, e := range b {
		if e == nil || e.ExpressionData == nil || e.NestedBlocks != nil || len(e.References) > 0 || e.ConstantValue == nil {
			continue
		}
		cv, pv := scalarString(e.ConstantValue), scalarString(planned[k])
		if cv != "" && pv != "" && cv != pv {
			return false
		}
	}
	return true
}

// scalarString is a JSON scalar as comparable text ("" for others).
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return "s" + x
	case bool:
		return "b" + strconv.FormatBool(x)
	case float64:
		return "n" + strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return "n" + strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	return ""
}

// referenced is the value of an unknown link argument from its references:
// every one must be a resource attribute (possibly through module outputs
// and variables); a known one contributes its value. One gives a string,
// more a list.
func (pb *planBuild) referenced(scope string, refs []string) (cty.Value, bool) {
	vals, ok := pb.contributions(scope, refs, true, 0)
	if !ok || len(vals) == 0 {
		return cty.NilVal, false
	}
	if len(vals) == 1 {
		return vals[0], true
	}
	return cty.TupleVal(vals), true
}

// unknownMembers are the references that are unknown (symbols), for the
// unknown members of a list whose other members are known.
func (pb *planBuild) unknownMembers(scope string, refs []string) ([]cty.Value, bool) {
	vals, ok := pb.contributions(scope, refs, false, 0)
	if !ok {
		return nil, false
	}
	var out []cty.Value
	for _, v := range vals {
		if hasSymbol(v) {
			out = append(out, v)
		}
	}
	return out, true
}

// contributions resolves references made in a module instance. strict
// requires that every reference be a resource attribute; otherwise the
// root module's variables (known in a plan) are passed over.
func (pb *planBuild) contributions(scope string, refs []string, strict bool, depth int) ([]cty.Value, bool) {
	if depth > maxModuleDepth || len(refs) > 1000 {
		return nil, false
	}
	var out []cty.Value
	for _, ref := range maximalRefs(refs) {
		if pb.budget--; pb.budget < 0 {
			return nil, false
		}
		t, diags := hclsyntax.ParseTraversalAbs([]byte(ref), "", hcl.InitialPos)
		if diags.HasErrors() || len(t) == 0 {
			return nil, false
		}
		switch root := t.RootName(); root {
		case "count", "path", "terraform":
			continue // always known
		case "each":
			if attrStep(t, 1) == "key" {
				continue
			}
			return nil, false
		case "var":
			if scope == "" {
				if strict {
					return nil, false
				}
				continue
			}
			name := attrStep(t, 1)
			parent, call, ok := parentModule(scope)
			pm := pb.configModule(parent)
			if !ok || name == "" || len(t) != 2 || pm == nil || pm.ModuleCalls[call] == nil {
				return nil, false
			}
			e := pm.ModuleCalls[call].Expressions[name]
			if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
				if strict {
					return nil, false // a constant or the default: not a resource's ID
				}
				continue
			}
			sub, ok := pb.contributions(parent, e.References, strict, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, sub...)
		case "module":
			name := attrStep(t, 1)
			i, key := 2, ""
			if k, ok := indexStep(t, 2); ok {
				i, key = 3, k
			}
			output := attrStep(t, i)
			if name == "" || output == "" || len(t) != i+1 {
				return nil, false
			}
			child := joinModule(scope, name, key)
			cm := pb.configModule(child)
			if cm == nil || cm.Outputs[output] == nil || cm.Outputs[output].Expression == nil {
				return nil, false
			}
			e := cm.Outputs[output].Expression
			if e.ExpressionData == nil || len(e.References) == 0 {
				if strict {
					return nil, false
				}
				continue
			}
			sub, ok := pb.contributions(child, e.References, strict, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, sub...)
		case "local", "data", "self":
			return nil, false
		default:
			v, ok := pb.resourceAttr(scope, t)
			if !ok {
				return nil, false
			}
			if !strict && !hasSymbol(v) {
				continue
			}
			out = append(out, v)
		}
	}
	return out, true
}

// resourceAttr is `type.name[key].attr…` in a module instance: the
// attribute's planned value when known, else the symbol the HCL reading
// uses for it.
func (pb *planBuild) resourceAttr(scope string, t hcl.Traversal) (cty.Value, bool) {
	name := attrStep(t, 1)
	if name == "" {
		return cty.NilVal, false
	}
	addr := t.RootName() + "." + name
	i := 2
	if k, ok := indexStep(t, 2); ok {
		addr += k
		i = 3
	}
	if i >= len(t) {
		return cty.NilVal, false // the whole object: not one ID
	}
	full := addr
	if scope != "" {
		full = scope + "." + addr
	}
	in := pb.insts[full]
	if in == nil {
		return cty.NilVal, false // not in the plan (or its keys are not known here)
	}
	var steps []rawStep
	var path strings.Builder
	for _, s := range t[i:] {
		switch x := s.(type) {
		case hcl.TraverseAttr:
			steps = append(steps, rawStep{name: x.Name})
			if path.Len() > 0 {
				path.WriteByte('.')
			}
			path.WriteString(x.Name)
		case hcl.TraverseIndex:
			if x.Key.Type() != cty.Number || !x.Key.AsBigFloat().IsInt() {
				return cty.NilVal, false
			}
			n, _ := x.Key.AsBigFloat().Int64()
			if n < 0 || n > 1<<20 {
				return cty.NilVal, false
			}
			steps = append(steps, rawStep{index: int(n), isIndex: true})
			path.WriteString("[" + strconv.FormatInt(n, 10) + "]")
		default:
			return cty.NilVal, false
		}
	}
	raw := pb.raw[in]
	if s, ok := rawString(raw.after, raw.unknown, steps); ok {
		return cty.StringVal(strings.ReplaceAll(s, "\x00", "\uFFFD")), true
	}
	if !rawUnknown(raw.after, raw.unknown, steps, raw.unknownKnown) {
		return cty.NilVal, false // null, or not a string
	}
	return pb.ev.syms.sentinel(symbol{kind: symResource, scope: scope, addr: addr, attr: path.String(), inst: in}), true
}

type rawStep struct {
	name    string
	index   int
	isIndex bool
}

func rawAt(v any, s rawStep) any {
	if s.isIndex {
		l, _ := v.([]any)
		if s.index < len(l) {
			return l[s.index]
		}
		return nil
	}
	m, _ := v.(map[string]any)
	return m[s.name]
}

// rawString reads a known string of a planned value.
func rawString(after, unknown any, steps []rawStep) (string, bool) {
	for _, s := range steps {
		if u, _ := unknown.(bool); u {
			return "", false
		}
		after, unknown = rawAt(after, s), rawAt(unknown, s)
	}
	if u, _ := unknown.(bool); u {
		return "", false
	}
	s, ok := after.(string)
	return s, ok
}

// rawUnknown reports whether a planned value is unknown at a path (without
// after_unknown, whether it is missing).
func rawUnknown(after, unknown any, steps []rawStep, strict bool) bool {
	for _, s := range steps {
		if u, _ := unknown.(bool); u {
			return true
		}
		after, unknown = rawAt(after, s), rawAt(unknown, s)
	}
	if u, _ := unknown.(bool); u {
		return true
	}
	return !strict && after == nil
}

// maximalRefs are the references an expression makes. Terraform lists each
// one followed by its shorter forms ("aws_security_group.x.id",
// "aws_security_group.x"); an entry that is not a shorter form of the
// reference before it is a reference of its own (a splat
// `aws_security_group.x[*].id` is listed as just "aws_security_group.x").
func maximalRefs(refs []string) []string {
	var out []string
	head := ""
	seen := map[string]bool{}
	for _, r := range refs {
		if head != "" && len(head) > len(r) && strings.HasPrefix(head, r) && (head[len(r)] == '.' || head[len(r)] == '[') {
			continue
		}
		head = r
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// indexStep formats the instance key at step i as Terraform writes it in
// addresses ([0], ["a"]).
func indexStep(t hcl.Traversal, i int) (string, bool) {
	if len(t) <= i {
		return "", false
	}
	x, ok := t[i].(hcl.TraverseIndex)
	if !ok || !x.Key.IsKnown() || x.Key.IsNull() {
		return "", false
	}
	switch x.Key.Type() {
	case cty.Number:
		if bf := x.Key.AsBigFloat(); bf.IsInt() {
			n, _ := bf.Int64()
			return "[" + strconv.FormatInt(n, 10) + "]", true
		}
	case cty.String:
		return fmt.Sprintf("[%q]", x.Key.AsString()), true
	}
	return "", false
}

type moduleSeg struct{ name, key string }

// moduleSegments splits `module.a["k"].module.b` into its calls.
func moduleSegments(path string) ([]moduleSeg, bool) {
	if path == "" {
		return nil, true
	}
	t, diags := hclsyntax.ParseTraversalAbs([]byte(path), "", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, false
	}
	var out []moduleSeg
	for i := 0; i < len(t); {
		if (i == 0 && t.RootName() != "module") || (i > 0 && attrStep(t, i) != "module") {
			return nil, false
		}
		name := attrStep(t, i+1)
		if name == "" {
			return nil, false
		}
		i += 2
		key := ""
		if k, ok := indexStep(t, i); ok {
			key = k
			i++
		}
		out = append(out, moduleSeg{name: name, key: key})
	}
	return out, true
}

func joinModule(scope, name, key string) string {
	p := "module." + name + key
	if scope != "" {
		p = scope + "." + p
	}
	return p
}

// parentModule is the module instance that calls scope, and the call's name.
func parentModule(scope string) (string, string, bool) {
	segs, ok := moduleSegments(scope)
	if !ok || len(segs) == 0 {
		return "", "", false
	}
	parent := ""
	for _, s := range segs[:len(segs)-1] {
		parent = joinModule(parent, s.name, s.key)
	}
	return parent, segs[len(segs)-1].name, true
}
