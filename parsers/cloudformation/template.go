// Package cloudformation turns a CloudFormation template (YAML or JSON, short
// and long intrinsic forms) into graph facts with source positions. It never
// judges: rules do that on the graph.
package cloudformation

import (
	"fmt"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	yaml "go.yaml.in/yaml/v3"
)

// Options carry what the user knows beyond the file.
type Options struct {
	// Params are parameter values (`--param K=V`); they override defaults.
	// Pseudo parameters such as AWS::StackName may be given too.
	Params map[string]string
}

type parameter struct {
	name  string
	typ   string
	value graph.Value // literal when a value or default is known
	known bool
}

type resource struct {
	id    string
	typ   string
	key   *yaml.Node // the logical ID node: where findings about the resource point
	node  *yaml.Node // the resource's mapping
	props *yaml.Node // mapping, or nil
	// opaque is set when Properties is an expression the model cannot
	// follow (an Fn::If on an unknown condition): what it sets is unknown.
	opaque   bool
	metadata *yaml.Node
	// exists is No when its condition is false (the resource is dropped),
	// Unknown when the condition cannot be evaluated.
	exists graph.Tri
}

type template struct {
	file       string
	opts       Options
	params     map[string]*parameter
	mappings   *yaml.Node
	conditions map[string]*yaml.Node
	condCache  map[string]graph.Tri
	condBusy   map[string]bool
	nameBusy   map[string]bool
	resources  map[string]*resource
	order      []*resource // file order
	outputs    *yaml.Node
	// fragment is set for a bare resources map (part of a template whose
	// Outputs and Parameters are not seen).
	fragment bool

	// condPath is the chain of conditions being evaluated; condCycle the
	// first cycle met (A, B, A), an error CloudFormation rejects too.
	condPath, condCycle []string
	condKeys            []*yaml.Node // the Conditions keys, in order

	// hasMacro is set when a Transform other than SAM may rewrite values
	// (e.g. QuickStartParameterResolver `~~/…~~` placeholders).
	hasMacro bool
	// opaqueRule is set by a standalone rule whose Properties the model
	// cannot follow: every group's rules are then open.
	opaqueRule bool
	doc        *graph.Document
	clusters   map[string]*graph.Cluster
	sgs        map[graph.SGKey]*graph.SecurityGroup
}

// IsTemplate reports whether a document is a CloudFormation template: it has
// AWSTemplateFormatVersion, or Resources whose values have a Type, or it is
// a bare resources map (a fragment such as eksctl's builder test data).
func IsTemplate(doc *yaml.Node) bool {
	root := yamltree.Root(doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	if yamltree.Get(root, "AWSTemplateFormatVersion") != nil {
		return true
	}
	if res := yamltree.Get(root, "Resources"); res != nil && res.Kind == yaml.MappingNode {
		return allTyped(res)
	}
	return allTyped(root)
}

// allTyped: a non-empty mapping whose every value is a mapping with a
// string Type of the form "X::Y…".
func allTyped(m *yaml.Node) bool {
	if len(m.Content) == 0 {
		return false
	}
	for i := 1; i < len(m.Content); i += 2 {
		v := m.Content[i]
		if v.Kind != yaml.MappingNode {
			return false
		}
		t := yamltree.Get(v, "Type")
		if t == nil || t.Kind != yaml.ScalarNode || !strings.Contains(t.Value, "::") {
			return false
		}
	}
	return true
}

// Parse builds the graph facts of one template document.
func Parse(file string, doc *yaml.Node, opts Options) (*graph.Document, error) {
	root := yamltree.Root(doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a CloudFormation template")
	}
	t := &template{
		file: file, opts: opts,
		params:     map[string]*parameter{},
		conditions: map[string]*yaml.Node{},
		condCache:  map[string]graph.Tri{},
		condBusy:   map[string]bool{},
		nameBusy:   map[string]bool{},
		resources:  map[string]*resource{},
		doc:        &graph.Document{File: file, Aliases: map[graph.SGKey]graph.SGKey{}},
	}
	resources := yamltree.Get(root, "Resources")
	if resources == nil && yamltree.Get(root, "AWSTemplateFormatVersion") == nil && allTyped(root) {
		resources = root // fragment: a bare resources map
		t.fragment = true
	} else {
		t.readTransform(yamltree.Get(root, "Transform"))
		if err := t.readParameters(yamltree.Get(root, "Parameters")); err != nil {
			return nil, err
		}
		t.mappings = yamltree.Get(root, "Mappings")
		if c := yamltree.Get(root, "Conditions"); c != nil && c.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(c.Content); i += 2 {
				t.conditions[c.Content[i].Value] = c.Content[i+1]
				t.condKeys = append(t.condKeys, c.Content[i])
			}
		}
		t.outputs = yamltree.Get(root, "Outputs")
	}
	if resources != nil {
		if resources.Kind != yaml.MappingNode {
			return nil, posErr(resources, "Resources must be a mapping of logical IDs to resources")
		}
		for i := 0; i+1 < len(resources.Content); i += 2 {
			k, v := resources.Content[i], resources.Content[i+1]
			if v.Kind != yaml.MappingNode {
				return nil, posErr(v, fmt.Sprintf("resource %s must be a mapping", k.Value))
			}
			typ := yamltree.Get(v, "Type")
			if typ == nil || typ.Kind != yaml.ScalarNode {
				return nil, posErr(k, fmt.Sprintf("resource %s has no Type", k.Value))
			}
			if bad := badType(typ); bad != "" {
				return nil, posErr(typ, fmt.Sprintf("resource %s has Type %s; it must name a resource type such as AWS::EC2::SecurityGroup", k.Value, bad))
			}
			r := &resource{id: k.Value, typ: typ.Value, key: k, node: v, metadata: yamltree.Get(v, "Metadata"), exists: graph.Yes}
			if p := yamltree.Get(v, "Properties"); p != nil && p.Kind != yaml.MappingNode && p.Tag != "!!null" {
				if _, _, ok := intrinsic(p); !ok {
					return nil, posErr(p, fmt.Sprintf("Properties of resource %s must be a mapping", k.Value))
				}
			}
			t.resources[r.id] = r
			t.order = append(t.order, r)
		}
		// Conditions need every resource known (a Ref inside one is legal
		// only to parameters, but be lenient), so evaluate them after.
		for i := 0; i+1 < len(resources.Content); i += 2 {
			r := t.resources[resources.Content[i].Value]
			if c := yamltree.Get(resources.Content[i+1], "Condition"); c != nil && c.Kind == yaml.ScalarNode {
				r.exists = t.cond(c.Value)
			}
		}
		// Every condition, used or not: a cycle makes CloudFormation reject
		// the template, and the resources under it would silently be
		// neither there nor absent.
		for _, k := range t.condKeys {
			t.cond(k.Value)
		}
		if c := t.condCycle; c != nil {
			at := t.condKeys[0]
			for _, k := range t.condKeys {
				if k.Value == c[0] {
					at = k
				}
			}
			return nil, posErr(at, fmt.Sprintf("condition %s depends on itself (%s)", c[0], strings.Join(c, " → ")))
		}
		// Properties may be an Fn::If (on conditions, hence after them).
		for _, r := range t.order {
			p := yamltree.Get(r.node, "Properties")
			if r.props, r.opaque = t.object(p); r.opaque && r.exists != graph.No {
				t.notify(p, "Properties of %s %s is an expression the model cannot follow; what it sets is unknown", r.typ, r.id)
			}
		}
	}
	t.build()
	return t.doc, nil
}

// badType describes a Type that cannot be a resource type (null, a
// number, a boolean, an empty string), or is "" for a string.
func badType(n *yaml.Node) string {
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!int", "!!float", "!!bool":
		return n.Value
	}
	if strings.TrimSpace(n.Value) == "" {
		return "''"
	}
	return ""
}

func (t *template) readTransform(n *yaml.Node) {
	if n == nil {
		return
	}
	names := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		names = n.Content
	}
	for _, x := range names {
		if x.Kind == yaml.ScalarNode && !strings.HasPrefix(x.Value, "AWS::Serverless") {
			t.hasMacro = true
		}
	}
}

func (t *template) readParameters(n *yaml.Node) error {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return posErr(n, "Parameters must be a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, def := n.Content[i].Value, n.Content[i+1]
		t.doc.DeclaredParams = append(t.doc.DeclaredParams, name)
		p := &parameter{name: name}
		if def.Kind == yaml.MappingNode {
			if ty := yamltree.Get(def, "Type"); ty != nil {
				p.typ = ty.Value
			}
			if d := yamltree.Get(def, "Default"); d != nil {
				switch d.Kind {
				case yaml.ScalarNode:
					p.value, p.known = graph.Lit(d.Value), true
				case yaml.SequenceNode: // list defaults written as YAML lists
					var items []string
					for _, it := range d.Content {
						items = append(items, it.Value)
					}
					p.value, p.known = graph.Lit(strings.Join(items, ",")), true
				}
			}
		}
		if v, ok := t.opts.Params[name]; ok {
			p.value, p.known = graph.Lit(v), true
		}
		if p.known && t.hasMacro && strings.Contains(p.value.Str, "~~") {
			p.known = false // a macro placeholder, not a value
		}
		t.params[name] = p
	}
	return nil
}

// loc is a node's location; scalar nodes also get an end column.
func (t *template) loc(n *yaml.Node) graph.Location { return yamltree.Loc(t.file, n) }

// ParseError is an error at a position in the file.
type ParseError = yamltree.Error

func posErr(n *yaml.Node, msg string) error {
	return &ParseError{Line: n.Line, Column: n.Column, Msg: msg}
}

func (t *template) notify(n *yaml.Node, format string, args ...any) {
	t.doc.Notifications = append(t.doc.Notifications, graph.Notification{
		Level: "note", Loc: t.loc(n), Message: fmt.Sprintf(format, args...),
	})
}
