package cloudformation

import (
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// noValue marks `Ref: AWS::NoValue`: the list item or property is absent.
const noValue = "\x00AWS::NoValue"

func isNoValue(v graph.Value) bool { return v.Kind == graph.KindUnknown && v.Reason == noValue }

// shortTags maps YAML short forms to their long names.
var shortTags = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!GetAtt": "Fn::GetAtt", "!Sub": "Fn::Sub", "!If": "Fn::If", "!Join": "Fn::Join",
	"!Select": "Fn::Select", "!Split": "Fn::Split", "!ImportValue": "Fn::ImportValue",
	"!FindInMap": "Fn::FindInMap", "!Base64": "Fn::Base64", "!Equals": "Fn::Equals",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Not": "Fn::Not", "!GetAZs": "Fn::GetAZs",
	"!Cidr": "Fn::Cidr", "!Contains": "Fn::Contains", "!Transform": "Fn::Transform",
	"!Length": "Fn::Length", "!ToJsonString": "Fn::ToJsonString",
}

// intrinsic recognises a function call in short (`!Ref X`) or long
// (`{Ref: X}`, `{"Fn::GetAtt": [...]}`) form. The returned argument node
// carries no tag of its own in the short form.
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if n == nil {
		return "", nil, false
	}
	if name, ok := shortTags[n.Tag]; ok {
		arg := *n
		arg.Tag = "" // the node itself, now as a plain argument
		switch n.Kind {
		case yaml.ScalarNode:
			arg.Tag = "!!str"
		case yaml.SequenceNode:
			arg.Tag = "!!seq"
		case yaml.MappingNode:
			arg.Tag = "!!map"
		}
		return name, &arg, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

// maxEvalDepth bounds recursion through nested intrinsics.
const maxEvalDepth = 64

// maxChoiceWidth bounds the branches (leaves) of the value of nested Fn::If
// on unknown conditions.
const maxChoiceWidth = 64

// choiceWidth counts the leaves of nested choices, stopping past limit.
func choiceWidth(v graph.Value, limit int) int {
	if v.Kind != graph.KindChoice {
		return 1
	}
	n := choiceWidth(v.Parts[0], limit)
	if n > limit {
		return n
	}
	return n + choiceWidth(v.Parts[1], limit-n)
}

// eval turns a scalar-valued expression into a symbolic value.
func (t *template) eval(n *yaml.Node) graph.Value { return t.evalDepth(n, 0) }

func (t *template) evalDepth(n *yaml.Node, depth int) graph.Value {
	if n == nil {
		return graph.UnknownValue("missing")
	}
	if depth > maxEvalDepth {
		return graph.UnknownValue("expression nested too deeply")
	}
	fn, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind == yaml.ScalarNode {
			if n.Tag == "!!null" {
				return graph.Lit("")
			}
			if t.hasMacro && strings.Contains(n.Value, "~~") {
				return graph.UnknownValue("macro placeholder " + n.Value)
			}
			return graph.Lit(n.Value)
		}
		return graph.UnknownValue("not a scalar")
	}
	d := depth + 1
	switch fn {
	case "Ref":
		return t.ref(arg.Value)
	case "Fn::GetAtt":
		res, attr := getAttArgs(arg)
		if res == "" {
			return graph.UnknownValue("malformed Fn::GetAtt")
		}
		if r := t.resources[res]; r == nil || r.exists == graph.No {
			return graph.UnknownValue("Fn::GetAtt of missing resource " + res)
		}
		return graph.Value{Kind: graph.KindGetAtt, Scope: t.file, Str: res, Attr: attr}
	case "Fn::Sub":
		return t.sub(arg, d)
	case "Fn::Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return graph.UnknownValue("malformed Fn::Join")
		}
		sep := t.evalDepth(arg.Content[0], d)
		items, open := t.listDepth(arg.Content[1], d)
		if open || sep.Kind != graph.KindLiteral {
			return graph.UnknownValue("Fn::Join of an unknown list")
		}
		var parts []graph.Value
		for i, it := range items {
			if !it.certain {
				return graph.UnknownValue("Fn::Join of a conditional list")
			}
			if i > 0 {
				parts = append(parts, sep)
			}
			parts = append(parts, it.value)
		}
		return graph.Concat(parts...)
	case "Fn::Select":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return graph.UnknownValue("malformed Fn::Select")
		}
		idx, err := strconv.Atoi(t.evalDepth(arg.Content[0], d).Str)
		items, open := t.listDepth(arg.Content[1], d)
		if err != nil || open || idx < 0 || idx >= len(items) {
			return graph.UnknownValue("Fn::Select of an unknown item")
		}
		for _, it := range items[:idx+1] {
			if !it.certain {
				return graph.UnknownValue("Fn::Select of a conditional list")
			}
		}
		return items[idx].value
	case "Fn::ImportValue":
		name := t.evalDepth(arg, d)
		if s, ok := name.Literal(); ok {
			return graph.Value{Kind: graph.KindImport, Str: s}
		}
		return graph.UnknownValue("Fn::ImportValue of " + name.String())
	case "Fn::FindInMap":
		return t.findInMap(arg, d)
	case "Fn::Base64":
		// Looked through: user data is searched for the cluster name.
		return t.evalDepth(arg, d)
	case "Fn::If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			return graph.UnknownValue("malformed Fn::If")
		}
		switch t.cond(arg.Content[0].Value) {
		case graph.Yes:
			return t.evalDepth(arg.Content[1], d)
		case graph.No:
			return t.evalDepth(arg.Content[2], d)
		}
		v := graph.Value{Kind: graph.KindChoice, Str: arg.Content[0].Value,
			Parts: []graph.Value{t.evalDepth(arg.Content[1], d), t.evalDepth(arg.Content[2], d)}}
		if choiceWidth(v, maxChoiceWidth) > maxChoiceWidth {
			// Nested Fn::If on unknown conditions (shared through YAML
			// aliases, the tree doubles per level): every comparison and
			// rendering of the value walks all its branches, so give up
			// rather than go quadratic.
			return graph.UnknownValue("Fn::If with too many unknown branches")
		}
		return v
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition":
		switch t.condExpr(n, d) {
		case graph.Yes:
			return graph.Lit("true")
		case graph.No:
			return graph.Lit("false")
		}
		return graph.UnknownValue("condition cannot be evaluated")
	}
	return graph.UnknownValue(fn + " is not evaluated")
}

// ref resolves `Ref`: parameters to their value or a symbol, resources to
// a symbol, AWS::NoValue to the absent marker.
func (t *template) ref(name string) graph.Value {
	if name == "AWS::NoValue" {
		return graph.UnknownValue(noValue)
	}
	if p := t.params[name]; p != nil {
		if p.known {
			return p.value
		}
		return graph.Value{Kind: graph.KindParam, Scope: t.file, Str: name}
	}
	if strings.HasPrefix(name, "AWS::") {
		if v, ok := t.opts.Params[name]; ok {
			return graph.Lit(v)
		}
		return graph.Value{Kind: graph.KindParam, Scope: t.file, Str: name}
	}
	if r := t.resources[name]; r != nil && r.exists != graph.No {
		if isClusterType(r.typ) {
			return t.clusterName(r)
		}
		return graph.Value{Kind: graph.KindResource, Scope: t.file, Str: name}
	}
	return graph.UnknownValue("Ref to undefined " + name)
}

// clusterName is what `Ref` to a cluster returns: its Name property when
// set (so `!Sub kubernetes.io/cluster/${Cluster}` equals a tag written with
// the name parameter), else the generated name as a symbol of its own.
func (t *template) clusterName(r *resource) graph.Value {
	f := t.clusterRequest(r)
	if n := yamltree.Get(f.request, f.name); n != nil && !t.nameBusy[r.id] {
		t.nameBusy[r.id] = true
		v := t.eval(n)
		t.nameBusy[r.id] = false
		if v.Kind != graph.KindUnknown {
			return v
		}
	}
	return graph.Value{Kind: graph.KindResource, Scope: t.file, Str: r.id}
}

// getAttArgs accepts "Res.Attr" (split at the first dot: Stack.Outputs.X)
// and [Res, Attr].
func getAttArgs(arg *yaml.Node) (string, string) {
	switch arg.Kind {
	case yaml.ScalarNode:
		res, attr, ok := strings.Cut(arg.Value, ".")
		if !ok {
			return "", ""
		}
		return res, attr
	case yaml.SequenceNode:
		if len(arg.Content) == 2 && arg.Content[0].Kind == yaml.ScalarNode && arg.Content[1].Kind == yaml.ScalarNode {
			return arg.Content[0].Value, arg.Content[1].Value
		}
	}
	return "", ""
}

// sub evaluates Fn::Sub in its string and [string, {vars}] forms.
func (t *template) sub(arg *yaml.Node, depth int) graph.Value {
	str := arg
	var vars *yaml.Node
	if arg.Kind == yaml.SequenceNode {
		if len(arg.Content) != 2 {
			return graph.UnknownValue("malformed Fn::Sub")
		}
		str, vars = arg.Content[0], arg.Content[1]
	}
	if str.Kind != yaml.ScalarNode {
		return graph.UnknownValue("malformed Fn::Sub")
	}
	s := str.Value
	var parts []graph.Value
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			parts = append(parts, graph.Lit(s))
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			parts = append(parts, graph.Lit(s))
			break
		}
		parts = append(parts, graph.Lit(s[:i]))
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") { // ${!Literal} is written as ${Literal}
			parts = append(parts, graph.Lit("${"+name[1:]+"}"))
			continue
		}
		if v := yamltree.Get(vars, name); v != nil {
			parts = append(parts, t.evalDepth(v, depth+1))
			continue
		}
		if res, attr, ok := strings.Cut(name, "."); ok {
			if r := t.resources[res]; r != nil && r.exists != graph.No {
				parts = append(parts, graph.Value{Kind: graph.KindGetAtt, Scope: t.file, Str: res, Attr: attr})
			} else {
				parts = append(parts, graph.UnknownValue("${"+name+"}"))
			}
			continue
		}
		parts = append(parts, t.ref(name))
	}
	if t.hasMacro && strings.Contains(str.Value, "~~") {
		return graph.UnknownValue("macro placeholder")
	}
	return graph.Concat(parts...)
}

func (t *template) findInMap(arg *yaml.Node, depth int) graph.Value {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return graph.UnknownValue("malformed Fn::FindInMap")
	}
	n := t.mappings
	for _, k := range arg.Content[:3] {
		key, ok := t.evalDepth(k, depth+1).Literal()
		if !ok {
			return graph.UnknownValue("Fn::FindInMap with an unknown key")
		}
		n = yamltree.Get(n, key)
		if n == nil {
			return graph.UnknownValue("Fn::FindInMap key " + key + " not found")
		}
	}
	if n.Kind == yaml.SequenceNode {
		var items []string
		for _, it := range n.Content {
			items = append(items, it.Value)
		}
		return graph.Lit(strings.Join(items, ","))
	}
	return t.evalDepth(n, depth+1)
}

// object resolves a mapping-valued property (Properties,
// ResourcesVpcConfig): the mapping, or the one an Fn::If on a known
// condition chooses. opaque is set when an expression the model cannot
// follow stands there, so that callers treat what it holds as unknown
// rather than absent.
func (t *template) object(n *yaml.Node) (m *yaml.Node, opaque bool) {
	for depth := 0; depth <= maxEvalDepth; depth++ {
		if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
			return nil, false
		}
		fn, arg, ok := intrinsic(n)
		switch {
		case !ok && n.Kind == yaml.MappingNode:
			return n, false
		case !ok:
			return nil, false // a wrong shape: as absent
		case fn == "Ref" && arg.Value == "AWS::NoValue":
			return nil, false
		case fn != "Fn::If" || arg.Kind != yaml.SequenceNode || len(arg.Content) != 3:
			return nil, true
		}
		switch t.cond(arg.Content[0].Value) {
		case graph.Yes:
			n = arg.Content[1]
		case graph.No:
			n = arg.Content[2]
		default:
			return nil, true
		}
	}
	return nil, true
}

// item is one element of an evaluated list.
type item struct {
	value graph.Value
	// certain is false when the item exists only on some condition branch.
	certain bool
	node    *yaml.Node
}

// list evaluates a list-valued expression. open is true when the list may
// hold items the model cannot see (an unknown list parameter, an import).
func (t *template) list(n *yaml.Node) ([]item, bool) { return t.listDepth(n, 0) }

func (t *template) listDepth(n *yaml.Node, depth int) ([]item, bool) {
	if n == nil {
		return nil, false
	}
	if depth > maxEvalDepth {
		return nil, true
	}
	d := depth + 1
	fn, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind != yaml.SequenceNode {
			v := t.evalDepth(n, d)
			if isNoValue(v) {
				return nil, false
			}
			return []item{{value: v, certain: true, node: n}}, false
		}
		var out []item
		open := false
		for _, c := range n.Content {
			if cfn, carg, ok := intrinsic(c); ok && cfn == "Fn::If" {
				items, o := t.ifList(carg, c, d, false)
				out, open = append(out, items...), open || o
				continue
			}
			v := t.evalDepth(c, d)
			if isNoValue(v) {
				continue
			}
			out = append(out, item{value: v, certain: true, node: c})
		}
		return out, open
	}
	switch fn {
	case "Fn::If":
		return t.ifList(arg, n, d, true)
	case "Ref":
		p := t.params[arg.Value]
		if p != nil && (strings.HasPrefix(p.typ, "List<") || strings.HasPrefix(p.typ, "CommaDelimitedList")) {
			if !p.known {
				return nil, true
			}
			return splitLiteral(p.value.Str, n), false
		}
	case "Fn::Split":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return nil, true
		}
		sep, ok := t.evalDepth(arg.Content[0], d).Literal()
		if !ok || sep == "" {
			return nil, true
		}
		return splitValue(t.evalDepth(arg.Content[1], d), sep, arg.Content[1])
	case "Fn::GetAZs", "Fn::Cidr", "Fn::GetAtt", "Fn::ImportValue", "Fn::FindInMap":
		if fn == "Fn::FindInMap" {
			if v := t.evalDepth(n, d); v.Kind == graph.KindLiteral {
				return splitLiteral(v.Str, n), false
			}
		}
		return nil, true
	}
	v := t.evalDepth(n, d)
	if isNoValue(v) {
		return nil, false
	}
	return []item{{value: v, certain: true, node: n}}, false
}

// ifList evaluates `Fn::If` in a list context: the chosen branch, or both
// branches as uncertain items when the condition is unknown. whole says
// whether the branches are lists themselves or single items.
func (t *template) ifList(arg, at *yaml.Node, depth int, whole bool) ([]item, bool) {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return nil, true
	}
	branch := func(b *yaml.Node) ([]item, bool) {
		if whole {
			return t.listDepth(b, depth)
		}
		v := t.evalDepth(b, depth)
		if isNoValue(v) {
			return nil, false
		}
		if _, _, ok := intrinsic(b); ok && v.Kind == graph.KindUnknown {
			// A nested list expression in item position (rare): follow it.
			return t.listDepth(b, depth)
		}
		return []item{{value: v, certain: true, node: b}}, false
	}
	switch t.cond(arg.Content[0].Value) {
	case graph.Yes:
		return branch(arg.Content[1])
	case graph.No:
		return branch(arg.Content[2])
	}
	a, oa := branch(arg.Content[1])
	b, ob := branch(arg.Content[2])
	inA, inB := certainKeys(a), certainKeys(b)
	out := make([]item, 0, len(a)+len(b))
	for _, x := range a {
		x.certain = x.certain && inB[x.value.SameKey()]
		out = append(out, x)
	}
	for _, x := range b {
		if !inA[x.value.SameKey()] {
			x.certain = false
			out = append(out, x)
		}
	}
	return out, oa || ob
}

// certainKeys indexes the certain items by graph.Value.SameKey, so that
// "is v certainly in the list" (some certain item Equal to v is Yes) costs
// one lookup instead of a scan: comparing every item of one branch with
// every item of the other was quadratic in long lists.
func certainKeys(items []item) map[string]bool {
	keys := make(map[string]bool, len(items))
	for _, it := range items {
		if k := it.value.SameKey(); it.certain && k != "" {
			keys[k] = true
		}
	}
	return keys
}

func splitLiteral(s string, n *yaml.Node) []item {
	var out []item
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, item{value: graph.Lit(p), certain: true, node: n})
		}
	}
	return out
}

// splitValue splits a possibly symbolic string at literal separators:
// `!Split [",", !Sub "${NodeSG},${Extra}"]` yields NodeSG and Extra. A part
// that is not a literal may itself hold separators, so the list is open.
func splitValue(v graph.Value, sep string, n *yaml.Node) ([]item, bool) {
	if v.Kind == graph.KindLiteral {
		return splitLiteral(v.Str, n), false
	}
	if v.Kind != graph.KindConcat {
		if v.Kind == graph.KindParam || v.Kind == graph.KindUnknown || v.Kind == graph.KindChoice {
			return nil, true
		}
		return []item{{value: v, certain: true, node: n}}, false
	}
	var out []item
	open := false
	var cur []graph.Value
	flush := func() {
		if len(cur) == 0 {
			return
		}
		val := graph.Concat(cur...)
		cur = nil
		if val.Kind == graph.KindParam || val.Kind == graph.KindUnknown || val.Kind == graph.KindChoice {
			open = true // may hold several comma-separated items
			return
		}
		if s, ok := val.Literal(); ok && strings.TrimSpace(s) == "" {
			return
		}
		out = append(out, item{value: val, certain: true, node: n})
	}
	for _, p := range v.Parts {
		if p.Kind != graph.KindLiteral {
			cur = append(cur, p)
			continue
		}
		pieces := strings.Split(p.Str, sep)
		for i, piece := range pieces {
			if i > 0 {
				flush()
			}
			if piece != "" {
				cur = append(cur, graph.Lit(piece))
			}
		}
	}
	flush()
	return out, open
}

// cond evaluates a named condition (memoised, cycle-safe).
func (t *template) cond(name string) graph.Tri {
	if v, ok := t.condCache[name]; ok {
		return v
	}
	n := t.conditions[name]
	if n == nil {
		return graph.Unknown
	}
	if t.condBusy[name] {
		if t.condCycle == nil { // the first cycle is reported (Parse)
			for i, c := range t.condPath {
				if c == name {
					t.condCycle = append(append([]string(nil), t.condPath[i:]...), name)
				}
			}
		}
		return graph.Unknown
	}
	t.condBusy[name] = true
	t.condPath = append(t.condPath, name)
	v := t.condExpr(n, 0)
	t.condPath = t.condPath[:len(t.condPath)-1]
	t.condBusy[name] = false
	t.condCache[name] = v
	return v
}

func (t *template) condExpr(n *yaml.Node, depth int) graph.Tri {
	if depth > maxEvalDepth {
		return graph.Unknown
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Condition" {
		return t.cond(n.Content[1].Value) // long form {Condition: Name}
	}
	fn, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind == yaml.ScalarNode {
			switch strings.ToLower(n.Value) {
			case "true":
				return graph.Yes
			case "false":
				return graph.No
			}
		}
		return graph.Unknown
	}
	d := depth + 1
	switch fn {
	case "Condition":
		return t.cond(arg.Value)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return graph.Unknown
		}
		return graph.Equal(t.evalDepth(arg.Content[0], d), t.evalDepth(arg.Content[1], d))
	case "Fn::Not":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 1 {
			return graph.Unknown
		}
		return t.condExpr(arg.Content[0], d).Not()
	case "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) == 0 {
			return graph.Unknown
		}
		acc := t.condExpr(arg.Content[0], d)
		for _, c := range arg.Content[1:] {
			if fn == "Fn::And" {
				acc = acc.And(t.condExpr(c, d))
			} else {
				acc = acc.Or(t.condExpr(c, d))
			}
		}
		return acc
	case "Fn::Contains":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return graph.Unknown
		}
		items, open := t.listDepth(arg.Content[0], d)
		needle := t.evalDepth(arg.Content[1], d)
		res := graph.No
		for _, it := range items {
			res = res.Or(graph.Equal(it.value, needle))
			if !it.certain && res == graph.Yes {
				res = graph.Unknown
			}
		}
		if open && res == graph.No {
			return graph.Unknown
		}
		return res
	}
	// Fn::If returning a boolean, etc.
	switch v := t.evalDepth(n, d); v.Str {
	case "true":
		if v.Kind == graph.KindLiteral {
			return graph.Yes
		}
	case "false":
		if v.Kind == graph.KindLiteral {
			return graph.No
		}
	}
	return graph.Unknown
}
