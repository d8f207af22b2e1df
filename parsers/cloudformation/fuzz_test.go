package cloudformation

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
)

// FuzzTemplate feeds arbitrary bytes through the loader, the template
// parser, graph linking and every rule: none may panic.
func FuzzTemplate(f *testing.F) {
	for _, glob := range []string{"../../testdata/corpus/cloudformation/*", "../../testdata/rules/*/*.yaml", "../../testdata/rules/*/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("Resources: {A: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: !If [c, [], {}]}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _, err := yamltree.Parse(data, yamltree.Options{})
		if err != nil {
			return
		}
		var gdocs []*graph.Document
		for _, d := range docs {
			if !IsTemplate(d) {
				continue
			}
			doc, err := Parse("f.yaml", d, Options{Params: map[string]string{"ClusterName": "x"}})
			if err != nil {
				if _, ok := err.(*ParseError); !ok {
					t.Fatalf("error of type %T: %v", err, err)
				}
				continue
			}
			gdocs = append(gdocs, doc)
		}
		g := graph.Merge(gdocs)
		if _, notes := analyzer.Run(g, analyzer.All()); len(notes) > 0 {
			for _, n := range notes {
				if n.Level == "error" {
					t.Fatalf("rule failed: %s", n.Message)
				}
			}
		}
	})
}
