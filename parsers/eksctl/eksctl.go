// Package eksctl models what eksctl would create from a ClusterConfig
// (apiVersion eksctl.io/v1alpha5): security groups, their rules and tags,
// clusters and node groups, each pointing at the config line that causes it.
//
// eksctl is not imported (DESIGN.md): the config is decoded from the yaml.v3
// node tree into small structs (decode.go) and eksctl's CloudFormation output
// is modelled from docs/research/eksctl-security-groups.md (build.go).
package eksctl

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// IsClusterConfig reports whether a document is an eksctl ClusterConfig: a
// top-level mapping with apiVersion eksctl.io/… and kind ClusterConfig.
func IsClusterConfig(doc *yaml.Node) bool {
	r := yamltree.Root(doc)
	if r == nil || r.Kind != yaml.MappingNode {
		return false
	}
	f := fields(r)
	api, kind := f["apiVersion"].value, f["kind"].value
	return api != nil && kind != nil && api.Kind == yaml.ScalarNode && kind.Kind == yaml.ScalarNode &&
		strings.HasPrefix(strings.TrimSpace(api.Value), "eksctl.io/") && strings.TrimSpace(kind.Value) == "ClusterConfig"
}

// Parse models one ClusterConfig document. A field eksctl reads with the
// wrong shape is an *Error with its position.
func Parse(file string, doc *yaml.Node) (out *graph.Document, err error) {
	defer func() {
		// The model must never take the scan down; a bug here becomes a
		// file error.
		if r := recover(); r != nil {
			out, err = nil, &Error{Msg: fmt.Sprintf("internal error while modelling the eksctl config: %v (please report this file)", r)}
		}
	}()
	cfg, err := decode(doc)
	if err != nil {
		return nil, err
	}
	b := newBuilder(file, cfg)
	b.build()
	return b.doc, nil
}
