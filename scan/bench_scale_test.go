package scan

// Scale benchmarks (docs/performance.md). They generate their input with
// scripts/genrepo/gen into b.TempDir(), so they run only under -bench:
//
//	go test -run '^$' -bench Scale -benchtime 3x ./scan/
//
// EKS_SG_LINT_BENCH_N overrides the 10,000 files of the repository
// benchmarks (e.g. 1000 for a quick look).

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"github.com/eks-sg-lint/eks-sg-lint/scripts/genrepo/gen"
)

// benchRepoSize is the number of files of the generated repository.
func benchRepoSize(b *testing.B) int {
	b.Helper()
	if s := os.Getenv("EKS_SG_LINT_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("EKS_SG_LINT_BENCH_N=%q: want a positive number", s)
		}
		return n
	}
	return 10000
}

// genRepo writes a repository of n corpus copies into a temporary folder
// and returns it with its size in bytes.
func genRepo(b *testing.B, opts gen.Options) (string, int64) {
	b.Helper()
	root, err := gen.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	opts.Root = root
	dir := b.TempDir()
	st, err := gen.Generate(dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	if len(st.Verbatim) > 0 {
		b.Logf("copied verbatim: %v", st.Verbatim)
	}
	return dir, st.Bytes
}

// loopWithCPU runs b.Loop and reports, besides ns/op, the CPU time per
// operation (all threads): on a busy machine wall time varies with other
// work, CPU time much less.
func loopWithCPU(b *testing.B, op func()) {
	b.Helper()
	n := 0
	start := cpuTime()
	for b.Loop() {
		op()
		n++
	}
	if end := cpuTime(); end > 0 {
		b.ReportMetric((end-start).Seconds()/float64(n), "cpu-s/op")
	}
}

// BenchmarkScaleRepo scans a generated repository of 10,000 templates
// (every well-formed corpus file, each copy with its own cluster names).
func BenchmarkScaleRepo(b *testing.B) {
	n := benchRepoSize(b)
	dir, size := genRepo(b, gen.Options{N: n})
	opts := Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "bench"}
	rep := Run([]string{dir}, opts)
	if len(rep.Errors) != 0 {
		b.Fatalf("%d file errors, first %v", len(rep.Errors), rep.Errors[0])
	}
	if len(rep.Files) != n {
		b.Fatalf("scanned %d files, want %d", len(rep.Files), n)
	}
	b.Logf("%d files, %.1f MB: %d findings, %d clusters, %d node groups, %d security groups",
		n, float64(size)/1e6, len(rep.Findings), len(rep.Graph.Clusters), len(rep.Graph.NodeGroups), len(rep.Graph.SGs))
	b.SetBytes(size)
	b.ReportAllocs()
	loopWithCPU(b, func() { Run([]string{dir}, opts) })
}

// BenchmarkScaleParseFloor is the floor BenchmarkScaleRepo is compared
// with: the same files found, read and parsed into yaml.v3 node trees
// (yamltree.Parse, as parsers.Parse calls it) with the same parallelism,
// and nothing else.
func BenchmarkScaleParseFloor(b *testing.B) {
	n := benchRepoSize(b)
	dir, size := genRepo(b, gen.Options{N: n})
	if got := parseOnly(b, dir); got != n {
		b.Fatalf("parsed %d files, want %d", got, n)
	}
	b.SetBytes(size)
	b.ReportAllocs()
	loopWithCPU(b, func() { parseOnly(b, dir) })
}

// parseOnly finds, reads and parses every file as Run does, and returns
// how many parsed.
func parseOnly(b *testing.B, dir string) int {
	inputs, errs, _ := collect([]string{dir}, dir)
	if len(errs) != 0 {
		b.Fatal(errs)
	}
	ok := make([]bool, len(inputs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, in input) {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := os.ReadFile(in.abs)
			if err != nil {
				return
			}
			trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
			isJSON := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
			_, _, err = yamltree.Parse(data, yamltree.Options{JSON: isJSON})
			ok[i] = err == nil
		}(i, in)
	}
	wg.Wait()
	count := 0
	for _, o := range ok {
		if o {
			count++
		}
	}
	return count
}

// BenchmarkScaleWholeCorpus scans every corpus folder and the examples
// in one run, the deliberately broken files included.
func BenchmarkScaleWholeCorpus(b *testing.B) {
	root, err := gen.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{filepath.Join(root, "testdata", "corpus"), filepath.Join(root, "testdata", "examples")}
	opts := Options{WorkDir: root, ToolName: "eks-sg-lint", Version: "bench"}
	rep := Run(paths, opts)
	b.Logf("%d files: %d findings, %d file errors", len(rep.Files), len(rep.Findings), len(rep.Errors))
	b.ReportAllocs()
	loopWithCPU(b, func() { Run(paths, opts) })
}

// BenchmarkScaleManyNodeGroups is the adversarial case: N copies of one
// template whose cluster has a literal name, copied verbatim, so that one
// cluster gathers N node groups (each on its own node group security group
// next to the shared cluster security group) and N control-plane groups.
// EKSSG022 compares node groups pairwise and EKSSG020-025 ask about the
// control plane (now N groups) once per node group: both must stay far from
// quadratic. The last case is one eksctl config with a thousand node
// groups.
func BenchmarkScaleManyNodeGroups(b *testing.B) {
	root, err := gen.FindRoot(".")
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name, source string
	}{
		// A cluster, its control-plane group and a managed node group on
		// the cluster SG plus its own group, per file.
		{"cluster-with-nodes", "testdata/examples/cluster-with-nodes.yaml"},
		// Three self-managed node groups per file, each on its own group
		// that admits only itself and the control plane: every pair of
		// node groups of different files is blocked.
		{"nodegroup-with-spot", "testdata/corpus/cloudformation/eks-workshop__amazon-eks-nodegroup-with-spot.yml"},
	} {
		for _, n := range []int{100, 1000} {
			b.Run(fmt.Sprintf("%s/%d", tc.name, n), func(b *testing.B) {
				dir, _ := genRepo(b, gen.Options{N: n, KeepNames: true, Sources: []string{filepath.Join(root, filepath.FromSlash(tc.source))}})
				opts := Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "bench"}
				rep := Run([]string{dir}, opts)
				ngs := 0
				for _, ng := range rep.Graph.NodeGroups {
					if strings.HasPrefix(ng.ClusterKey, "name:") {
						ngs++
					}
				}
				b.Logf("%d files: %d clusters, %d node groups in named clusters, %d findings", n, len(rep.Graph.Clusters), ngs, len(rep.Findings))
				b.ReportAllocs()
				loopWithCPU(b, func() { Run([]string{dir}, opts) })
			})
		}
	}
	// One eksctl ClusterConfig with a thousand node groups, half self-managed
	// (each on its own group plus the shared node group) and half managed.
	b.Run("eksctl-config/1000", func(b *testing.B) {
		var sb strings.Builder
		sb.WriteString("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: big\n  region: eu-north-1\nnodeGroups:\n")
		for i := 0; i < 500; i++ {
			fmt.Fprintf(&sb, "  - name: ng-%d\n    instanceType: m5.large\n    desiredCapacity: 2\n", i)
		}
		sb.WriteString("managedNodeGroups:\n")
		for i := 0; i < 500; i++ {
			fmt.Fprintf(&sb, "  - name: mng-%d\n    instanceType: m5.large\n", i)
		}
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		opts := Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "bench"}
		rep := Run([]string{dir}, opts)
		if len(rep.Errors) != 0 || len(rep.Graph.NodeGroups) != 1000 {
			b.Fatalf("errors %v, %d node groups", rep.Errors, len(rep.Graph.NodeGroups))
		}
		b.Logf("1 file: %d clusters, %d node groups, %d findings", len(rep.Graph.Clusters), len(rep.Graph.NodeGroups), len(rep.Findings))
		b.ReportAllocs()
		loopWithCPU(b, func() { Run([]string{dir}, opts) })
	})
}
