package scan

import (
	"os"
	"path/filepath"
	"testing"
)

// largestCorpusTemplate returns the biggest file of the CloudFormation
// corpus.
func largestCorpusTemplate(b *testing.B) string {
	b.Helper()
	dir, err := filepath.Abs(filepath.Join(corpusDir, "cloudformation"))
	if err != nil {
		b.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var best string
	var size int64 = -1
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		if info.Mode().IsRegular() && info.Size() > size {
			best, size = filepath.Join(dir, e.Name()), info.Size()
		}
	}
	if best == "" {
		b.Fatal("empty corpus")
	}
	b.Logf("largest template: %s (%d bytes)", filepath.Base(best), size)
	return best
}

func BenchmarkScanOneTemplate(b *testing.B) {
	file := largestCorpusTemplate(b)
	opts := Options{WorkDir: filepath.Dir(file), ToolName: "eks-sg-lint", Version: "bench"}
	if rep := Run([]string{file}, opts); len(rep.Errors) != 0 || len(rep.Files) != 1 {
		b.Fatalf("errors %v, files %v", rep.Errors, rep.Files)
	}
	b.ReportAllocs()
	for b.Loop() {
		Run([]string{file}, opts)
	}
}

func BenchmarkScanCorpus(b *testing.B) {
	dir, err := filepath.Abs(filepath.Join(corpusDir, "cloudformation"))
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "bench"}
	if rep := Run([]string{dir}, opts); len(rep.Errors) != 0 {
		b.Fatalf("errors %v", rep.Errors)
	}
	b.ReportAllocs()
	for b.Loop() {
		Run([]string{dir}, opts)
	}
}
