package graph

import (
	"path"
	"sort"
	"strings"
)

// NestedStack is an AWS::CloudFormation::Stack resource of a template: a
// child stack whose template may be another input of the scan (RULES.md,
// "Inputs beyond the seed's three").
type NestedStack struct {
	// Resource is the logical ID in the parent; Name is how messages call it.
	Resource, Name string
	Loc            Location
	// TemplateURL is the property as evaluated in the parent.
	TemplateURL Value
	// AssetPath is the resource's `aws:asset:path` metadata (cdk synth
	// with asset metadata: the child template's file name in cdk.out).
	AssetPath string
	// Params are the values the parent passes; ParamsOpen is set when the
	// Parameters property is an expression the model cannot follow.
	Params     []NestedParam
	ParamsOpen bool
}

// NestedParam is one value a parent passes to a child stack, evaluated in
// the parent; SG is the group it denotes if it is used as one.
type NestedParam struct {
	Name  string
	Value Value
	SG    SGKey
	Loc   Location
}

// StackOutput is one Output of a template: its value, and the group it
// denotes if it is used as one (GetAtt Stack.Outputs.Name in a parent).
type StackOutput struct {
	Name  string
	Value Value
	SG    SGKey
}

// AssetManifest maps the S3 object keys of a CDK cloud assembly's file
// assets (`*.assets.json`: files.<hash>.destinations.*.objectKey) to the
// files they are published from (source.path, relative to the manifest).
type AssetManifest map[string]string

// nestedLink is one parent stack resource bound to the input holding its
// template.
type nestedLink struct {
	parent, child *Document
	ns            *NestedStack
}

// maxSubstRounds bounds how many times values are rewritten: each round
// resolves one more level of nesting (a grandchild's parameter bound to a
// child's parameter bound to the parent's value).
const maxSubstRounds = 8

// linkNested binds child templates to the stack resources that create
// them: the child's parameters take the values its parent passes, and a
// parent's `GetAtt Stack.Outputs.X` is the child's output X. Groups are
// linked through aliases (added to aliases); values (tag keys, cluster
// names) and cluster keys are rewritten in the documents themselves. It
// returns notifications for stacks whose template is not among the inputs.
func linkNested(docs []*Document, aliases map[SGKey]SGKey) []Notification {
	var notes []Notification
	byFile := map[string]*Document{}
	assets := map[string]map[string]string{} // folder -> object key -> file
	anyStacks := false
	for _, d := range docs {
		if byFile[d.File] == nil {
			byFile[d.File] = d
		}
		if len(d.Assets) > 0 {
			dir := path.Dir(d.File)
			if assets[dir] == nil {
				assets[dir] = map[string]string{}
			}
			for key, src := range d.Assets {
				assets[dir][key] = path.Join(dir, src)
			}
		}
		anyStacks = anyStacks || len(d.NestedStacks) > 0
	}
	if !anyStacks {
		return nil
	}
	var links []nestedLink
	uses := map[*Document]int{}
	for _, d := range docs {
		for i := range d.NestedStacks {
			ns := &d.NestedStacks[i]
			file, where := childTemplate(d.File, ns, assets)
			child := byFile[file]
			if child == nil || child == d {
				notes = append(notes, Notification{Level: "note", Loc: ns.Loc, Message: "nested stack " + ns.Name +
					": its template (" + where + ") is not among the inputs, so its parameters and outputs are not linked; scan it too"})
				continue
			}
			links = append(links, nestedLink{parent: d, child: child, ns: ns})
			uses[child]++
		}
	}
	// A template used by several stack resources would need one copy per
	// use; bind none of them rather than mix their values.
	kept := links[:0]
	for _, l := range links {
		if uses[l.child] > 1 {
			notes = append(notes, Notification{Level: "note", Loc: l.ns.Loc, Message: "nested stack " + l.ns.Name +
				": its template " + l.child.File + " is used by more than one stack resource; its parameters are not bound"})
			continue
		}
		kept = append(kept, l)
	}
	links = kept
	if len(links) == 0 {
		return notes
	}

	// The symbols to replace: a child's parameters, a parent's
	// GetAtt Stack.Outputs.X.
	subst := map[string]Value{}
	involved := map[*Document]bool{}
	for _, l := range links {
		involved[l.parent], involved[l.child] = true, true
		for _, p := range l.ns.Params {
			sym := Value{Kind: KindParam, Scope: l.child.File, Str: p.Name}
			if !l.ns.ParamsOpen && p.Value.Kind != KindUnknown {
				subst[sym.symbol()] = p.Value
			}
			if from := ParamSGKey(l.child.File, p.Name); p.SG != "" && p.SG != from && !l.ns.ParamsOpen {
				aliases[from] = p.SG
			}
		}
		for _, o := range l.child.Outputs {
			sym := Value{Kind: KindGetAtt, Scope: l.parent.File, Str: l.ns.Resource, Attr: "Outputs." + o.Name}
			if o.Value.Kind != KindUnknown {
				subst[sym.symbol()] = o.Value
			}
			if from := ResourceSGKey(l.parent.File, l.ns.Resource+".Outputs."+o.Name); o.SG != "" && o.SG != from {
				aliases[from] = o.SG
			}
		}
	}
	ordered := make([]*Document, 0, len(involved))
	for d := range involved {
		ordered = append(ordered, d)
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].File < ordered[j].File })
	// Cluster keys derived from a name are recomputed from the rewritten
	// name, so a child's node groups join the parent's cluster.
	origKeys := map[*Cluster]string{}
	for _, d := range ordered {
		for _, c := range d.Clusters {
			if k := ClusterKeyOfName(c.Name); k != "" && k == c.Key {
				origKeys[c] = k
			}
		}
	}
	for round := 0; round < maxSubstRounds; round++ {
		changed := false
		for _, d := range ordered {
			changed = substituteDoc(d, subst) || changed
		}
		if !changed {
			break
		}
	}
	for _, d := range ordered {
		renamed := map[string]string{}
		for _, c := range d.Clusters {
			old, ok := origKeys[c]
			if !ok {
				continue
			}
			if k := ClusterKeyOfName(c.Name); k != "" && k != old {
				renamed[old] = k
				c.Key = k
				if c.ClusterSG == ClusterSGKey(old) {
					aliases[ClusterSGKey(old)] = ClusterSGKey(k)
					c.ClusterSG = ClusterSGKey(k)
				}
			}
		}
		if len(renamed) == 0 {
			continue
		}
		for _, sg := range d.SGs {
			if k, ok := renamed[sg.ClusterSGOf]; ok {
				sg.ClusterSGOf = k
			}
		}
		for _, ng := range d.NodeGroups {
			if k, ok := renamed[ng.ClusterKey]; ok {
				ng.ClusterKey = k
			}
		}
	}
	return notes
}

// childTemplate names the input that holds a stack resource's template,
// and says for messages where it was looked for: the `aws:asset:path`
// metadata, a local TemplateURL path (relative to the parent, as
// `aws cloudformation package` reads it), or the S3 object key of a CDK
// asset in the parent's folder.
func childTemplate(parent string, ns *NestedStack, assets map[string]map[string]string) (file, where string) {
	dir := path.Dir(parent)
	if ns.AssetPath != "" {
		return path.Join(dir, ns.AssetPath), ns.AssetPath
	}
	url := ns.TemplateURL
	if s, ok := url.Literal(); ok {
		if !strings.Contains(s, "://") {
			return path.Join(dir, s), s
		}
		if key := objectKey(s); key != "" {
			return assets[dir][key], s
		}
		return "", s
	}
	if url.Kind == KindConcat {
		if last := url.Parts[len(url.Parts)-1]; last.Kind == KindLiteral {
			if key := objectKey(last.Str); key != "" {
				if f := assets[dir][key]; f != "" {
					return f, url.String()
				}
			}
		}
	}
	return "", url.String()
}

// objectKey is the last path element of an S3 URL.
func objectKey(s string) string {
	i := strings.LastIndexByte(s, '/')
	if i < 0 || i == len(s)-1 {
		return ""
	}
	return s[i+1:]
}

// ClusterKeyOfName is the scan-wide key of the cluster a name value
// denotes: "name:<n>" for a literal, "sym:<key>" for a symbolic name, ""
// when the name is unknown.
func ClusterKeyOfName(name Value) string {
	if s, ok := name.Literal(); ok {
		if s == "" {
			return ""
		}
		return ClusterKeyForName(s)
	}
	if k := name.Key(); k != "" {
		return "sym:" + k
	}
	return ""
}

// substituteDoc rewrites the values of one document, reporting a change.
func substituteDoc(d *Document, subst map[string]Value) bool {
	changed := false
	sub := func(v *Value) {
		if nv, ok := substitute(*v, subst, 0); ok {
			*v, changed = nv, true
		}
	}
	for _, sg := range d.SGs {
		for i := range sg.Tags {
			sub(&sg.Tags[i].Key)
			sub(&sg.Tags[i].Value)
		}
		for _, r := range sg.Rules {
			if r.Peer.Kind == PeerPrefixList {
				sub(&r.Peer.PrefixList)
			}
		}
	}
	for _, r := range d.Rules {
		if r.Peer.Kind == PeerPrefixList {
			sub(&r.Peer.PrefixList)
		}
	}
	for _, c := range d.Clusters {
		sub(&c.Name)
		sub(&c.Version)
	}
	for i := range d.Outputs {
		sub(&d.Outputs[i].Value)
	}
	for i := range d.NestedStacks {
		for j := range d.NestedStacks[i].Params {
			sub(&d.NestedStacks[i].Params[j].Value)
		}
	}
	return changed
}

// substitute replaces the symbols of v found in subst; ok is false when
// nothing changed.
func substitute(v Value, subst map[string]Value, depth int) (Value, bool) {
	if depth > 32 {
		return v, false
	}
	switch v.Kind {
	case KindParam, KindGetAtt:
		if nv, ok := subst[v.symbol()]; ok {
			return nv, true
		}
	case KindConcat, KindChoice:
		var parts []Value
		for i, p := range v.Parts {
			if np, ok := substitute(p, subst, depth+1); ok {
				if parts == nil {
					parts = append([]Value(nil), v.Parts...)
				}
				parts[i] = np
			}
		}
		if parts == nil {
			return v, false
		}
		if v.Kind == KindConcat {
			return Concat(parts...), true
		}
		return Value{Kind: KindChoice, Str: v.Str, Parts: parts}, true
	}
	return v, false
}
