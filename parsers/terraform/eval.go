package terraform

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Limits that keep hostile input bounded.
const (
	maxInstances   = 1000 // per resource or module call
	maxModuleDepth = 16
)

// evaluator holds one root module's evaluation.
type evaluator struct {
	l      *loader
	opts   Options
	root   string // the root folder as displayed: the scope of every key
	cwd    string // the root folder's absolute path (Terraform's path.cwd)
	syms   symbols
	scopes []*scope
	notes  []graph.Notification
	files  map[string]bool
	noted  map[string]bool
	// loaded are the module folders this root reads, in order.
	loaded map[*moduleConfig]bool
	mods   []*moduleConfig
	// variant picks, for each call of a modelled module whose version
	// constraint admits several majors, the major evaluated (the last
	// one when there are fewer); variants is the most majors a call
	// admits, so that the root is evaluated once per variant.
	variant, variants int
}

// scope is one module instance.
type scope struct {
	ev     *evaluator
	mod    *moduleConfig
	path   string // "" for the root, `module.a`, `module.a["k"].module.b`
	parent *scope
	depth  int
	// certain is false when the module instance itself may not exist.
	certain  bool
	callName string // the module block's name ("" for the root)
	// stand is the stand-in (model or downloaded copy) this scope is part
	// of, nil in the user's own modules.
	stand      *standIn
	vars       map[string]cty.Value
	varObj     cty.Value
	locals     map[string]cty.Value
	localState map[string]uint8
	res        map[string]*resourceState
	calls      map[string]*callState
	// defaultTags are the aws provider's default_tags by alias ("" for
	// the default provider), as this module sees them.
	defaultTags map[string]*providerTags
	refs        map[string]*trie
	// callArgs and callExtras are the module block's arguments and the
	// variables they are evaluated with, for locating values given to
	// the module's variables.
	callArgs   hcl.Attributes
	callExtras map[string]cty.Value
}

type providerTags struct {
	tags cty.Value
	rng  hcl.Range
	keys map[string]hcl.Range
}

const (
	unvisited uint8 = iota
	visiting
	done
)

type resourceState struct {
	cfg       *resourceConfig
	state     uint8
	instances []*instance
	value     cty.Value
}

// instance is one instance of a resource (after count/for_each).
type instance struct {
	s       *scope
	cfg     *resourceConfig
	addr    string // within its module, with the instance key
	extras  map[string]cty.Value
	certain bool
	value   cty.Value
}

func (in *instance) view() *view {
	return &view{s: in.s, body: in.cfg.body, extras: in.extras, rng: in.cfg.rng, certain: in.certain}
}

// full is the instance's address with its module path.
func (in *instance) full() string {
	if in.s.path == "" {
		return in.addr
	}
	return in.s.path + "." + in.addr
}

type callState struct {
	call  *moduleCall
	state uint8
	value cty.Value
}

// evaluateRoot evaluates a root module; when a modelled module call
// admits several majors, once per major (Result.Variants).
func evaluateRoot(l *loader, dir string, opts Options) Result {
	res, ev := evaluateVariant(l, dir, opts, 0)
	// Fresh documents of every variant, the first included: Doc is merged
	// with the rest of the scan (which changes it); these are analysed
	// alone.
	for k := 0; k < ev.variants; k++ {
		if r, _ := evaluateVariant(l, dir, opts, k); r.Doc != nil {
			res.Variants = append(res.Variants, r.Doc)
		}
	}
	return res
}

func evaluateVariant(l *loader, dir string, opts Options, variant int) (Result, *evaluator) {
	m := l.load(dir)
	ev := &evaluator{l: l, opts: opts, variant: variant, root: m.display, cwd: filepath.ToSlash(m.dir), files: map[string]bool{}, noted: map[string]bool{}, loaded: map[*moduleConfig]bool{}}
	res := Result{Dir: m.display}
	s := ev.newScope(m, "", nil, true)
	ev.useFiles(m)
	if m.broken {
		if m.readErr != "" {
			res.Errors = append(res.Errors, FileError{Loc: graph.Location{File: m.display}, Msg: m.readErr})
		}
		res.Errors = append(res.Errors, m.errors...)
		res.Notes = append(res.Notes, m.notes...)
		res.Files = m.files
		res.Notes = append(res.Notes, graph.Notification{Level: "warning", Loc: graph.Location{File: m.display},
			Message: "Terraform module not evaluated: a file of it cannot be read"})
		return res, ev
	}
	s.setVars(ev.rootVars(m))
	s.setDefaultTags(nil, nil)
	s.evaluateAll()
	doc := ev.build()
	res.Doc = doc
	// Every module's errors and notes, each once (a module called twice
	// is parsed once).
	for _, m := range ev.mods {
		res.Errors = append(res.Errors, m.errors...)
		res.Notes = append(res.Notes, m.notes...)
	}
	res.Notes = append(res.Notes, ev.notes...)
	for f := range ev.files {
		res.Files = append(res.Files, f)
	}
	sort.Strings(res.Files)
	for _, f := range res.Files {
		res.Comments = append(res.Comments, l.comments(f)...)
	}
	return res, ev
}

func (ev *evaluator) useFiles(m *moduleConfig) {
	if !ev.loaded[m] {
		ev.loaded[m] = true
		ev.mods = append(ev.mods, m)
	}
	for _, f := range m.files {
		if ev.l.stand[f] == nil { // not the user's file: a model or a downloaded module
			ev.files[f] = true
		}
	}
}

// notify records a notification at a range of this scope's module.
func (s *scope) notify(level string, at hcl.Range, format string, args ...any) {
	s.ev.notifyIn(s.stand, level, at, format, args...)
}

func (ev *evaluator) notifyIn(t *standIn, level string, at hcl.Range, format string, args ...any) {
	n := graph.Notification{Level: level, Loc: ev.l.locIn(t, at), Message: fmt.Sprintf(format, args...)}
	key := n.Loc.String() + n.Message
	if ev.noted[key] {
		return
	}
	ev.noted[key] = true
	ev.notes = append(ev.notes, n)
}

func (ev *evaluator) newScope(m *moduleConfig, path string, parent *scope, certain bool) *scope {
	s := &scope{ev: ev, mod: m, path: path, parent: parent, certain: certain,
		locals: map[string]cty.Value{}, localState: map[string]uint8{},
		res: map[string]*resourceState{}, calls: map[string]*callState{}}
	if parent != nil {
		s.depth = parent.depth + 1
	}
	for addr, r := range m.resources {
		s.res[addr] = &resourceState{cfg: r}
	}
	for name, c := range m.calls {
		s.calls[name] = &callState{call: c}
	}
	s.refs = m.referencePaths()
	ev.scopes = append(ev.scopes, s)
	return s
}

// setVars gives the module's variables their values: given ones converted
// to the declared type (optional attributes' defaults applied), else the
// default, else a symbol (the root's unset variables) or unknown.
func (s *scope) setVars(given map[string]cty.Value) {
	s.vars = map[string]cty.Value{}
	names := make([]string, 0, len(s.mod.variables))
	for n := range s.mod.variables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		decl := s.mod.variables[n]
		ty, defaults := cty.DynamicPseudoType, (*typeexpr.Defaults)(nil)
		if decl.typeExpr != nil {
			if t, d, diags := typeexpr.TypeConstraintWithDefaults(decl.typeExpr); !diags.HasErrors() {
				ty, defaults = t, d
			}
		}
		v, ok := given[n]
		if !ok || v.IsNull() {
			if decl.def != nil {
				dv, diags := decl.def.Value(nil)
				if !diags.HasErrors() {
					v, ok = dv, true
				}
			}
		}
		if !ok {
			if s.parent == nil && (ty == cty.DynamicPseudoType || ty == cty.String) {
				v = s.ev.syms.sentinel(symbol{kind: symVar, scope: s.path, addr: n})
			} else {
				v = cty.UnknownVal(ty.WithoutOptionalAttributesDeep())
			}
		} else if !v.IsNull() {
			if defaults != nil {
				v = defaults.Apply(v)
			}
			if cv, err := convert.Convert(v, ty); err == nil {
				v = cv
			} else if !hasSymbol(v) {
				v = cty.UnknownVal(ty.WithoutOptionalAttributesDeep())
			}
		}
		s.vars[n] = v
	}
	s.varObj = cty.ObjectVal(s.vars)
}

// rootVars reads terraform.tfvars, *.auto.tfvars (lexical order), the
// --var-file files and the --var values, later ones winning, as Terraform does.
func (ev *evaluator) rootVars(m *moduleConfig) map[string]cty.Value {
	out := map[string]cty.Value{}
	entries, _ := ev.opts.FS.ReadDir(m.dir)
	var auto []string
	hasDefault, hasDefaultJSON := false, false
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir():
		case n == "terraform.tfvars":
			hasDefault = true
		case n == "terraform.tfvars.json":
			hasDefaultJSON = true
		case strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json"):
			auto = append(auto, n)
		}
	}
	sort.Strings(auto)
	var files []string
	if hasDefault {
		files = append(files, filepath.Join(m.dir, "terraform.tfvars"))
	}
	if hasDefaultJSON {
		files = append(files, filepath.Join(m.dir, "terraform.tfvars.json"))
	}
	for _, n := range auto {
		files = append(files, filepath.Join(m.dir, n))
	}
	files = append(files, ev.opts.VarFiles...)
	for _, f := range files {
		for k, v := range ev.readVarFile(m, f) {
			out[k] = v
		}
	}
	for k, raw := range ev.opts.Vars {
		out[k] = ev.cliVar(m, k, raw)
	}
	return out
}

func (ev *evaluator) readVarFile(m *moduleConfig, abs string) map[string]cty.Value {
	display := ev.opts.Display(abs)
	data, err := ev.opts.FS.ReadFile(abs)
	if err != nil {
		m.errors = append(m.errors, FileError{Loc: graph.Location{File: display}, Msg: describeErr(err)})
		return nil
	}
	ev.l.sources[display] = data
	ev.files[display] = true
	if line := nestingLine(data); line > 0 {
		m.errors = append(m.errors, FileError{Loc: graph.Location{File: display, Line: line},
			Msg: fmt.Sprintf("brackets nest more than %d deep; the file is not read", maxNesting)})
		return nil
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(strings.ToLower(abs), ".json") {
		f, diags = hcljsonParse(data, display)
	} else {
		f, diags = hclsyntax.ParseConfig(data, display, hcl.InitialPos)
	}
	if diags.HasErrors() || f == nil {
		m.errors = append(m.errors, ev.l.diagError(display, diags))
		return nil
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		m.errors = append(m.errors, ev.l.diagError(display, diags))
	}
	out := map[string]cty.Value{}
	for n, a := range attrs {
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() {
			m.errors = append(m.errors, ev.l.diagError(display, diags))
			continue
		}
		out[n] = v
	}
	return out
}

// cliVar reads --var NAME=VALUE: the raw string for a string variable,
// an HCL expression otherwise (as Terraform does).
func (ev *evaluator) cliVar(m *moduleConfig, name, raw string) cty.Value {
	decl := m.variables[name]
	if decl != nil && decl.typeExpr != nil {
		if ty, diags := typeexpr.TypeConstraint(decl.typeExpr); !diags.HasErrors() && ty.IsPrimitiveType() {
			return cty.StringVal(raw)
		}
	}
	if decl == nil || decl.typeExpr == nil {
		return cty.StringVal(raw)
	}
	e, diags := hclsyntax.ParseExpression([]byte(raw), "--var "+name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() {
		return cty.StringVal(raw)
	}
	return v
}

// setDefaultTags records the aws provider's default_tags: the module's own
// provider blocks, else what the parent passes (through `providers`, or
// the parent's default provider).
func (s *scope) setDefaultTags(parent map[string]*providerTags, mapping map[string]string) {
	s.defaultTags = map[string]*providerTags{}
	if parent != nil {
		if alias, ok := mapping["aws"]; ok {
			s.defaultTags[""] = parent[alias]
		} else {
			s.defaultTags[""] = parent[""]
		}
	}
	for _, p := range s.mod.providers {
		if p.name != "aws" {
			continue
		}
		v := &view{s: s, body: p.body, rng: p.rng, certain: true}
		var pt *providerTags
		blocks, open := v.nested("default_tags")
		for _, b := range blocks {
			val, at, ok := b.get("tags")
			if ok {
				pt = &providerTags{tags: val, rng: at, keys: b.keyRanges("tags")}
			}
		}
		if open {
			pt = &providerTags{tags: cty.DynamicVal, rng: p.rng}
		}
		s.defaultTags[p.alias] = pt
	}
}

// evaluateAll expands every resource and module call of the scope (and,
// through the calls, of every module below it).
func (s *scope) evaluateAll() {
	for _, name := range s.mod.callOrder {
		s.ensureCall(name)
	}
	for _, addr := range s.mod.resOrder {
		s.ensureResource(addr)
	}
}

// eval evaluates an expression in this module with extra variables
// (count, each, iterators). Errors give unknown (parts of) values.
func (s *scope) eval(e hcl.Expression, extras map[string]cty.Value) cty.Value {
	if e == nil {
		return cty.NilVal
	}
	if forDepth(e) > maxForDepth {
		return cty.DynamicVal
	}
	vars := map[string]cty.Value{}
	for k, v := range extras {
		vars[k] = v
	}
	locals := map[string]cty.Value{}
	modules := map[string]cty.Value{}
	resources := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, t := range e.Variables() {
		root := t.RootName()
		if _, ok := extras[root]; ok {
			continue
		}
		switch root {
		case "var":
			vars["var"] = s.varObj
		case "path":
			vars["path"] = cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(s.mod.display),
				"root": cty.StringVal(s.ev.root), "cwd": cty.StringVal(s.ev.cwd)})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "local":
			if name := attrStep(t, 1); name != "" {
				if _, ok := s.mod.locals[name]; ok {
					locals[name] = s.ensureLocal(name)
				}
			}
		case "module":
			if name := attrStep(t, 1); name != "" {
				if _, ok := s.calls[name]; ok {
					modules[name] = s.ensureCall(name)
				}
			}
		case "data":
			typ, name := attrStep(t, 1), attrStep(t, 2)
			if rs := s.res["data."+typ+"."+name]; rs != nil {
				if data[typ] == nil {
					data[typ] = map[string]cty.Value{}
				}
				data[typ][name] = s.ensureResource("data." + typ + "." + name)
			}
		default:
			name := attrStep(t, 1)
			if rs := s.res[root+"."+name]; rs != nil {
				if resources[root] == nil {
					resources[root] = map[string]cty.Value{}
				}
				resources[root][name] = s.ensureResource(root + "." + name)
			}
		}
	}
	if len(locals) > 0 {
		vars["local"] = cty.ObjectVal(locals)
	}
	if len(modules) > 0 {
		vars["module"] = cty.ObjectVal(modules)
	}
	for typ, m := range resources {
		vars[typ] = cty.ObjectVal(m)
	}
	if len(data) > 0 {
		d := map[string]cty.Value{}
		for typ, m := range data {
			d[typ] = cty.ObjectVal(m)
		}
		vars["data"] = cty.ObjectVal(d)
	}
	ctx := &hcl.EvalContext{Variables: vars, Functions: functions}
	if forCost(e, ctx) > maxForIterations {
		s.notify("warning", e.Range(), "this expression's for-loops would take more than %d iterations; its value is taken as unknown", maxForIterations)
		return cty.DynamicVal
	}
	if restore := neutralizeSymbolComparisons(e, ctx); restore != nil {
		defer restore()
	}
	v, _ := e.Value(ctx)
	if v == cty.NilVal {
		return cty.DynamicVal
	}
	return bounded(v)
}

func attrStep(t hcl.Traversal, i int) string {
	if len(t) <= i {
		return ""
	}
	if a, ok := t[i].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

func (s *scope) ensureLocal(name string) cty.Value {
	switch s.localState[name] {
	case visiting:
		s.notify("warning", s.mod.locals[name].Range, "local.%s depends on itself; its value is unknown", name)
		return cty.DynamicVal
	case done:
		return s.locals[name]
	}
	s.localState[name] = visiting
	v := s.eval(s.mod.locals[name].Expr, nil)
	s.locals[name] = v
	s.localState[name] = done
	return v
}

// expansion is one instance key of a resource or module call.
type expansion struct {
	key     cty.Value // NilVal without count/for_each
	extras  map[string]cty.Value
	certain bool
}

// expand evaluates count or for_each: known ones give their instances,
// unknown ones a single instance that may not exist (and whose count.index
// and each.* are unknown). byKey tells how the instances are addressed.
func (s *scope) expand(count, forEach hcl.Expression, at hcl.Range) (out []expansion, byKey, unknown bool) {
	switch {
	case count != nil:
		v := s.eval(count, nil)
		n, ok := knownInt(v)
		if !ok {
			return []expansion{{key: cty.UnknownVal(cty.Number), certain: false,
				extras: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}}}, false, true
		}
		if n > maxInstances {
			s.notify("warning", at, "count of %d is more than the %d instances modelled; the rest are ignored", n, maxInstances)
			n = maxInstances
		}
		for i := 0; i < n; i++ {
			out = append(out, expansion{key: cty.NumberIntVal(int64(i)), certain: true,
				extras: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))})}})
		}
		return out, false, false
	case forEach != nil:
		v := s.eval(forEach, nil)
		unknownEach := []expansion{{key: cty.UnknownVal(cty.String), certain: false,
			extras: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}}}
		if !v.IsWhollyKnown() && (!v.IsKnown() || !v.CanIterateElements()) {
			return unknownEach, true, true
		}
		if v.IsNull() || !v.CanIterateElements() {
			return unknownEach, true, true
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if v.Type().IsSetType() {
				k = e
			}
			if !k.IsKnown() || k.IsNull() || !k.Type().Equals(cty.String) || hasSymbol(k) {
				return unknownEach, true, true
			}
			if len(out) == maxInstances {
				s.notify("warning", at, "for_each of more than %d elements; the rest are ignored", maxInstances)
				break
			}
			out = append(out, expansion{key: k, certain: true,
				extras: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})}})
		}
		return out, true, false
	}
	return []expansion{{certain: true}}, false, false
}

func knownInt(v cty.Value) (int, bool) {
	if !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil || !n.IsKnown() || n.IsNull() {
		return 0, false
	}
	bf := n.AsBigFloat()
	if !bf.IsInt() || bf.Sign() < 0 {
		return 0, false
	}
	i, _ := bf.Int64()
	if i > 1<<30 {
		return 1 << 30, true
	}
	return int(i), true
}

// instanceAddr writes `type.name`, `type.name[0]` or `type.name["k"]`.
func instanceAddr(base string, key cty.Value) string {
	if key == cty.NilVal {
		return base
	}
	if !key.IsKnown() {
		if key.Type().Equals(cty.Number) {
			return base + "[count.index]"
		}
		return base + "[each.key]"
	}
	if key.Type().Equals(cty.Number) {
		return base + "[" + numberString(key.AsBigFloat()) + "]"
	}
	return base + "[" + strconv.Quote(key.AsString()) + "]"
}

func (s *scope) ensureResource(addr string) cty.Value {
	rs := s.res[addr]
	switch rs.state {
	case visiting:
		s.notify("warning", rs.cfg.rng, "%s depends on itself; references to it are unknown", addr)
		return cty.DynamicVal
	case done:
		return rs.value
	}
	rs.state = visiting
	exps, byKey, unknown := s.expand(rs.cfg.count, rs.cfg.forEach, rs.cfg.rng)
	values := map[string]cty.Value{}
	var list []cty.Value
	for _, x := range exps {
		in := &instance{s: s, cfg: rs.cfg, addr: instanceAddr(addr, x.key), extras: x.extras, certain: x.certain && s.certain}
		in.value = s.instanceValue(in)
		rs.instances = append(rs.instances, in)
		if x.key != cty.NilVal && x.key.IsKnown() && x.key.Type().Equals(cty.String) {
			values[x.key.AsString()] = in.value
		}
		list = append(list, in.value)
	}
	switch {
	case byKey && unknown:
		rs.value = cty.DynamicVal
	case byKey:
		rs.value = cty.ObjectVal(values)
	case rs.cfg.count != nil:
		rs.value = cty.TupleVal(list)
		if len(list) == 0 {
			rs.value = cty.EmptyTupleVal
		}
	default:
		rs.value = list[0]
	}
	rs.state = done
	return rs.value
}

// instanceValue is what references to the instance see: the arguments
// written in it that something refers to, and a symbol for every other
// attribute path referred to (id, arn, vpc_config[0].cluster_security_group_id…).
func (s *scope) instanceValue(in *instance) cty.Value {
	t := s.refs[in.cfg.addr()]
	if t == nil {
		t = &trie{}
	}
	for _, n := range []string{"id", "arn", "name"} {
		t.child(attrKey(n))
	}
	if in.cfg.typ == "aws_eks_cluster" && !in.cfg.data {
		t.child(attrKey("vpc_config")).child(indexKey(0)).child(attrKey("cluster_security_group_id"))
	}
	kind := symResource
	if in.cfg.data {
		kind = symData
	}
	v := s.objectValue(in.cfg.body, in.extras, t, "", func(path string) cty.Value {
		return s.ev.syms.sentinel(symbol{kind: kind, scope: s.path, addr: in.addr, attr: path, inst: in})
	})
	// An EKS cluster's id is its name.
	if in.cfg.typ == "aws_eks_cluster" && v.Type().IsObjectType() && v.Type().HasAttribute("id") && v.Type().HasAttribute("name") {
		m := v.AsValueMap()
		if _, _, ok := (&view{s: s, body: in.cfg.body}).get("name"); ok {
			m["id"] = m["name"]
			v = cty.ObjectVal(m)
		}
	}
	return v
}

func (s *scope) objectValue(body hcl.Body, extras map[string]cty.Value, t *trie, prefix string, sym func(string) cty.Value) cty.Value {
	attrs, blocks := bodyContent(body)
	out := map[string]cty.Value{}
	for _, k := range t.keys() {
		if k.index != nil || k.name == "" {
			continue
		}
		name := k.name
		child := t.next[k]
		path := joinPath(prefix, name)
		if a := attrs[name]; a != nil && !metaNames[name] {
			v := s.eval(a.Expr, extras)
			if !v.IsKnown() && len(child.next) == 0 {
				// Not known, but still this resource's own attribute:
				// equal to itself wherever it is referred to.
				v = sym(path)
			}
			if name == "name" && v.IsKnown() && v.IsNull() && len(child.next) == 0 {
				// `name = null` (beside name_prefix) is a name the
				// provider makes up, as when name is not written:
				// terraform-aws-eks v18 links its ASG to its launch
				// template by that name.
				v = sym(path)
			}
			out[name] = v
			continue
		}
		var bs []*hcl.Block
		for _, b := range blocks {
			if b.Type == name {
				bs = append(bs, b)
			}
		}
		if len(bs) > 0 {
			elems := make([]cty.Value, len(bs))
			for i, b := range bs {
				elems[i] = s.objectValue(b.Body, extras, child.next[indexKey(i)].orEmpty(), path+"["+strconv.Itoa(i)+"]", sym)
			}
			out[name] = cty.TupleVal(elems)
			continue
		}
		out[name] = symbolicValue(child, path, sym)
	}
	return cty.ObjectVal(out)
}

// symbolicValue builds the shape the references need (objects, tuples)
// with a symbol at each leaf.
func symbolicValue(t *trie, path string, sym func(string) cty.Value) cty.Value {
	if t == nil || len(t.next) == 0 {
		return sym(path)
	}
	maxIndex := -1
	attrs := map[string]cty.Value{}
	for _, k := range t.keys() {
		if k.index != nil {
			if *k.index > maxIndex && *k.index < 64 {
				maxIndex = *k.index
			}
			continue
		}
		attrs[k.name] = symbolicValue(t.next[k], joinPath(path, k.name), sym)
	}
	if len(attrs) > 0 || maxIndex < 0 {
		return cty.ObjectVal(attrs)
	}
	elems := make([]cty.Value, maxIndex+1)
	for i := range elems {
		if c := t.next[indexKey(i)]; c != nil {
			elems[i] = symbolicValue(c, path+"["+strconv.Itoa(i)+"]", sym)
		} else {
			elems[i] = cty.DynamicVal
		}
	}
	return cty.TupleVal(elems)
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// ensureCall evaluates a module call: each instance's child scope with the
// arguments given, and the value references see (its outputs).
func (s *scope) ensureCall(name string) cty.Value {
	cs := s.calls[name]
	switch cs.state {
	case visiting:
		s.notify("warning", cs.call.rng, "module.%s depends on itself; its outputs are unknown", name)
		return cty.DynamicVal
	case done:
		return cs.value
	}
	cs.state = visiting
	cs.value = s.callValue(cs.call)
	cs.state = done
	return cs.value
}

func (s *scope) callValue(c *moduleCall) cty.Value {
	attrs, _ := bodyContent(c.body)
	dir, local := localSource(s.mod.dir, c.source)
	stand := s.stand // a local module inside a stand-in is part of it
	if !local {
		if dir, stand, local = s.remoteDir(c, attrs); !local {
			return cty.DynamicVal
		}
	}
	if s.depth >= maxModuleDepth || s.inChain(dir) {
		s.notify("warning", c.rng, "module.%s calls a module already being evaluated (or nests too deep); its outputs are unknown", c.name)
		return cty.DynamicVal
	}
	child := s.ev.l.load(dir)
	if stand != nil && stand.model == nil {
		s.ev.l.adopt(child, stand)
	}
	s.ev.useFiles(child)
	if child.readErr != "" {
		s.mod.errors = append(s.mod.errors, FileError{Loc: s.ev.l.locIn(s.stand, c.rng),
			Msg: fmt.Sprintf("module.%s: cannot read its folder %s: %s", c.name, clean(c.source), child.readErr)})
		return cty.DynamicVal
	}
	if child.broken {
		s.notify("warning", c.rng, "module.%s is not evaluated: a file of it cannot be read; its outputs are unknown", c.name)
		return cty.DynamicVal
	}
	exps, byKey, unknown := s.expand(c.count, c.forEach, c.rng)
	values := map[string]cty.Value{}
	var list []cty.Value
	for _, x := range exps {
		path := instanceAddr("module."+c.name, x.key)
		if s.path != "" {
			path = s.path + "." + path
		}
		cs := s.ev.newScope(child, path, s, x.certain && s.certain)
		cs.callName, cs.stand = c.name, stand
		given := map[string]cty.Value{}
		for n, a := range attrs {
			switch n {
			case "source", "version", "count", "for_each", "providers", "depends_on":
				continue
			}
			given[n] = s.eval(a.Expr, x.extras)
		}
		cs.callArgs, cs.callExtras = attrs, x.extras
		if stand != nil && stand.model != nil {
			s.noteModelLimits(c, stand, given)
		}
		cs.setVars(given)
		cs.setDefaultTags(s.defaultTags, c.providers)
		cs.evaluateAll()
		outs := map[string]cty.Value{}
		for n, a := range child.outputs {
			outs[n] = cs.eval(a.Expr, nil)
		}
		v := cty.ObjectVal(outs)
		if x.key != cty.NilVal && x.key.IsKnown() && x.key.Type().Equals(cty.String) {
			values[x.key.AsString()] = v
		}
		list = append(list, v)
	}
	switch {
	case byKey && unknown:
		return cty.DynamicVal
	case byKey:
		return cty.ObjectVal(values)
	case c.count != nil:
		if len(list) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(list)
	}
	return list[0]
}

func (s *scope) inChain(dir string) bool {
	for p := s; p != nil; p = p.parent {
		if p.mod.dir == dir {
			return true
		}
	}
	return false
}
