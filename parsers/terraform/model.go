package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/terraform/eksmodule"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// modelRoot is the folder the built-in module models are read from: in
// memory, never on disk. No scanned file is looked for there: a colon
// cannot stand in a Windows folder name, and no Unix system has such a
// top-level folder.
const modelRoot = "/eks-sg-lint:model"

func isModelPath(p string) bool { return strings.HasPrefix(filepath.ToSlash(p), modelRoot+"/") }

// blankCommentLines is a model file with its whole-line comments (the
// citations, a third of its bytes) turned into spaces: HCL's lexer spends
// most of its time on grapheme clusters of every token, comments too, and
// the model's comments are read as text (annotate), never as tokens. Every
// byte keeps its offset and every line its number, so positions are those
// of the file itself. The model files are ours and hold no heredoc, where
// a '#' line would be text.
func blankCommentLines(data []byte) []byte {
	out := append([]byte(nil), data...)
	for start := 0; start < len(out); {
		end := bytes.IndexByte(out[start:], '\n')
		if end < 0 {
			end = len(out)
		} else {
			end += start
		}
		line := out[start:end]
		if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] == '#' {
			for i := range line {
				if line[i] != '\r' {
					line[i] = ' '
				}
			}
		}
		start = end + 1
	}
	return out
}

// standIn is a module the user did not write, read in place of a remote
// call: the built-in model of terraform-aws-modules/eks, or the copy
// `terraform init` downloaded. Locations inside it stand in for the
// caller's module block (or the argument that causes them), the module's
// own file kept as their origin.
type standIn struct {
	call  hcl.Range      // the module block's header, in the caller's file
	attrs hcl.Attributes // the module block's arguments
	what  string         // "terraform-aws-modules/eks/aws v20.37.2, modelled"
	// model is the modelled major, nil for a downloaded copy.
	model *eksmodule.Major
	// root is the folder (as displayed) whose files stand in.
	root string
	// parent is the stand-in the call itself is written in, if any.
	parent *standIn
	// sub is true when the call names a submodule (`//modules/…`): its
	// arguments are the submodule's, which the model's causes name as the
	// key inside a node group (`eks_managed_node_groups.*.remote_access`
	// is the submodule's `remote_access`).
	sub bool
}

// annotated is one model block or argument with its citation.
type annotated struct {
	rng hcl.Range
	ann eksmodule.Annotation
}

func (l *loader) display(abs string) string {
	if isModelPath(abs) {
		return filepath.ToSlash(abs)
	}
	return l.opts.Display(abs)
}

func (l *loader) readDir(p string) ([]fs.DirEntry, error) {
	if isModelPath(p) {
		return l.models.ReadDir(filepath.ToSlash(p))
	}
	return l.opts.FS.ReadDir(p)
}

func (l *loader) readFile(p string) ([]byte, error) {
	if isModelPath(p) {
		return l.models.ReadFile(filepath.ToSlash(p))
	}
	return l.opts.FS.ReadFile(p)
}

// modelTree is the stand-in of one call of a major's model, whose files
// are put into memory once for every call: locations know their call
// from the scope they are evaluated in (scope.stand), not from the file.
func (l *loader) modelTree(c *moduleCall, attrs hcl.Attributes, m eksmodule.Major, parent *standIn, sub string) *standIn {
	key := fmt.Sprintf("%s:%d@%d", c.rng.Filename, c.rng.Start.Byte, m.Number)
	if t := l.trees[key]; t != nil {
		return t
	}
	root := modelRoot + "/terraform-aws-eks-" + m.Tag
	major := m
	what := m.Label()
	if sub != "" {
		what += "//" + sub
	}
	t := &standIn{call: c.rng, attrs: attrs, what: what + ", modelled by eks-sg-lint", model: &major, root: root, parent: parent, sub: sub != ""}
	l.trees[key] = t
	if _, loaded := l.models[root+"/main.tf"]; !loaded {
		for rel, data := range eksmodule.Files(m.Number) {
			l.models[root+"/"+rel] = data
			l.stand[root+"/"+rel] = t // the fallback when no scope says
		}
	}
	return t
}

// adopt registers a downloaded module's files (and the local modules inside
// it): they are not the user's files.
func (l *loader) adopt(m *moduleConfig, t *standIn) {
	for _, f := range m.files {
		if l.stand[f] == nil {
			l.stand[f] = t
		}
	}
}

// annotate records the citations of a model file (eksmodule's "# @"
// comments) against the block or argument that follows each.
func (l *loader) annotate(display string, f *hcl.File) {
	t := l.stand[display]
	if t == nil || t.model == nil {
		return
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return
	}
	// The model files are ours: an annotation is a whole line (no
	// heredoc or string holds one), so the lines are read as text.
	byLine := map[int]eksmodule.Annotation{}
	for n, line := range strings.Split(string(l.sources[display]), "\n") {
		if a, ok := eksmodule.ParseAnnotation(line); ok {
			byLine[n+1] = a
		}
	}
	var out []annotated
	var walk func(b *hclsyntax.Body)
	walk = func(b *hclsyntax.Body) {
		for _, a := range b.Attributes {
			if ann, ok := byLine[a.SrcRange.Start.Line-1]; ok {
				out = append(out, annotated{a.SrcRange, ann})
			}
		}
		for _, bl := range b.Blocks {
			if ann, ok := byLine[bl.TypeRange.Start.Line-1]; ok {
				out = append(out, annotated{bl.Range(), ann})
			}
			walk(bl.Body)
		}
	}
	walk(body)
	// innermost first
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].rng.End.Byte-out[i].rng.Start.Byte < out[j].rng.End.Byte-out[j].rng.Start.Byte
	})
	l.annotations[display] = out
}

// locIn converts a range met while evaluating or building a scope whose
// stand-in is t (nil for the user's own modules).
func (l *loader) locIn(t *standIn, r hcl.Range) graph.Location {
	if t != nil && strings.HasPrefix(r.Filename, t.root+"/") {
		return l.standInLoc(t, r)
	}
	if t := l.stand[r.Filename]; t != nil {
		return l.standInLoc(t, r)
	}
	return l.plainLoc(r)
}

// standInLoc locates a range of a stand-in module at the caller: the
// first argument the annotations name that the caller wrote, else the
// module block; the module's own place is kept as the origin.
func (l *loader) standInLoc(t *standIn, r hcl.Range) graph.Location {
	o := graph.Origin{File: r.Filename, Line: r.Start.Line, What: t.what}
	var causes []string
	if t.model != nil {
		o = graph.Origin{File: t.model.SourceFile(strings.TrimPrefix(r.Filename, t.root+"/")), What: t.what}
		cited := false
		for _, a := range l.annotations[r.Filename] {
			if !a.rng.ContainsOffset(r.Start.Byte) {
				continue
			}
			if !cited && a.ann.File != "" {
				o.File, o.Line, cited = t.model.SourceFile(a.ann.File), a.ann.Line, true
			}
			causes = append(causes, a.ann.Causes...)
		}
	}
	loc := graph.Location{}
	found := false
	for _, c := range causes {
		if t.sub {
			i := strings.LastIndexByte(c, '.')
			if i < 0 {
				continue // a root module argument: not the submodule's
			}
			c = c[i+1:]
		}
		if rng, ok := causeRange(t.attrs, c); ok {
			loc, found = l.locIn(t.parent, rng), true
			break
		}
	}
	if !found {
		loc = l.locIn(t.parent, t.call)
	}
	if loc.Origin == nil || t.model != nil {
		loc.Origin = l.origin(o)
	}
	return loc
}

// origin interns an origin, so that equal locations compare equal.
func (l *loader) origin(o graph.Origin) *graph.Origin {
	if p := l.origins[o]; p != nil {
		return p
	}
	p := &o
	l.origins[o] = p
	return p
}

// causeRange finds a cause ("a", "a.b", "a.*.b") among the module block's
// arguments as written.
func causeRange(attrs hcl.Attributes, cause string) (hcl.Range, bool) {
	parts := strings.Split(cause, ".")
	a := attrs[parts[0]]
	if a == nil {
		return hcl.Range{}, false
	}
	if len(parts) == 1 {
		if a.Range.Start.Line == a.Range.End.Line {
			return a.Range, true
		}
		return a.NameRange, true
	}
	exprs := []hcl.Expression{a.Expr}
	var at []hcl.Range
	for _, p := range parts[1:] {
		var next []hcl.Expression
		at = at[:0]
		for _, e := range exprs {
			oc, ok := e.(*hclsyntax.ObjectConsExpr)
			if !ok {
				continue
			}
			for _, item := range oc.Items {
				if p == "*" || keyName(item.KeyExpr) == p {
					next = append(next, item.ValueExpr)
					at = append(at, hcl.RangeBetween(item.KeyExpr.Range(), item.ValueExpr.Range()))
				}
			}
		}
		if len(next) == 0 {
			return hcl.Range{}, false
		}
		exprs = next
	}
	return at[0], true
}

func keyName(e hcl.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		if name := hcl.ExprAsKeyword(k.Wrapped); name != "" && !k.ForceNonLiteral {
			return name
		}
		return literalString(k.Wrapped)
	}
	return literalString(e)
}

// modulesJSON reads .terraform/modules/modules.json of a root folder:
// module key ("eks", "eks.node_group") to its folder (absolute).
func (l *loader) modulesJSONOf(root string) map[string]string {
	if m, ok := l.modulesJSON[root]; ok {
		return m
	}
	out := map[string]string{}
	l.modulesJSON[root] = out
	data, err := l.opts.FS.ReadFile(filepath.Join(root, ".terraform", "modules", "modules.json"))
	if err != nil {
		return out
	}
	var manifest struct {
		Modules []struct {
			Key, Source, Version, Dir string
		}
	}
	if json.Unmarshal(data, &manifest) != nil {
		return out
	}
	for _, m := range manifest.Modules {
		if m.Key == "" || m.Dir == "" {
			continue
		}
		dir := filepath.FromSlash(m.Dir)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		out[m.Key] = filepath.Clean(dir)
	}
	return out
}

// remoteDir finds the folder to read for a call whose source is not a
// local path: the copy `terraform init` downloaded (modules.json), else the
// built-in model of terraform-aws-modules/eks for the major the version
// constraint and the arguments admit. ok is false when the module stays
// opaque (notified).
func (s *scope) remoteDir(c *moduleCall, attrs hcl.Attributes) (dir string, t *standIn, ok bool) {
	l := s.ev.l
	if d := l.modulesJSONOf(filepath.FromSlash(s.ev.cwd))[s.moduleKey(c.name)]; d != "" {
		if _, err := l.opts.FS.ReadDir(d); err == nil {
			what := clean(c.source)
			if c.version != "" {
				what += " " + clean(c.version)
			}
			return d, &standIn{call: c.rng, attrs: attrs, what: what + ", downloaded by terraform init", root: l.display(d), parent: s.stand}, true
		}
	}
	isEKS, sub, ref := eksmodule.Source(c.source)
	if !isEKS {
		s.notify("note", c.rng, "module.%s comes from %q, which is not read (only local modules, copies that terraform init downloaded, and terraform-aws-modules/eks/aws are); its outputs are unknown", c.name, c.source)
		return "", nil, false
	}
	constraint := c.version
	if ref != "" {
		constraint = ref
	}
	admitted, older, err := eksmodule.Admitted(constraint)
	if err != nil {
		s.notify("warning", c.rng, "module.%s: %s; the module is not modelled and its outputs are unknown", c.name, clean(err.Error()))
		return "", nil, false
	}
	var written []string
	for n := range attrs {
		written = append(written, n)
	}
	majors, excluded := admitted, map[int]string{}
	if sub == "" { // the arguments that tell majors apart are the root module's
		majors, excluded = eksmodule.Narrow(admitted, written)
	}
	var ruled []string
	for _, m := range admitted {
		if a, out := excluded[m.Number]; out {
			ruled = append(ruled, fmt.Sprintf("%d (it has no argument %s)", m.Number, a))
		}
	}
	if len(majors) == 0 {
		s.notify("warning", c.rng, "module.%s: no modelled major of terraform-aws-modules/eks/aws (18 to 21) fits the version constraint %q and the arguments written%s; the module is not modelled and its outputs are unknown",
			c.name, clean(constraint), listed(", ruled out: ", ruled))
		return "", nil, false
	}
	if len(majors) > 1 {
		var names []string
		for _, m := range majors {
			names = append(names, strconv.Itoa(m.Number))
		}
		why := fmt.Sprintf("the version constraint %q", clean(constraint))
		if strings.TrimSpace(constraint) == "" {
			why = "no version constraint"
		}
		s.notify("note", c.rng, "module.%s: %s admits majors %s of terraform-aws-modules/eks/aws%s; each is modelled and only findings that hold for all of them are reported (pin a major, e.g. version = \"~> %d.0\", for all findings)",
			c.name, why, strings.Join(names, ", "), listed("; ruled out by the arguments: ", ruled), majors[0].Number)
		s.ev.variants = max(s.ev.variants, len(majors))
	}
	if older && strings.TrimSpace(constraint) != "" {
		s.notify("note", c.rng, "module.%s: the version constraint also admits majors before 18, which are not modelled; findings are those of the modelled majors", c.name)
	}
	m := majors[min(s.ev.variant, len(majors)-1)]
	t = l.modelTree(c, attrs, m, s.stand, sub)
	return filepath.FromSlash(path.Join(t.root, sub)), t, true
}

func listed(prefix string, items []string) string {
	if len(items) == 0 {
		return ""
	}
	return prefix + strings.Join(items, ", ")
}

// moduleKey is a call's key in modules.json: the names of the module
// calls from the root, joined by dots, without instance keys.
func (s *scope) moduleKey(name string) string {
	var names []string
	for p := s; p != nil && p.parent != nil; p = p.parent {
		names = append(names, p.callName)
	}
	var b strings.Builder
	for i := len(names) - 1; i >= 0; i-- {
		b.WriteString(names[i])
		b.WriteByte('.')
	}
	return b.String() + name
}

// noteModelLimits says where the caller writes something the model leaves
// out rather than guess: remote_access beside the module's own launch
// template, which EKS rejects at apply time (docs/terraform-aws-eks-module.md,
// section 4).
func (s *scope) noteModelLimits(c *moduleCall, t *standIn, given map[string]cty.Value) {
	template := "use_custom_launch_template"
	if t.model.Number == 18 {
		template = "create_launch_template"
	}
	groups := given["eks_managed_node_groups"]
	if groups == cty.NilVal || !groups.IsWhollyKnown() || groups.IsNull() || !(groups.Type().IsObjectType() || groups.Type().IsMapType()) {
		return
	}
	defaults := given["eks_managed_node_group_defaults"]
	custom := func(v cty.Value) (bool, bool) {
		if v == cty.NilVal || v.IsNull() || !v.Type().IsObjectType() || !v.Type().HasAttribute(template) {
			return false, false
		}
		b := v.GetAttr(template)
		if !b.IsKnown() || b.IsNull() || !b.Type().Equals(cty.Bool) {
			return true, true // unknown: leave it
		}
		return b.True(), true
	}
	for it := groups.ElementIterator(); it.Next(); {
		k, g := it.Element()
		if !g.Type().IsObjectType() || !g.Type().HasAttribute("remote_access") {
			continue
		}
		on, set := custom(g)
		if !set {
			on, set = custom(defaults)
		}
		if set && !on {
			continue
		}
		at := c.rng
		if r, ok := causeRange(t.attrs, "eks_managed_node_groups."+k.AsString()+".remote_access"); ok {
			at = r
		}
		s.notify("note", at, "module.%s: node group %q sets remote_access while the module's own launch template is used (%s is not false); EKS rejects that when the group is created, so remote access is not modelled",
			c.name, clean(k.AsString()), template)
	}
}
