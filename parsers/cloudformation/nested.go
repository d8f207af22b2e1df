package cloudformation

import (
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// buildNested records the template's nested stacks (what each passes to
// its child) and its Outputs, which graph.Merge uses to link a parent and
// a child template scanned together (graph/nested.go).
func (t *template) buildNested() {
	for _, r := range t.order {
		if r.exists == graph.No || r.typ != "AWS::CloudFormation::Stack" {
			continue
		}
		ns := graph.NestedStack{Resource: r.id, Name: t.displayName(r), Loc: t.loc(r.key),
			TemplateURL: graph.UnknownValue("no TemplateURL")}
		if u := yamltree.Get(r.props, "TemplateURL"); u != nil {
			ns.TemplateURL = t.eval(u)
		}
		// `cdk synth` (asset metadata on, the CLI's default) records the
		// nested template's file in cdk.out: aws-cdk-lib core/lib/nested-stack.ts,
		// addResourceMetadata: metadata[ASSET_RESOURCE_METADATA_PATH_KEY] =
		// this.templateFile (`<uniqueId>.nested.template.json`).
		if p := yamltree.Get(r.metadata, "aws:asset:path"); p != nil && p.Kind == yaml.ScalarNode {
			ns.AssetPath = p.Value
		}
		params, opaque := t.object(yamltree.Get(r.props, "Parameters"))
		ns.ParamsOpen = opaque || r.opaque
		if params != nil {
			for i := 0; i+1 < len(params.Content); i += 2 {
				k, v := params.Content[i], params.Content[i+1]
				val := t.eval(v)
				if isNoValue(val) {
					continue
				}
				p := graph.NestedParam{Name: k.Value, Value: val, Loc: t.loc(k)}
				if val.Kind != graph.KindChoice {
					if key, ok := t.sgKeyOf(val, v); ok {
						p.SG = key
					}
				}
				ns.Params = append(ns.Params, p)
			}
		}
		t.doc.NestedStacks = append(t.doc.NestedStacks, ns)
	}
	if t.outputs == nil || t.outputs.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(t.outputs.Content); i += 2 {
		name, o := t.outputs.Content[i].Value, t.outputs.Content[i+1]
		vn := yamltree.Get(o, "Value")
		if vn == nil {
			continue
		}
		if c := yamltree.Get(o, "Condition"); c != nil && c.Kind == yaml.ScalarNode && t.cond(c.Value) != graph.Yes {
			continue // an output that may not exist links nothing
		}
		out := graph.StackOutput{Name: name, Value: t.eval(vn)}
		if out.Value.Kind != graph.KindChoice {
			if key, ok := t.sgKeyOf(out.Value, vn); ok {
				out.SG = key
			}
		}
		t.doc.Outputs = append(t.doc.Outputs, out)
	}
}

// IsAssetManifest reports whether a document is a CDK cloud assembly's
// asset manifest (`<stack>.assets.json`: {"version": ..., "files": {...}}).
func IsAssetManifest(doc *yaml.Node) bool {
	root := yamltree.Root(doc)
	if root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	files, version := yamltree.Get(root, "files"), yamltree.Get(root, "version")
	return files != nil && files.Kind == yaml.MappingNode && version != nil && version.Kind == yaml.ScalarNode &&
		yamltree.Get(root, "Resources") == nil
}

// ParseAssetManifest reads the file assets of a CDK asset manifest: each
// `files.<hash>` has `source.path` (relative to cdk.out) and
// `destinations.<id>.objectKey`, the key the parent's TemplateURL ends with
// (aws/aws-cdk integ snapshots, e.g. integ.access-entry-removal-policy.js.snapshot/
// aws-cdk-eks-access-entry-removal-policy-test.assets.json, commit 645cd8c063923143c270eb6f5a738726357a02dc).
func ParseAssetManifest(file string, doc *yaml.Node) *graph.Document {
	d := &graph.Document{File: file, Assets: graph.AssetManifest{}}
	files := yamltree.Get(yamltree.Root(doc), "files")
	for i := 1; i < len(files.Content); i += 2 {
		a := files.Content[i]
		src := yamltree.Get(yamltree.Get(a, "source"), "path")
		if src == nil || src.Kind != yaml.ScalarNode || !isTemplateAsset(src.Value) {
			continue
		}
		dests := yamltree.Get(a, "destinations")
		if dests == nil || dests.Kind != yaml.MappingNode {
			continue
		}
		for j := 1; j < len(dests.Content); j += 2 {
			if k := yamltree.Get(dests.Content[j], "objectKey"); k != nil && k.Kind == yaml.ScalarNode && k.Value != "" {
				d.Assets[k.Value] = src.Value
			}
		}
	}
	return d
}

// isTemplateAsset: only templates matter (not Lambda code bundles).
func isTemplateAsset(p string) bool {
	return strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".template")
}
