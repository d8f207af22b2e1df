package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// knownBlocks are the nested block types the model reads. Native syntax
// needs no schema; JSON does (an object is a block or an attribute only by
// schema), and these are the ones that matter here.
var knownBlocks = []string{
	"ingress", "egress", "vpc_config", "launch_template", "remote_access", "network_interfaces",
	"network_interface", "tag", "default_tags", "mixed_instances_policy", "launch_template_specification",
	"override", "content", "lifecycle", "scaling_config", "access_config", "kubernetes_network_config",
	"network_configuration", "broker_node_group_info", "vpc_options", "compute_resources", "vpc_settings",
	"instance_requirements", "timeouts", "connect_settings", "network", "subnet_mapping",
}

var jsonBlockSchema = func() *hcl.BodySchema {
	s := &hcl.BodySchema{}
	for _, b := range knownBlocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: b})
	}
	s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}})
	return s
}()

// bodyContent lists a body's attributes and blocks without a schema
// (native syntax) or with knownBlocks (JSON).
func bodyContent(b hcl.Body) (hcl.Attributes, []*hcl.Block) {
	if b == nil {
		return nil, nil
	}
	if sb, ok := b.(*hclsyntax.Body); ok {
		attrs := make(hcl.Attributes, len(sb.Attributes))
		for n, a := range sb.Attributes {
			attrs[n] = a.AsHCLAttribute()
		}
		blocks := make([]*hcl.Block, len(sb.Blocks))
		for i, bl := range sb.Blocks {
			blocks[i] = bl.AsHCLBlock()
		}
		return attrs, blocks
	}
	c, rest, _ := b.PartialContent(jsonBlockSchema)
	attrs, _ := rest.JustAttributes()
	if c == nil {
		return attrs, nil
	}
	return attrs, c.Blocks
}

// metaNames are arguments of Terraform itself, not of the resource.
var metaNames = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true, "lifecycle": true}

// view is one resource instance's body (or a nested block of it, or an
// object given as an attribute value) with the variables it is evaluated
// with (count, each, dynamic iterators).
type view struct {
	s      *scope
	body   hcl.Body
	obj    cty.Value // attribute-form nested object, when body is nil
	extras map[string]cty.Value
	rng    hcl.Range
	// certain is false inside an instance that may not exist.
	certain bool
	attrs   hcl.Attributes
	blocks_ []*hcl.Block
	loaded  bool
}

func (v *view) load() {
	if !v.loaded {
		v.attrs, v.blocks_ = bodyContent(v.body)
		v.loaded = true
	}
}

// get evaluates an argument; present is false when it is not written.
func (v *view) get(name string) (val cty.Value, at hcl.Range, present bool) {
	if v.body == nil {
		if v.obj == cty.NilVal || !v.obj.IsKnown() || v.obj.IsNull() {
			return cty.DynamicVal, v.rng, v.obj != cty.NilVal && !v.obj.IsKnown()
		}
		ty := v.obj.Type()
		if (ty.IsObjectType() && ty.HasAttribute(name)) || ty.IsMapType() {
			if ty.IsMapType() && !v.obj.HasIndex(cty.StringVal(name)).True() {
				return cty.NilVal, v.rng, false
			}
			return v.obj.GetAttr(name), v.rng, true
		}
		return cty.NilVal, v.rng, false
	}
	v.load()
	a := v.attrs[name]
	if a == nil {
		return cty.NilVal, v.rng, false
	}
	return v.s.eval(a.Expr, v.extras), a.Expr.Range(), true
}

// has reports whether an argument or block of that name is written.
func (v *view) has(name string) bool {
	if v.body == nil {
		_, _, ok := v.get(name)
		return ok
	}
	v.load()
	if v.attrs[name] != nil {
		return true
	}
	for _, b := range v.blocks_ {
		if b.Type == name || (b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == name) {
			return true
		}
	}
	return false
}

// nested lists the blocks of a type: written blocks, `dynamic` blocks
// expanded over a known for_each, and an attribute of that name holding a
// list of objects. open is true when some could not be expanded.
func (v *view) nested(name string) (out []*view, open bool) {
	if v.body == nil {
		val, at, ok := v.get(name)
		if !ok {
			return nil, false
		}
		return v.objectViews(val, at)
	}
	v.load()
	if a := v.attrs[name]; a != nil {
		val := v.s.eval(a.Expr, v.extras)
		o, op := v.objectViews(val, a.Expr.Range())
		out, open = append(out, o...), op
	}
	for _, b := range v.blocks_ {
		switch {
		case b.Type == name:
			out = append(out, &view{s: v.s, body: b.Body, extras: v.extras, rng: b.DefRange, certain: v.certain})
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == name:
			o, op := v.dynamic(b)
			out, open = append(out, o...), open || op
		}
	}
	return out, open
}

func (v *view) objectViews(val cty.Value, at hcl.Range) ([]*view, bool) {
	if val == cty.NilVal || val.IsNull() {
		return nil, false
	}
	if !val.IsKnown() {
		return nil, true
	}
	ty := val.Type()
	if ty.IsObjectType() || ty.IsMapType() {
		return []*view{{s: v.s, obj: val, extras: v.extras, rng: at, certain: v.certain}}, false
	}
	if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
		return nil, true
	}
	var out []*view
	open := false
	for it := val.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsKnown() {
			open = true
			continue
		}
		if e.IsNull() {
			continue
		}
		out = append(out, &view{s: v.s, obj: e, extras: v.extras, rng: at, certain: v.certain})
	}
	return out, open
}

// dynamic expands `dynamic "name" { for_each = …; iterator = it; content {…} }`.
func (v *view) dynamic(b *hcl.Block) ([]*view, bool) {
	attrs, blocks := bodyContent(b.Body)
	var content *hcl.Block
	for _, c := range blocks {
		if c.Type == "content" {
			content = c
		}
	}
	fe := attrs["for_each"]
	if content == nil || fe == nil {
		return nil, true
	}
	iter := b.Labels[0]
	if a := attrs["iterator"]; a != nil {
		if t, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(t) == 1 {
			iter = t.RootName()
		}
	}
	coll := v.s.eval(fe.Expr, v.extras)
	if !coll.IsKnown() || coll.IsNull() || !coll.CanIterateElements() {
		return nil, !coll.IsKnown() || !coll.IsNull()
	}
	var out []*view
	open := false
	for it := coll.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if coll.Type().IsSetType() {
			k = e
		}
		if !k.IsKnown() {
			open = true
			continue
		}
		extras := make(map[string]cty.Value, len(v.extras)+1)
		for n, x := range v.extras {
			extras[n] = x
		}
		extras[iter] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})
		out = append(out, &view{s: v.s, body: content.Body, extras: extras, rng: b.DefRange, certain: v.certain})
	}
	return out, open
}

// keyRanges locates the keys of an argument written as an object
// constructor ({ "a" = 1 }), so a tag points at its own line. An argument
// that is just a module variable (`tags = var.tags`) is located where the
// caller writes that variable's value: that is the line to change.
func (v *view) keyRanges(name string) map[string]hcl.Range {
	if v.body == nil {
		return map[string]hcl.Range{}
	}
	v.load()
	a := v.attrs[name]
	if a == nil {
		return map[string]hcl.Range{}
	}
	return keyRangesOf(a.Expr, v.s, v.extras, 0)
}

func keyRangesOf(e hcl.Expression, s *scope, extras map[string]cty.Value, depth int) map[string]hcl.Range {
	out := map[string]hcl.Range{}
	if depth > maxModuleDepth {
		return out
	}
	if st, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && len(st.Traversal) == 2 && st.Traversal.RootName() == "var" && s.parent != nil && s.callArgs != nil {
		if arg := s.callArgs[attrStep(st.Traversal, 1)]; arg != nil {
			return keyRangesOf(arg.Expr, s.parent, s.callExtras, depth+1)
		}
		return out
	}
	oc, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return out
	}
	for _, item := range oc.Items {
		k := s.eval(item.KeyExpr, extras)
		if k.IsKnown() && !k.IsNull() && k.Type().Equals(cty.String) {
			out[k.AsString()] = item.KeyExpr.Range()
		}
	}
	return out
}

// choices evaluates an argument, following a conditional whose condition
// is unknown into both of its results (up to a few levels): each result
// is then possible, not certain. A single known value is one certain
// choice.
func (v *view) choices(name string) (vals []cty.Value, certain bool, at hcl.Range, present bool) {
	val, at, present := v.get(name)
	if !present || v.body == nil || val.IsWhollyKnown() {
		return []cty.Value{val}, true, at, present
	}
	a := v.attrs[name]
	var out []cty.Value
	if !v.branches(a.Expr, 0, &out) {
		return []cty.Value{val}, true, at, present
	}
	return out, false, at, present
}

func (v *view) branches(e hcl.Expression, depth int, out *[]cty.Value) bool {
	c, ok := e.(*hclsyntax.ConditionalExpr)
	if !ok || depth > 3 {
		return false
	}
	if cond := v.s.eval(c.Condition, v.extras); cond.IsKnown() {
		return false
	}
	for _, r := range []hcl.Expression{c.TrueResult, c.FalseResult} {
		if !v.branches(r, depth+1, out) {
			*out = append(*out, v.s.eval(r, v.extras))
		}
	}
	return true
}
