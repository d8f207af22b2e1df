package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
	yaml "go.yaml.in/yaml/v3"
)

// Plan is a decoded `terraform show -json plan.out`: concrete planned
// values, without positions. Its document is written by the same builder
// as the HCL reading (a planned resource is an instance whose body is its
// planned value), so the same rules see the same graph.
type Plan struct {
	// File is the plan file as displayed.
	File string
	plan *tfjson.Plan
	// at locates each resource instance's entry in the plan file
	// (planned_values, else resource_changes), by address.
	at map[string]hcl.Range
}

// IsPlan reports whether a JSON document is a Terraform plan: an object
// with format_version and planned values or resource changes (a state,
// `terraform show -json` without a plan, has "values" instead).
func IsPlan(doc *yaml.Node) bool {
	root := yamltree.Root(doc)
	if root == nil || root.Kind != yaml.MappingNode || yamltree.Get(root, "format_version") == nil {
		return false
	}
	if yamltree.Get(root, "planned_values") != nil || yamltree.Get(root, "resource_changes") != nil {
		return true
	}
	return yamltree.Get(root, "terraform_version") != nil && yamltree.Get(root, "values") == nil &&
		yamltree.Get(root, "provider_schemas") == nil
}

// DecodePlan reads a plan with terraform-json's types. doc is the file's
// node tree (yamltree, JSON mode), for positions: a malformed plan is an
// error at its line.
func DecodePlan(file string, data []byte, doc *yaml.Node) (*Plan, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	base := len(data) - len(trimmed)
	var tp tfjson.Plan
	tp.UseJSONNumber(true) // ports and counts exactly as written
	if err := json.Unmarshal(trimmed, &tp); err != nil {
		return nil, planError(data, base, doc, err)
	}
	p := &Plan{File: file, plan: &tp, at: map[string]hcl.Range{}}
	root := yamltree.Root(doc)
	if pv := yamltree.Get(yamltree.Get(root, "planned_values"), "root_module"); pv != nil {
		p.locateModule(pv, 0)
	}
	if rcs := yamltree.Get(root, "resource_changes"); rcs != nil && rcs.Kind == yaml.SequenceNode {
		for _, rc := range rcs.Content {
			p.locate(rc)
		}
	}
	return p, nil
}

func (p *Plan) locateModule(m *yaml.Node, depth int) {
	if m == nil || depth > maxModuleDepth*4 {
		return
	}
	if rs := yamltree.Get(m, "resources"); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, r := range rs.Content {
			p.locate(r)
		}
	}
	if cs := yamltree.Get(m, "child_modules"); cs != nil && cs.Kind == yaml.SequenceNode {
		for _, c := range cs.Content {
			p.locateModule(c, depth+1)
		}
	}
}

// locate records where a resource entry names its address (the line a
// reader finds it by), the first time the address is seen: planned_values
// is read before resource_changes.
func (p *Plan) locate(r *yaml.Node) {
	a := yamltree.Get(r, "address")
	if a == nil || a.Kind != yaml.ScalarNode {
		return
	}
	if _, ok := p.at[a.Value]; !ok {
		l := yamltree.Loc(p.File, a)
		p.at[a.Value] = hcl.Range{Filename: p.File, Start: hcl.Pos{Line: l.Line, Column: l.Column, Byte: -1},
			End: hcl.Pos{Line: l.EndLine, Column: l.EndColumn, Byte: -1}}
	}
}

// planError turns a decoding error into one at a line of the file.
func planError(data []byte, base int, doc *yaml.Node, err error) error {
	const what = "not a Terraform plan as `terraform show -json` writes it"
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		line, col := lineCol(data, base+int(typeErr.Offset))
		field := typeErr.Field
		if field == "" {
			field = "a value"
		}
		return &yamltree.Error{Line: line, Column: col,
			Msg: fmt.Sprintf("%s: %s holds a JSON %s where %s belongs", what, field, typeErr.Value, jsonKind(typeErr.Type.String()))}
	case errors.As(err, &syntaxErr):
		line, col := lineCol(data, base+int(syntaxErr.Offset))
		return &yamltree.Error{Line: line, Column: col, Msg: what + ": " + err.Error()}
	}
	// terraform-json's own checks (the format version, an expression):
	// at format_version when that is what it names, else at the top.
	root := yamltree.Root(doc)
	at := root
	if strings.Contains(err.Error(), "format version") {
		if fv := yamltree.Get(root, "format_version"); fv != nil {
			at = fv
		}
	}
	e := &yamltree.Error{Msg: what + ": " + err.Error()}
	if at != nil {
		e.Line, e.Column = at.Line, at.Column
	}
	return e
}

// jsonKind names a Go type of terraform-json as the JSON it reads.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"), goType == "tfjson.Actions":
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "tfjson."), strings.HasPrefix(goType, "*tfjson."):
		return "an object"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	}
	return "a " + goType
}

// lineCol is the 1-based line and column (in code points) of a byte offset.
func lineCol(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	return line, len(bytes.Runes(data[start:off])) + 1
}

// Document writes the plan's resources into a graph document. With hcl,
// the root module the plan was made from (in the same scan), each
// resource is located at its block there; alone, at its entry in the plan.
func (p *Plan) Document(hcl *Result) (*graph.Document, []graph.Notification) {
	var src *rootSource
	if hcl != nil {
		src = hcl.source
	}
	pb := newPlanBuild(p, src)
	pb.load()
	doc := pb.ev.build()
	pb.alias(doc)
	pb.tagKeys(doc)
	return doc, pb.ev.notes
}

// plannedResource is one resource instance's planned value.
type plannedResource struct {
	address, module, typ, name string
	after, unknown             any
	// unknownKnown says after_unknown was given: without it (planned_values
	// alone) an attribute missing from the value may be unknown.
	unknownKnown bool
}

func (p *Plan) resources() []plannedResource {
	var out []plannedResource
	if p.plan.ResourceChanges != nil {
		for _, rc := range p.plan.ResourceChanges {
			if rc == nil || rc.Mode != tfjson.ManagedResourceMode || rc.DeposedKey != "" || rc.Change == nil || rc.Change.After == nil {
				continue // data sources are read into the values that use them; a deleted or deposed object is gone
			}
			out = append(out, plannedResource{address: rc.Address, module: rc.ModuleAddress, typ: rc.Type, name: rc.Name,
				after: rc.Change.After, unknown: rc.Change.AfterUnknown, unknownKnown: true})
		}
		return out
	}
	if p.plan.PlannedValues == nil {
		return nil
	}
	var walk func(m *tfjson.StateModule, depth int)
	walk = func(m *tfjson.StateModule, depth int) {
		if m == nil || depth > maxModuleDepth*4 {
			return
		}
		for _, r := range m.Resources {
			if r == nil || r.Mode != tfjson.ManagedResourceMode {
				continue
			}
			vals := map[string]any{}
			for k, v := range r.AttributeValues {
				vals[k] = v
			}
			out = append(out, plannedResource{address: r.Address, module: m.Address, typ: r.Type, name: r.Name, after: vals})
		}
		for _, c := range m.ChildModules {
			walk(c, depth+1)
		}
	}
	walk(p.plan.PlannedValues.RootModule, 0)
	return out
}

// planBuild turns planned resources into the instances the builder reads.
type planBuild struct {
	p      *Plan
	ev     *evaluator
	src    *rootSource
	scopes map[string]*scope
	insts  map[string]*instance // by full address
	raw    map[*instance]plannedResource
	// budget bounds the reference chasing of one resource, steps its
	// conversion (hostile plans).
	budget, steps int
	// each is the for_each expression of the resource being converted,
	// typ its type; noInfer is set below an argument whose unknown value
	// may be the provider's (inferable).
	each    *tfjson.Expression
	typ     string
	noInfer bool
	// address and path locate the value being converted.
	address string
	path    []pathStep
}

func newPlanBuild(p *Plan, src *rootSource) *planBuild {
	l := newLoader(Options{Display: func(s string) string { return s }})
	if src != nil {
		l = src.l // HCL positions: its columns need the files' bytes
	}
	ev := &evaluator{l: l, root: p.File, files: map[string]bool{}, noted: map[string]bool{}, loaded: map[*moduleConfig]bool{}}
	return &planBuild{p: p, ev: ev, src: src, scopes: map[string]*scope{}, insts: map[string]*instance{}, raw: map[*instance]plannedResource{}}
}

func (pb *planBuild) scope(path string) *scope {
	if s := pb.scopes[path]; s != nil {
		return s
	}
	m := &moduleConfig{display: pb.p.File, variables: map[string]*variableDecl{}, resources: map[string]*resourceConfig{}}
	s := &scope{ev: pb.ev, mod: m, path: path, certain: true, res: map[string]*resourceState{}}
	pb.scopes[path] = s
	return s
}

// load makes one instance per planned resource, then gives each its
// value (which may refer to any other).
func (pb *planBuild) load() {
	rs := pb.p.resources()
	var order []*instance
	for _, r := range rs {
		addr := r.address
		if r.module != "" {
			addr = strings.TrimPrefix(addr, r.module+".")
		}
		s := pb.scope(r.module)
		if s.res[addr] != nil {
			continue // the same instance twice: the first wins
		}
		cfg := &resourceConfig{typ: r.typ, name: r.name, rng: pb.rangeOf(r.address)}
		in := &instance{s: s, cfg: cfg, addr: addr, certain: true}
		s.res[addr] = &resourceState{cfg: cfg, state: done, instances: []*instance{in}}
		s.mod.resOrder = append(s.mod.resOrder, addr)
		pb.insts[r.address] = in
		pb.raw[in] = r
		order = append(order, in)
	}
	for _, in := range order {
		pb.setBody(in)
	}
	paths := make([]string, 0, len(pb.scopes))
	for p := range pb.scopes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		pb.ev.scopes = append(pb.ev.scopes, pb.scopes[p])
	}
}

// rangeOf is where a resource instance is reported: its block in the HCL
// the plan was made from, else its entry in the plan.
func (pb *planBuild) rangeOf(address string) hcl.Range {
	if pb.src != nil {
		if rng, _, ok := pb.src.resource(address); ok {
			return rng
		}
	}
	if r, ok := pb.p.at[address]; ok {
		return r
	}
	return hcl.Range{Filename: pb.p.File, Start: hcl.Pos{Byte: -1}, End: hcl.Pos{Byte: -1}}
}

// argRanges locates a resource's arguments where its HCL block writes
// them (nil without HCL): an attribute's value, a nested block's header.
func (pb *planBuild) argRanges(in *instance) map[string]hcl.Range {
	if pb.src == nil {
		return nil
	}
	_, body, ok := pb.src.resource(pb.raw[in].address)
	if !ok || body == nil {
		return nil
	}
	attrs, blocks := bodyContent(body)
	out := make(map[string]hcl.Range, len(attrs)+len(blocks))
	for i := len(blocks) - 1; i >= 0; i-- { // the first block of a type
		out[blocks[i].Type] = blocks[i].DefRange
	}
	for name, a := range attrs {
		out[name] = a.Expr.Range()
	}
	return out
}

func (pb *planBuild) setBody(in *instance) {
	r := pb.raw[in]
	cfg := pb.configResource(r)
	node := cfgNode{kind: cfgNone}
	pb.each, pb.typ, pb.noInfer, pb.address, pb.path = nil, r.typ, false, r.address, pb.path[:0]
	if cfg != nil {
		node = cfgNode{kind: cfgBlock, block: cfg.Expressions}
		pb.each = cfg.ForEachExpression
	}
	pb.budget, pb.steps = maxResolveSteps, maxConvertSteps
	v := pb.convert(in.s.path, r.after, r.unknown, node, r.unknownKnown, false, 0)
	attrs := hcl.Attributes{}
	if v.Type().IsObjectType() {
		m := v.AsValueMap()
		// tags_all is what the resource ends up with: its own tags over
		// the provider's default_tags, which the HCL reading merges itself.
		if all, ok := m["tags_all"]; ok && all.IsWhollyKnown() && !all.IsNull() {
			m["tags"] = all
		}
		ranges := pb.argRanges(in)
		for name, val := range m {
			// Null and empty are "not written", as the builder expects
			// (a plan lists every attribute of the schema).
			if val.IsNull() || (val.IsKnown() && val.Type().IsTupleType() && val.LengthInt() == 0) || name == "tags_all" {
				continue
			}
			rng, ok := ranges[name]
			if !ok {
				rng = in.cfg.rng
			}
			attrs[name] = &hcl.Attribute{Name: name, Expr: hcl.StaticExpr(val, rng), Range: rng, NameRange: rng}
		}
		in.value = cty.ObjectVal(m)
	}
	in.cfg.body = &planBody{attrs: attrs, rng: in.cfg.rng}
}

// configResource finds a planned resource's configuration: its module's
// (instance keys dropped) resource of that type and name.
func (pb *planBuild) configResource(r plannedResource) *tfjson.ConfigResource {
	m := pb.configModule(r.module)
	if m == nil {
		return nil
	}
	for _, c := range m.Resources {
		if c != nil && c.Mode == tfjson.ManagedResourceMode && c.Type == r.typ && c.Name == r.name {
			return c
		}
	}
	return nil
}

// configModule is the configuration of a module instance path.
func (pb *planBuild) configModule(path string) *tfjson.ConfigModule {
	if pb.p.plan.Config == nil {
		return nil
	}
	m := pb.p.plan.Config.RootModule
	segs, ok := moduleSegments(path)
	if !ok {
		return nil
	}
	for _, s := range segs {
		if m == nil {
			return nil
		}
		c := m.ModuleCalls[s.name]
		if c == nil {
			return nil
		}
		m = c.Module
	}
	return m
}

// alias names, for groups and clusters that already exist (their IDs are
// known in the plan), the group by its ID too, so other inputs that name
// it (AWS CLI output, a literal ID) are the same group.
func (pb *planBuild) alias(doc *graph.Document) {
	clusters := map[string]*graph.Cluster{}
	for _, c := range doc.Clusters {
		if c.Resource != "" {
			clusters[c.Resource] = c
		}
	}
	for _, s := range pb.ev.scopes {
		for _, addr := range s.mod.resOrder {
			in := s.res[addr].instances[0]
			raw := pb.raw[in]
			switch in.cfg.typ {
			case "aws_security_group":
				if id, ok := rawString(raw.after, raw.unknown, []rawStep{{name: "id"}}); ok && strings.HasPrefix(id, "sg-") {
					doc.Aliases[graph.SGKey("tf:"+pb.ev.root+"#"+in.full())] = graph.SGKey(id)
				}
			case "aws_eks_cluster":
				c := clusters[in.full()]
				if c == nil || c.ClusterSG == "" {
					continue
				}
				if id, ok := rawString(raw.after, raw.unknown, []rawStep{{name: "vpc_config"}, {index: 0, isIndex: true}, {name: "cluster_security_group_id"}}); ok && strings.HasPrefix(id, "sg-") {
					doc.Aliases[c.ClusterSG] = graph.SGKey(id)
				}
			}
		}
	}
}

// tagKeys points each tag of a group at its key in the HCL block, as the
// HCL reading does, when the block writes the tags as an object: a literal
// key by its text, a single computed key by elimination; otherwise (tags
// from a variable, default_tags) the tag stays at the tags argument.
func (pb *planBuild) tagKeys(doc *graph.Document) {
	if pb.src == nil {
		return
	}
	for _, sg := range doc.SGs {
		in := pb.insts[sg.Resource]
		if in == nil || len(sg.Tags) == 0 {
			continue
		}
		_, body, ok := pb.src.resource(pb.raw[in].address)
		if !ok || body == nil {
			continue
		}
		attrs, _ := bodyContent(body)
		a := attrs["tags"]
		if a == nil {
			continue
		}
		oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
		if !ok {
			continue
		}
		keyAt := map[string]hcl.Range{}
		var computed []hcl.Range // keys such as "kubernetes.io/cluster/${var.name}"
		for _, item := range oc.Items {
			if k, diags := item.KeyExpr.Value(nil); !diags.HasErrors() && k.IsKnown() && !k.IsNull() && k.Type() == cty.String {
				keyAt[k.AsString()] = item.KeyExpr.Range()
			} else {
				computed = append(computed, item.KeyExpr.Range())
			}
		}
		var unmatched []int
		for i := range sg.Tags {
			k, ok := sg.Tags[i].Key.Literal()
			if r, found := keyAt[k]; ok && found {
				sg.Tags[i].Loc = pb.ev.l.loc(r)
			} else if ok {
				unmatched = append(unmatched, i)
			}
		}
		if len(unmatched) == 1 && len(computed) == 1 && len(sg.Tags) == len(oc.Items) {
			// the one tag no literal key names is the one computed key
			sg.Tags[unmatched[0]].Loc = pb.ev.l.loc(computed[0])
		}
	}
}

// planBody is a planned value as an HCL body: each attribute a constant
// expression, so the builder's views read it as they read a .tf block.
type planBody struct {
	attrs hcl.Attributes
	rng   hcl.Range
}

func (b *planBody) Content(s *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	c, _, d := b.PartialContent(s)
	return c, d
}

func (b *planBody) PartialContent(*hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	return &hcl.BodyContent{Attributes: hcl.Attributes{}, MissingItemRange: b.rng}, b, nil
}

func (b *planBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) { return b.attrs, nil }

func (b *planBody) MissingItemRange() hcl.Range { return b.rng }

// RootConfig lists what the plan's configuration declares in the root
// module (resource addresses without instance keys, module call names),
// for pairing it with the HCL it was made from; ok is false when the plan
// carries no configuration.
func (p *Plan) RootConfig() (resources, calls []string, ok bool) {
	if p.plan.Config == nil || p.plan.Config.RootModule == nil {
		return nil, nil, false
	}
	m := p.plan.Config.RootModule
	for _, r := range m.Resources {
		if r == nil {
			continue
		}
		addr := r.Type + "." + r.Name
		if r.Mode == tfjson.DataResourceMode {
			addr = "data." + addr
		}
		resources = append(resources, addr)
	}
	for name := range m.ModuleCalls {
		calls = append(calls, name)
	}
	sort.Strings(calls)
	return resources, calls, true
}
