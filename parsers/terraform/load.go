package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/regularfile"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
)

// moduleConfig is one folder of .tf files, parsed, not evaluated.
type moduleConfig struct {
	dir       string // absolute
	display   string
	files     []string // display names
	variables map[string]*variableDecl
	locals    map[string]*hcl.Attribute
	outputs   map[string]*hcl.Attribute
	calls     map[string]*moduleCall
	callOrder []string
	resources map[string]*resourceConfig // "type.name" and "data.type.name"
	resOrder  []string
	providers []*providerConfig
	refs      map[string]*trie
	errors    []FileError
	notes     []graph.Notification
	// readErr is why the folder itself cannot be listed (reported where
	// it is named: the scanned path, or the module block calling it).
	readErr string
	// broken is true when a file failed to parse: the module is then not
	// evaluated (its facts would be partial) and its outputs are unknown.
	broken bool
}

type variableDecl struct {
	name     string
	typeExpr hcl.Expression
	def      hcl.Expression
	rng      hcl.Range
}

type moduleCall struct {
	name    string
	source  string
	version string
	body    hcl.Body
	count   hcl.Expression
	forEach hcl.Expression
	// providers maps the child's provider (e.g. "aws") to the parent's
	// ("aws.east"), from the `providers` argument.
	providers map[string]string
	rng       hcl.Range
}

type resourceConfig struct {
	data     bool
	typ      string
	name     string
	body     hcl.Body
	count    hcl.Expression
	forEach  hcl.Expression
	provider string // alias, "" for the default aws provider
	rng      hcl.Range
}

func (r *resourceConfig) addr() string {
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

type providerConfig struct {
	name  string
	alias string
	body  hcl.Body
	rng   hcl.Range
}

var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
}}

var metaSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "count"}, {Name: "for_each"}, {Name: "provider"}, {Name: "depends_on"},
	{Name: "source"}, {Name: "version"}, {Name: "providers"},
	{Name: "type"}, {Name: "default"}, {Name: "alias"},
}}

// loader parses folders once; evaluation may instantiate a module many times.
type loader struct {
	opts    Options
	modules map[string]*moduleConfig
	// sources holds every file's bytes by display name, for columns.
	sources map[string][]byte
	// models are the built-in module models, in memory (model.go).
	models MapFS
	// stand maps a file (display name) of a modelled or downloaded module
	// to the call its locations stand in for; annotations are the model
	// files' citations.
	stand       map[string]*standIn
	trees       map[string]*standIn
	annotations map[string][]annotated
	origins     map[graph.Origin]*graph.Origin
	// modulesJSON caches .terraform/modules/modules.json by root folder.
	modulesJSON map[string]map[string]string
}

func newLoader(opts Options) *loader {
	return &loader{opts: opts, modules: map[string]*moduleConfig{}, sources: map[string][]byte{}, models: MapFS{},
		stand: map[string]*standIn{}, trees: map[string]*standIn{}, annotations: map[string][]annotated{},
		origins: map[graph.Origin]*graph.Origin{}, modulesJSON: map[string]map[string]string{}}
}

// load parses the .tf and .tf.json files of a folder (cached).
func (l *loader) load(dir string) *moduleConfig {
	dir = filepath.Clean(dir)
	if m := l.modules[dir]; m != nil {
		return m
	}
	m := &moduleConfig{dir: dir, display: l.display(dir), variables: map[string]*variableDecl{},
		locals: map[string]*hcl.Attribute{}, outputs: map[string]*hcl.Attribute{}, calls: map[string]*moduleCall{},
		resources: map[string]*resourceConfig{}}
	l.modules[dir] = m
	entries, err := l.readDir(dir)
	if err != nil {
		m.readErr = describeErr(err)
		m.broken = true
		return m
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !IsTerraformFile(e.Name()) {
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(n), ".json"), ".tf")
		abs := filepath.Join(dir, n)
		display := l.display(abs)
		if base == "override" || strings.HasSuffix(base, "_override") {
			m.notes = append(m.notes, graph.Notification{Level: "note", Loc: graph.Location{File: display},
				Message: "Terraform override files are not modelled; this file is skipped and the module's facts may differ"})
			continue
		}
		m.files = append(m.files, display)
		data, err := l.readFile(abs)
		var notRegular *regularfile.NotRegularError
		if errors.As(err, &notRegular) {
			// A FIFO or device in a module folder is not configuration
			// anyone wrote (Terraform itself would block on it): skipped with
			// a word, as a walked file is. Named on the command line it is
			// an error, which the scan reports before the folder is read.
			m.files = m.files[:len(m.files)-1]
			m.notes = append(m.notes, graph.Notification{Level: "warning", Loc: graph.Location{File: display},
				Message: notRegular.Error() + "; skipped, so the module's facts may differ"})
			continue
		}
		if err != nil {
			m.errors = append(m.errors, FileError{Loc: graph.Location{File: display}, Msg: describeErr(err)})
			m.broken = true
			continue
		}
		l.sources[display] = data
		if line := nestingLine(data); line > 0 {
			m.errors = append(m.errors, FileError{Loc: graph.Location{File: display, Line: line},
				Msg: fmt.Sprintf("brackets nest more than %d deep; the file is not read", maxNesting)})
			m.broken = true
			continue
		}
		var f *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(strings.ToLower(n), ".json") {
			f, diags = hcljson.Parse(data, display)
		} else {
			src := data
			if isModelPath(abs) {
				src = blankCommentLines(data)
			}
			f, diags = hclsyntax.ParseConfig(src, display, hcl.InitialPos)
		}
		if diags.HasErrors() || f == nil {
			m.errors = append(m.errors, l.diagError(display, diags))
			m.broken = true
			continue
		}
		m.addFile(f.Body)
		l.annotate(display, f)
	}
	return m
}

// diagError turns the first error diagnostic into a FileError.
func (l *loader) diagError(file string, diags hcl.Diagnostics) FileError {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		msg = clean(msg)
		fe := FileError{Loc: graph.Location{File: file}, Msg: msg}
		if d.Subject != nil {
			fe.Loc = l.loc(*d.Subject)
		}
		return fe
	}
	return FileError{Loc: graph.Location{File: file}, Msg: "cannot parse"}
}

func (m *moduleConfig) addFile(body hcl.Body) {
	content, _, _ := body.PartialContent(topSchema)
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			v := &variableDecl{name: b.Labels[0], rng: b.DefRange}
			attrs := metaAttrs(b.Body)
			if a := attrs["type"]; a != nil {
				v.typeExpr = a.Expr
			}
			if a := attrs["default"]; a != nil {
				v.def = a.Expr
			}
			m.variables[v.name] = v
		case "locals":
			attrs, _ := b.Body.JustAttributes()
			for name, a := range attrs {
				m.locals[name] = a
			}
		case "output":
			attrs, _ := b.Body.JustAttributes()
			if a := attrs["value"]; a != nil {
				m.outputs[b.Labels[0]] = a
			}
		case "module":
			c := &moduleCall{name: clean(b.Labels[0]), body: b.Body, rng: b.DefRange, providers: map[string]string{}}
			attrs := metaAttrs(b.Body)
			if a := attrs["source"]; a != nil {
				c.source = literalString(a.Expr)
			}
			if a := attrs["version"]; a != nil {
				c.version = literalString(a.Expr)
			}
			if a := attrs["count"]; a != nil {
				c.count = a.Expr
			}
			if a := attrs["for_each"]; a != nil {
				c.forEach = a.Expr
			}
			if a := attrs["providers"]; a != nil {
				c.providers = providerMap(a.Expr)
			}
			if _, dup := m.calls[c.name]; !dup {
				m.callOrder = append(m.callOrder, c.name)
			}
			m.calls[c.name] = c
		case "resource", "data":
			r := &resourceConfig{data: b.Type == "data", typ: clean(b.Labels[0]), name: clean(b.Labels[1]), body: b.Body, rng: b.DefRange}
			attrs := metaAttrs(b.Body)
			if a := attrs["count"]; a != nil {
				r.count = a.Expr
			}
			if a := attrs["for_each"]; a != nil {
				r.forEach = a.Expr
			}
			if a := attrs["provider"]; a != nil {
				r.provider = providerAlias(a.Expr)
			}
			if _, dup := m.resources[r.addr()]; !dup {
				m.resOrder = append(m.resOrder, r.addr())
			}
			m.resources[r.addr()] = r
		case "provider":
			p := &providerConfig{name: b.Labels[0], body: b.Body, rng: b.DefRange}
			if a := metaAttrs(b.Body)["alias"]; a != nil {
				p.alias = literalString(a.Expr)
			}
			m.providers = append(m.providers, p)
		}
	}
}

// metaAttrs reads the meta-arguments of a block, ignoring everything else.
func metaAttrs(body hcl.Body) hcl.Attributes {
	c, _, _ := body.PartialContent(metaSchema)
	if c == nil {
		return hcl.Attributes{}
	}
	return c.Attributes
}

// literalString is an expression's value when it needs no context (a
// module source, a provider alias); "" otherwise.
func literalString(e hcl.Expression) string {
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !v.Type().Equals(ctyString) {
		return ""
	}
	return v.AsString()
}

// providerAlias reads `provider = aws.east` as "east" (the default
// provider is "").
func providerAlias(e hcl.Expression) string {
	t, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() || len(t) != 2 || t.RootName() != "aws" {
		return ""
	}
	if a, ok := t[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// providerMap reads `providers = { aws = aws.east }`.
func providerMap(e hcl.Expression) map[string]string {
	out := map[string]string{}
	pairs, diags := hcl.ExprMap(e)
	if diags.HasErrors() {
		return out
	}
	for _, p := range pairs {
		k, diags := hcl.AbsTraversalForExpr(p.Key)
		if diags.HasErrors() || len(k) == 0 {
			continue
		}
		key := k.RootName()
		if len(k) == 2 {
			if a, ok := k[1].(hcl.TraverseAttr); ok {
				key += "." + a.Name
			}
		}
		if key == "aws" {
			out[key] = providerAlias(p.Value)
		}
	}
	return out
}

// loc converts an HCL range to a graph location; columns count code
// points, derived from the byte offset (HCL's own columns count grapheme
// clusters).
func (l *loader) loc(r hcl.Range) graph.Location {
	if t := l.stand[r.Filename]; t != nil {
		return l.standInLoc(t, r)
	}
	return l.plainLoc(r)
}

func (l *loader) plainLoc(r hcl.Range) graph.Location {
	loc := graph.Location{File: r.Filename, Line: r.Start.Line, Column: l.column(r.Filename, r.Start)}
	if r.End.Line > 0 {
		loc.EndLine, loc.EndColumn = r.End.Line, l.column(r.Filename, r.End)
	}
	return loc
}

func (l *loader) column(file string, p hcl.Pos) int {
	src := l.sources[file]
	if p.Byte < 0 || p.Byte > len(src) {
		return p.Column
	}
	start := p.Byte
	for start > 0 && src[start-1] != '\n' {
		start--
	}
	return utf8.RuneCount(src[start:p.Byte]) + 1
}

func describeErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s[:i], "/") {
		return s[i+2:]
	}
	return s
}

// comments lists the comments of a native-syntax .tf file, from HCL's own
// lexer, so a `#` inside a string or heredoc is never taken for one.
func (l *loader) comments(file string) []Comment {
	src := l.sources[file]
	if !strings.HasSuffix(strings.ToLower(file), ".tf") || !bytes.Contains(src, []byte("eks-sg-lint:ignore")) {
		return nil
	}
	tokens, _ := hclsyntax.LexConfig(src, file, hcl.InitialPos)
	var out []Comment
	for _, t := range tokens {
		if t.Type != hclsyntax.TokenComment {
			continue
		}
		out = append(out, Comment{File: file, Line: t.Range.Start.Line, Column: l.column(file, t.Range.Start),
			Text: strings.TrimRight(string(t.Bytes), "\r\n")})
	}
	return out
}
