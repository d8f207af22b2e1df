package terraform

import (
	"github.com/zclconf/go-cty/cty"
)

// A link the plan leaves unknown and its configuration cannot resolve
// (a module's internals written with locals the model or the HCL spell
// differently from the module the plan was made with) is, when the plan is
// paired with its HCL, what the HCL reading gives for the same argument of
// the same instance (by address): no worse than reading the HCL alone.
// Its symbols are the plan's resources of the same addresses. Not when the
// HCL reading modelled several majors of a module: which one made the plan
// is not known.

// hclReading is the HCL evaluation of a paired root, by instance address.
type hclReading struct {
	ev     *evaluator
	byAddr map[string]*instance
}

// reading evaluates the root once more (the scan's evaluation is not
// kept), nil when it has variants or cannot be evaluated.
func (r *rootSource) reading() *hclReading {
	if r.read != nil || r.readDone {
		return r.read
	}
	r.readDone = true
	_, ev := evaluateVariant(r.l, r.dir, r.l.opts, 0)
	if ev == nil || ev.variants > 1 || len(ev.scopes) == 0 {
		return nil
	}
	h := &hclReading{ev: ev, byAddr: map[string]*instance{}}
	for _, s := range ev.scopes {
		for _, addr := range s.mod.resOrder {
			for _, in := range s.res[addr].instances {
				if !in.cfg.data && in.certain {
					h.byAddr[in.full()] = in
				}
			}
		}
	}
	r.read = h
	return h
}

// pathStep is one step from a resource to an argument: a name, or the
// index of an element of a list of n.
type pathStep struct {
	name  string
	index int
	n     int
}

// hclValue is the HCL reading's value of an argument of a planned
// instance, translated to the plan's symbols.
func (pb *planBuild) hclValue(address string, path []pathStep) (cty.Value, bool) {
	if pb.src == nil {
		return cty.NilVal, false
	}
	h := pb.src.reading()
	if h == nil || len(path) == 0 {
		return cty.NilVal, false
	}
	in := h.byAddr[address]
	if in == nil {
		return cty.NilVal, false
	}
	v := in.view()
	for i := 0; i < len(path)-1; i++ {
		step := path[i]
		if step.n > 0 || i+1 >= len(path) || path[i+1].n == 0 {
			return cty.NilVal, false // a name, then an element of its blocks
		}
		views, open := v.nested(step.name)
		el := path[i+1]
		if open || len(views) != el.n || el.index >= len(views) {
			return cty.NilVal, false
		}
		v = views[el.index]
		i++
	}
	last := path[len(path)-1]
	if last.n > 0 {
		return cty.NilVal, false
	}
	val, _, ok := v.get(last.name)
	if !ok {
		return cty.NilVal, false
	}
	return pb.translate(h, val, 0)
}

// translate maps the HCL reading's symbols to the plan's: a symbol of a
// resource is the plan's instance of the same address (its value when the
// plan knows it); anything unknown or not a plain ID stays unknown.
func (pb *planBuild) translate(h *hclReading, v cty.Value, depth int) (cty.Value, bool) {
	switch {
	case v == cty.NilVal || depth > maxValueDepth:
		return cty.NilVal, false
	case v.IsNull():
		return cty.NullVal(cty.DynamicPseudoType), true
	case !v.IsKnown():
		return cty.NilVal, false
	case v.Type() == cty.String:
		parts, ok := h.ev.syms.split(v.AsString())
		if !ok || len(parts) != 1 {
			return cty.NilVal, false
		}
		if parts[0].sym == nil {
			return v, true
		}
		s := parts[0].sym
		if s.kind != symResource || s.inst == nil {
			return cty.NilVal, false
		}
		target := pb.insts[s.inst.full()]
		if target == nil {
			return cty.NilVal, false
		}
		steps, ok := attrSteps(s.attr)
		if !ok {
			return cty.NilVal, false
		}
		raw := pb.raw[target]
		if known, ok := rawString(raw.after, raw.unknown, steps); ok {
			return cty.StringVal(known), true
		}
		if !rawUnknown(raw.after, raw.unknown, steps, raw.unknownKnown) {
			return cty.NilVal, false
		}
		return pb.ev.syms.sentinel(symbol{kind: symResource, scope: target.s.path, addr: target.addr, attr: s.attr, inst: target}), true
	case v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType():
		var out []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			t, ok := pb.translate(h, e, depth+1)
			if !ok {
				t = cty.UnknownVal(cty.String) // a member the plan cannot name
			}
			if !t.IsNull() {
				out = append(out, t)
			}
		}
		if len(out) == 0 {
			return cty.EmptyTupleVal, true
		}
		return cty.TupleVal(out), true
	}
	return cty.NilVal, false
}

// attrSteps splits a symbol's attribute path (`vpc_config[0].cluster_security_group_id`).
func attrSteps(attr string) ([]rawStep, bool) {
	var out []rawStep
	for attr != "" {
		switch {
		case attr[0] == '.':
			attr = attr[1:]
		case attr[0] == '[':
			end := 1
			for end < len(attr) && attr[end] >= '0' && attr[end] <= '9' {
				end++
			}
			if end == 1 || end >= len(attr) || attr[end] != ']' {
				return nil, false
			}
			n := 0
			for _, c := range attr[1:end] {
				n = n*10 + int(c-'0')
				if n > 1<<20 {
					return nil, false
				}
			}
			out = append(out, rawStep{index: n, isIndex: true})
			attr = attr[end+1:]
		default:
			end := 0
			for end < len(attr) && attr[end] != '.' && attr[end] != '[' {
				end++
			}
			out = append(out, rawStep{name: attr[:end]})
			attr = attr[end:]
		}
	}
	return out, len(out) > 0
}
