package analyzer

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
)

// TestRunParallelSameAsSequential runs every rule on the corpus and the rule
// fixtures linked as one graph, once one rule after the other and once in
// parallel: the findings and notifications must be the same (go test -race
// also checks that the rules only read the graph).
func TestRunParallelSameAsSequential(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../testdata/corpus/*/*", "../testdata/rules/*/*", "../testdata/examples/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	graphOf := func() *graph.Graph {
		var docs []*graph.Document
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue // a folder
			}
			res, err := parsers.Parse(filepath.ToSlash(f), data, parsers.Options{})
			if err == nil {
				docs = append(docs, res.Docs...)
			}
		}
		return graph.Merge(docs)
	}
	// A rule that panics is reported either way.
	boom := &Analyzer{ID: "EKSSG999", Run: func(*Pass) { panic("boom") }}
	rules := append(All(), boom)
	defer func(n int) { parallelMinObjects = n }(parallelMinObjects)

	parallelMinObjects = 1 << 30
	seqFindings, seqNotes := Run(graphOf(), rules)
	parallelMinObjects = 0
	parFindings, parNotes := Run(graphOf(), rules)

	if len(seqFindings) == 0 || !reflect.DeepEqual(seqFindings, parFindings) {
		t.Errorf("%d findings one rule after the other, %d in parallel, or they differ", len(seqFindings), len(parFindings))
	}
	if !reflect.DeepEqual(seqNotes, parNotes) {
		t.Errorf("%d notifications one rule after the other, %d in parallel, or they differ", len(seqNotes), len(parNotes))
	}
	last := parNotes[len(parNotes)-1]
	if last.Rule != "EKSSG999" || last.Level != "error" || last.Message != "internal error in rule EKSSG999: boom" {
		t.Errorf("last notification %+v, want the panic of EKSSG999", last)
	}
}
