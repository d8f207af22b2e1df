package yamltree

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"go.yaml.in/yaml/v3"
)

// corpusSeeds reads the three smallest corpus files per pattern: big seeds
// make every execution and the minimisation of each new input slow.
func corpusSeeds(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{}
	for _, pattern := range []string{
		"../../testdata/corpus/cloudformation/*.yaml",
		"../../testdata/corpus/cloudformation/*.json",
		"../../testdata/corpus/sg-json/*.json",
	} {
		files, _ := filepath.Glob(pattern)
		sort.Slice(files, func(i, j int) bool { return fileSize(files[i]) < fileSize(files[j]) })
		for _, f := range files[:min(3, len(files))] {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seeds[f] = data
		}
	}
	return seeds
}

func fileSize(name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a: 1\nb: [x, y]\nc: {d: e}\n",
		"# c\n--- \na: &x {k: v}\nb: *x\n---\nc: *x\n",
		"A: !Ref X\nB: !GetAtt A.B\nC: !Sub '${X}'\nD: !If [C, a, b]\n",
		"a: |\n  text\n  more\nb: >-\n  folded\n",
		"a: 1\na: 2\nb: {x: 1, x: 2}\n",
		"a: &a [1, *a]\n",
		billionLaughs(),
		`{"a": [1, 2.5, true, null, "x\/y", "\ud83d\ude00"], "b": {}}`,
		"{\"a\": 1,}",
		"\t{\"a\": \"x\u0085y\", \"b\": 1E5}",
		"[[[[[[[[[[]]]]]]]]]]",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	for name, data := range corpusSeeds(f) {
		f.Add(data, filepath.Ext(name) == ".json")
	}
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		var ends Ends
		opts := Options{JSON: isJSON, Ends: &ends}
		docs, warnings, err := Parse(data, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			return
		}
		checkTree(t, docs)
		if !isJSON {
			if len(ends) > 0 {
				t.Fatalf("ends recorded for YAML: %v", ends)
			}
			return
		}
		// A duplicate key's earlier value leaves the tree but keeps its end.
		checkEnds(t, docs, ends, len(warnings) == 0)
		data = bytes.TrimPrefix(data, utf8BOM)
		if len(docs) > 0 && !json.Valid(data) {
			t.Fatalf("invalid JSON accepted")
		}
		// Differential check: where yaml.v3 reads valid JSON, the fallback
		// must build the very same tree.
		if len(docs) == 0 {
			return
		}
		ydocs, yerr := parseYAML(data)
		if yerr != nil || bytes.ContainsAny(data, "\u0085\u2028\u2029") {
			return
		}
		jdoc, err := jsonTree(data, nil)
		if err != nil {
			t.Fatalf("fallback failed on valid JSON: %v", err)
		}
		if d := sameTree(ydocs[0], jdoc); d != "" {
			t.Fatalf("yaml.v3 and fallback differ:\n%s", d)
		}
	})
}

// checkEnds asserts that every end lies after its start and, when inTree,
// belongs to a node of the tree.
func checkEnds(t *testing.T, docs []*yaml.Node, ends Ends, inTree bool) {
	starts := map[Pos]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind != yaml.DocumentNode {
			starts[Pos{n.Line, n.Column}] = true
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range docs {
		walk(d)
	}
	for start, end := range ends {
		if inTree && !starts[start] {
			t.Fatalf("end %v recorded for %v, where no node starts", end, start)
		}
		if end.Line < start.Line || end.Line == start.Line && end.Column <= start.Column {
			t.Fatalf("end %v not after start %v", end, start)
		}
	}
}

// checkTree asserts that a parsed result holds no alias nodes and stays
// within the default depth, walking the expanded (shared) trees, whose size
// the alias budget bounds.
func checkTree(t *testing.T, docs []*yaml.Node) {
	type item struct {
		n     *yaml.Node
		depth int
	}
	for _, d := range docs {
		if d.Kind != yaml.DocumentNode {
			t.Fatalf("document kind %v", d.Kind)
		}
		stack := []item{{d, 0}}
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if it.n.Kind == yaml.AliasNode {
				t.Fatalf("alias *%s left at line %d", it.n.Value, it.n.Line)
			}
			depth := it.depth
			if isCollection(it.n) {
				depth++
			}
			if depth > defaultMaxDepth {
				t.Fatalf("depth %d at line %d", depth, it.n.Line)
			}
			for _, c := range it.n.Content {
				stack = append(stack, item{c, depth})
			}
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name, file string
		json       bool
	}{
		{"yaml", "../../testdata/corpus/cloudformation/quickstart-amazon-eks__amazon-eks-nodegroup.2020-08.template.yaml", false},
		{"json", "../../testdata/corpus/cloudformation/aws-cloudformation-templates__EKS__template.json", true},
		{"json-fallback", "../../testdata/corpus/cloudformation/aws-cloudformation-templates__EKS__template.json", true},
	} {
		data, err := os.ReadFile(bc.file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if bc.name == "json-fallback" {
					_, err = jsonTree(data, nil)
				} else {
					_, _, err = Parse(data, Options{JSON: bc.json})
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
