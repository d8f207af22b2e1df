package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// Modules pass IDs through try(), conditionals on known flags and locals
// (`try(aws_security_group.node[0].id, var.node_security_group_id)`): not
// every reference of such an expression is a resource's ID, so
// `referenced` gives up. But Terraform computes an unknown value only from
// unknown inputs: when an unknown ID argument has exactly one unknown
// input, an ID of a resource in the plan, and every other input is known,
// the argument is that ID. A list of IDs holds its unknown inputs, and is
// open (an unknown member) unless no known input holds a string (flags,
// counts, empty strings and lists). An input the
// plan cannot tell known or unknown (a local without the HCL, a data
// source, each.value of an unknown for_each) stops the inference.

// inferable reports whether an unknown value of argument name (planned
// beside siblings in a block configured by c) comes from its expression.
// Not when the provider may compute it: an argument that is Optional and
// Computed shows unknown in a plan when its expression gives null, and an
// unknown input elsewhere in that expression (try(x, null), a conditional)
// is then not its value. These are the link arguments the AWS provider
// computes; each is inferred only where its value cannot be null. null is
// true where the provider's rules say the value is null.
func (pb *planBuild) inferable(name string, siblings, unknown map[string]any, c cfgNode) (infer, null bool) {
	switch {
	case pb.typ == "aws_security_group_rule" && name == "source_security_group_id":
		// null beside what it conflicts with (the provider's ConflictsWith)
		for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks", "self"} {
			if holdsID(siblings[k]) || siblings[k] == true {
				return false, true
			}
		}
		// beside a prefix list, or what is not known, it may be null
		for _, k := range []string{"cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "self"} {
			if u, _ := unknown[k].(bool); u || holdsID(siblings[k]) {
				return false, false
			}
		}
		return true, false
	case pb.typ == "aws_instance" && (name == "vpc_security_group_ids" || name == "security_groups"):
		return false, false // null gives the VPC's default group, computed
	case name == "id" || name == "name" || name == "launch_template_id" || name == "launch_template_name":
		// a launch template specification: exactly one of its id and name
		// is set, the other computed; only one may be configured
		other := map[string]string{"id": "name", "name": "id", "launch_template_id": "launch_template_name",
			"launch_template_name": "launch_template_id"}[name]
		return c.kind != cfgBlock || c.block[other] == nil, false
	}
	return true, false
}

// listLinkArgs are the link arguments that hold lists of IDs.
var listLinkArgs = map[string]bool{
	"security_groups": true, "vpc_security_group_ids": true, "security_group_ids": true,
	"source_security_group_ids": true, "security_group_names": true,
}

// inputs are what an expression's references contribute to its value.
type inputs struct {
	unknown []cty.Value // symbols of unknown resource attributes, once each
	known   bool        // some known input may contribute a value
	opaque  bool        // an input that cannot be told known or unknown
}

func (in *inputs) addUnknown(v cty.Value) {
	for _, u := range in.unknown {
		if u.RawEquals(v) {
			return
		}
	}
	in.unknown = append(in.unknown, v)
}

// inferred is an unknown link argument's value from its inputs.
func (pb *planBuild) inferred(scope, name string, e *tfjson.Expression) (cty.Value, bool) {
	var in inputs
	pb.inputsOf(scope, e, pb.each, &in, 0)
	if in.opaque || len(in.unknown) == 0 {
		return cty.NilVal, false
	}
	if !listLinkArgs[name] {
		if len(in.unknown) != 1 {
			return cty.NilVal, false
		}
		return in.unknown[0], true
	}
	members := append([]cty.Value{}, in.unknown...)
	if in.known {
		members = append(members, cty.UnknownVal(cty.String))
	}
	return cty.TupleVal(members), true
}

// inputsOf adds the inputs of an expression evaluated in a module
// instance; each is the for_each expression each.value comes from.
func (pb *planBuild) inputsOf(scope string, e *tfjson.Expression, each *tfjson.Expression, in *inputs, depth int) {
	if e == nil || e.ExpressionData == nil {
		return
	}
	if len(e.References) == 0 {
		in.known = in.known || holdsID(e.ConstantValue)
		return
	}
	pb.refsInputs(scope, e.References, each, in, depth)
}

func (pb *planBuild) refsInputs(scope string, refs []string, each *tfjson.Expression, in *inputs, depth int) {
	if depth > maxModuleDepth || len(refs) > 1000 {
		in.opaque = true
		return
	}
	for _, ref := range maximalRefs(refs) {
		if in.opaque {
			return
		}
		if pb.budget--; pb.budget < 0 {
			in.opaque = true
			return
		}
		t, diags := hclsyntax.ParseTraversalAbs([]byte(ref), "", hcl.InitialPos)
		if diags.HasErrors() || len(t) == 0 {
			in.opaque = true
			return
		}
		switch t.RootName() {
		case "count", "path", "terraform":
			// known, and no ID
		case "each":
			if attrStep(t, 1) == "key" {
				continue
			}
			if each == nil {
				in.opaque = true
				return
			}
			pb.inputsOf(scope, each, nil, in, depth+1)
		case "var":
			name := attrStep(t, 1)
			if scope == "" {
				in.known = true // root variables are known in a plan
				continue
			}
			parent, call, ok := parentModule(scope)
			pm := pb.configModule(parent)
			if !ok || name == "" || pm == nil || pm.ModuleCalls[call] == nil {
				in.opaque = true
				return
			}
			mc := pm.ModuleCalls[call]
			if e := mc.Expressions[name]; e != nil {
				pb.inputsOf(parent, e, mc.ForEachExpression, in, depth+1)
				continue
			}
			// not passed: its default, known
			if cm := mc.Module; cm == nil || cm.Variables[name] == nil || holdsID(cm.Variables[name].Default) {
				in.known = true
			}
		case "module":
			name := attrStep(t, 1)
			i, key := 2, ""
			if k, ok := indexStep(t, 2); ok {
				i, key = 3, k
			}
			output := attrStep(t, i)
			child := joinModule(scope, name, key)
			cm := pb.configModule(child)
			if name == "" || output == "" || cm == nil || cm.Outputs[output] == nil {
				in.opaque = true
				return
			}
			pb.inputsOf(child, cm.Outputs[output].Expression, nil, in, depth+1)
		case "local":
			refs, ok := pb.localRefs(scope, attrStep(t, 1))
			if !ok {
				in.opaque = true
				return
			}
			pb.refsInputs(scope, refs, each, in, depth+1)
		case "data", "self":
			in.opaque = true
			return
		default:
			pb.resourceInputs(scope, t, in)
		}
	}
}

// resourceInputs adds what `type.name[key].attr…` contributes: nothing
// when the instance is not in the plan (try() or can() caught the error,
// or the plan would have failed), else its value, known or unknown.
func (pb *planBuild) resourceInputs(scope string, t hcl.Traversal, in *inputs) {
	name := attrStep(t, 1)
	addr := t.RootName() + "." + name
	i := 2
	if k, ok := indexStep(t, 2); ok {
		addr += k
		i = 3
	}
	full := addr
	if scope != "" {
		full = scope + "." + addr
	}
	if name == "" {
		in.opaque = true
		return
	}
	if pb.insts[full] == nil {
		if i == 2 && pb.hasInstances(scope, addr) {
			in.opaque = true // a whole counted resource: its instances' values
		}
		return
	}
	if i >= len(t) {
		in.opaque = true // the whole object
		return
	}
	v, ok := pb.resourceAttr(scope, t)
	switch {
	case ok && hasSymbol(v):
		in.addUnknown(v)
	case ok:
		in.known = in.known || v.AsString() != ""
		return
	default:
		// not a string, or a path the symbols do not take (a map key):
		// unknown there is an input that is not an ID
		raw := pb.raw[pb.insts[full]]
		steps, ok := rawSteps(t[i:])
		if !ok || rawUnknown(raw.after, raw.unknown, steps, raw.unknownKnown) {
			in.opaque = true
			return
		}
		val := raw.after
		for _, s := range steps {
			val = rawAt(val, s)
		}
		in.known = in.known || holdsID(val)
	}
}

// rawSteps is a traversal's attribute names and indexes (map keys as names).
func rawSteps(t hcl.Traversal) ([]rawStep, bool) {
	var out []rawStep
	for _, s := range t {
		switch x := s.(type) {
		case hcl.TraverseAttr:
			out = append(out, rawStep{name: x.Name})
		case hcl.TraverseIndex:
			switch {
			case x.Key.Type() == cty.String && x.Key.IsKnown():
				out = append(out, rawStep{name: x.Key.AsString()})
			case x.Key.Type() == cty.Number && x.Key.IsKnown() && x.Key.AsBigFloat().IsInt():
				n, _ := x.Key.AsBigFloat().Int64()
				if n < 0 || n > 1<<20 {
					return nil, false
				}
				out = append(out, rawStep{index: int(n), isIndex: true})
			default:
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return out, true
}

// hasInstances reports whether a resource has instances with keys in the
// plan (`aws_security_group.x[0]` beside a reference to `aws_security_group.x`).
func (pb *planBuild) hasInstances(scope, addr string) bool {
	s := pb.scopes[scope]
	if s == nil {
		return false
	}
	for _, a := range s.mod.resOrder {
		if strings.HasPrefix(a, addr+"[") {
			return true
		}
	}
	return false
}

// localRefs are the references of a local value, read from the HCL of the
// module instance's folder: a plan's configuration has no locals.
func (pb *planBuild) localRefs(scope, name string) ([]string, bool) {
	if pb.src == nil || name == "" {
		return nil, false
	}
	m := pb.src.module(scope)
	if m == nil || m.locals[name] == nil {
		return nil, false
	}
	var out []string
	for _, t := range m.locals[name].Expr.Variables() {
		out = append(out, traversalString(t))
	}
	return out, true
}

// traversalString writes a traversal as Terraform writes references.
func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for i, s := range t {
		switch x := s.(type) {
		case hcl.TraverseRoot:
			b.WriteString(x.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + x.Name)
		case hcl.TraverseIndex:
			switch {
			case x.Key.Type() == cty.Number && x.Key.IsKnown() && x.Key.AsBigFloat().IsInt():
				n, _ := x.Key.AsBigFloat().Int64()
				b.WriteString("[" + strconv.FormatInt(n, 10) + "]")
			case x.Key.Type() == cty.String && x.Key.IsKnown():
				b.WriteString("[" + strconv.Quote(x.Key.AsString()) + "]")
			default:
				return b.String() // as Terraform: the reference ends before it
			}
		default:
			if i == 0 {
				return ""
			}
			return b.String()
		}
	}
	return b.String()
}

// holdsID reports whether a known value may contribute an ID to a list:
// it holds a non-empty string (flags and counts do not).
func holdsID(v any) bool {
	switch x := v.(type) {
	case string:
		return x != ""
	case []any:
		for _, e := range x {
			if holdsID(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if holdsID(e) {
				return true
			}
		}
	}
	return false
}
