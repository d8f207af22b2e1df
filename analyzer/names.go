package analyzer

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// Message helpers shared by the rules: how node groups, clusters and
// groups are named, so every message reads the same way.

func nodeGroupPhrase(ng *graph.NodeGroup, c *graph.Cluster) string {
	return fmt.Sprintf("%s %q of cluster %q", ng.Kind, ng.Name, c.DisplayName())
}

func sgNames(g *graph.Graph, keys []graph.SGKey) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = g.SGName(k)
	}
	return strings.Join(names, ", ")
}

func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// clusterOf returns a node group's cluster, or nil.
func clusterOf(g *graph.Graph, ng *graph.NodeGroup) *graph.Cluster {
	if ng.ClusterKey == "" {
		return nil
	}
	return g.Cluster(ng.ClusterKey)
}

func joinNames(names []string) string { return strings.Join(names, ", ") }
