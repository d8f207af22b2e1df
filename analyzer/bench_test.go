package analyzer_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// copiesDocs parses n copies of one template, each under its own file
// name (so their logical IDs are their own) but with the same literal
// cluster name: n node-group stacks of one cluster, as in a monorepo.
func copiesDocs(b *testing.B, file string, n int) [][]*graph.Document {
	b.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	out := make([][]*graph.Document, n)
	for i := range out {
		res, err := parsers.Parse(fmt.Sprintf("d%03d/copy%05d%s", i/100, i, filepath.Ext(file)), data, parsers.Options{})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = res.Docs
	}
	return out
}

// BenchmarkSameClusterCopies: many files describing one cluster (copies
// of a node-group stack reusing the cluster's name) must cost linear time
// in the number of files, in graph.Merge and in the rules. Compare 500
// with 2000 copies: 4x the input should take at most about 4x the time.
func BenchmarkSameClusterCopies(b *testing.B) {
	for _, src := range []string{
		// Three self-managed node groups per copy on the copy's own group,
		// which admits only itself: every pair across copies is blocked.
		"../testdata/corpus/cloudformation/eks-workshop__amazon-eks-nodegroup-with-spot.yml",
		// The cluster itself in every copy, with a control-plane group of
		// the copy's own, and a managed node group on the cluster SG plus
		// a group of its own: one control plane of n groups, n node groups.
		"../testdata/examples/cluster-with-nodes.yaml",
	} {
		for _, n := range []int{500, 2000, 5000} {
			name := strings.TrimSuffix(strings.SplitN(filepath.Base(src), "__", 2)[0], ".yaml")
			b.Run(fmt.Sprintf("%s/%d/merge", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					docs := flatten(copiesDocs(b, src, n))
					b.StartTimer()
					graph.Merge(docs)
				}
			})
			b.Run(fmt.Sprintf("%s/%d/rules", name, n), func(b *testing.B) {
				g := graph.Merge(flatten(copiesDocs(b, src, n)))
				rules := analyzer.All()
				b.ReportAllocs()
				for b.Loop() {
					analyzer.Run(g, rules)
				}
			})
		}
	}
}

// flatten lists the documents of parsed copies (Merge mutates them, so
// each timed merge gets freshly parsed ones, parsed outside the timer).
func flatten(copies [][]*graph.Document) []*graph.Document {
	var docs []*graph.Document
	for _, d := range copies {
		docs = append(docs, d...)
	}
	return docs
}
