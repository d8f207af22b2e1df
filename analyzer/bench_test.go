package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
)

// graphOf parses files into a linked graph once, outside the timed loop.
func graphOf(b *testing.B, files []string) *graph.Graph {
	b.Helper()
	var docs []*graph.Document
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		res, err := parsers.Parse(filepath.Base(f), data, parsers.Options{})
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, res.Docs...)
	}
	return graph.Merge(docs)
}

// BenchmarkRulesLargestTemplate runs every rule (the reachability engine
// included) on the largest corpus template.
func BenchmarkRulesLargestTemplate(b *testing.B) {
	g := graphOf(b, []string{"../testdata/corpus/cloudformation/quickstart-amazon-eks-nodegroup__amazon-eks-nodegroup.template.yaml"})
	rules := analyzer.All()
	b.ReportAllocs()
	for b.Loop() {
		analyzer.Run(g, rules)
	}
}

// BenchmarkRulesCorpus runs every rule on the whole CloudFormation corpus
// linked as one scan.
func BenchmarkRulesCorpus(b *testing.B) {
	files, _ := filepath.Glob("../testdata/corpus/cloudformation/*")
	g := graphOf(b, files)
	rules := analyzer.All()
	b.ReportAllocs()
	for b.Loop() {
		analyzer.Run(g, rules)
	}
}

// BenchmarkReachExample measures one reachability question on the README
// example (a cluster, its cluster SG, a node group on two groups).
func BenchmarkReachExample(b *testing.B) {
	g := graphOf(b, []string{"../testdata/examples/cluster-with-nodes.yaml"})
	ng := g.NodeGroups[0]
	nodes, cp := g.Nodes(ng), g.ControlPlane(g.Cluster(ng.ClusterKey))
	asked := graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(1025, 65535))
	b.ReportAllocs()
	for b.Loop() {
		g.Reach(cp, nodes, asked)
	}
}
