// Package eksctl models what eksctl would create from a ClusterConfig
// (apiVersion eksctl.io/v1alpha5): security groups, their rules and tags,
// clusters and node groups, each pointing at the config line that causes it.
package eksctl

import (
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	yaml "go.yaml.in/yaml/v3"
)

// IsClusterConfig reports whether a document is an eksctl ClusterConfig.
func IsClusterConfig(doc *yaml.Node) bool { return false }

// Parse models one ClusterConfig document.
func Parse(file string, doc *yaml.Node) (*graph.Document, error) {
	return &graph.Document{File: file}, nil
}
