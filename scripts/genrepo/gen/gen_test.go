package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// TestGenerate writes a small repository twice and checks its layout, that
// it is deterministic, that every file scans without error, and that the
// copies of one template name different clusters.
func TestGenerate(t *testing.T) {
	root, err := FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := Sources(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if isBroken(filepath.Base(s)) {
			t.Errorf("broken on purpose, yet a source: %s", s)
		}
	}
	n := 3*len(srcs) + 7 // three copies of the corpus and a bit
	a, b := t.TempDir(), t.TempDir()
	st, err := Generate(a, Options{Root: root, N: n, PerDir: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(b, Options{Root: root, N: n, PerDir: 50}); err != nil {
		t.Fatal(err)
	}
	if st.Files != n || st.Sources != len(srcs) || st.Dirs != (n+49)/50 {
		t.Errorf("stats %+v for %d files from %d sources", st, n, len(srcs))
	}
	if len(st.Verbatim) > 0 || st.Renamed == 0 {
		t.Errorf("renamed %d sources; copied verbatim: %v", st.Renamed, st.Verbatim)
	}
	if _, err := Generate(a, Options{Root: root, N: 1}); err == nil {
		t.Error("generating into a folder that is not empty must fail")
	}

	var files []string
	err = filepath.WalkDir(a, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != n {
		t.Fatalf("%d files written, want %d", len(files), n)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(a, f)
		if parts := strings.Split(filepath.ToSlash(rel), "/"); len(parts) != 3 {
			t.Errorf("%s: want gNNN/dNNNN/file", rel)
		}
		x, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs (%v)", rel, err)
		}
	}

	rep := scan.Run([]string{a}, scan.Options{WorkDir: a, ToolName: "eks-sg-lint", Version: "test"})
	if len(rep.Errors) != 0 {
		t.Errorf("file errors: %v", rep.Errors)
	}
	if len(rep.Files) != n {
		t.Errorf("%d files scanned as templates, want %d", len(rep.Files), n)
	}
	// Copies do not merge: every cluster's description and node groups come
	// from files of one copy of the corpus.
	copyOf := func(file string) int {
		i, err := strconv.Atoi(strings.SplitN(filepath.Base(file), "__", 2)[0])
		if err != nil {
			t.Fatalf("%s: not a generated name", file)
		}
		return i / len(srcs)
	}
	copies := map[string]map[int]bool{}
	add := func(key, file string) {
		if copies[key] == nil {
			copies[key] = map[int]bool{}
		}
		copies[key][copyOf(file)] = true
	}
	for _, c := range rep.Graph.Clusters {
		add(c.Key, c.Loc.File)
	}
	for _, ng := range rep.Graph.NodeGroups {
		if ng.ClusterKey != "" {
			add(ng.ClusterKey, ng.Loc.File)
		}
	}
	named := 0
	for key, cs := range copies {
		if strings.HasPrefix(key, "name:") {
			named++
		}
		if len(cs) > 1 {
			t.Errorf("cluster %s links %d copies of the corpus", key, len(cs))
		}
	}
	if named == 0 {
		t.Error("no cluster with a literal name")
	}

	// Verbatim copies link: the adversarial case.
	c := t.TempDir()
	example := filepath.Join(root, "testdata", "examples", "cluster-with-nodes.yaml")
	if _, err := Generate(c, Options{N: 20, KeepNames: true, Sources: []string{example}}); err != nil {
		t.Fatal(err)
	}
	rep = scan.Run([]string{c}, scan.Options{WorkDir: c})
	if len(rep.Graph.Clusters) != 1 || len(rep.Graph.NodeGroups) != 20 {
		t.Errorf("verbatim copies: %d clusters, %d node groups; want 1 cluster of 20", len(rep.Graph.Clusters), len(rep.Graph.NodeGroups))
	}
}
