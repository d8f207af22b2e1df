package scan

import (
	"bytes"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// renderedOutputs is a report in every format.
type renderedOutputs struct{ json, sarif, text, verbose []byte }

func renderAll(t *testing.T, rep *report.Report) renderedOutputs {
	t.Helper()
	var o renderedOutputs
	var b bytes.Buffer
	if err := report.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	o.json = append([]byte(nil), b.Bytes()...)
	o.sarif = validateSARIF(t, rep)
	b.Reset()
	if err := report.WriteText(&b, rep, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	o.text = append([]byte(nil), b.Bytes()...)
	b.Reset()
	if err := report.WriteText(&b, rep, report.TextOptions{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	o.verbose = append([]byte(nil), b.Bytes()...)
	return o
}

func (o renderedOutputs) diff(t *testing.T, what string, want renderedOutputs) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want []byte
	}{{"JSON", o.json, want.json}, {"SARIF", o.sarif, want.sarif}, {"text", o.text, want.text}, {"verbose text", o.verbose, want.verbose}} {
		if !bytes.Equal(f.got, f.want) {
			t.Errorf("%s: %s output differs: %s", what, f.name, firstDiff(f.got, f.want))
		}
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  got  " + a + "\n  want " + b
		}
	}
	return "(same lines)"
}

// TestDeterminism scans all of testdata (rule fixtures, corpus, examples)
// as one scan, twice in parallel with the default GOMAXPROCS and once with
// GOMAXPROCS=1: JSON, SARIF and text outputs must be byte-identical.
func TestDeterminism(t *testing.T) {
	dir, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	scanAll := func() *report.Report {
		return scanWithin(t, []string{dir}, Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "1.2.3"})
	}
	first := scanAll()
	if len(first.Files) < 100 || len(first.Findings) < 100 {
		t.Fatalf("scanned %d files, %d findings: not the whole of testdata?", len(first.Files), len(first.Findings))
	}
	t.Logf("%d files, %d findings, %d notifications, %d errors", len(first.Files), len(first.Findings), len(first.Notifications), len(first.Errors))
	want := renderAll(t, first)

	renderAll(t, scanAll()).diff(t, "second run", want)

	// Concurrent scans in one process share nothing.
	const parallel = 4
	results := make(chan *report.Report, parallel)
	for i := 0; i < parallel; i++ {
		go func() {
			results <- Run([]string{dir}, Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "1.2.3"})
		}()
	}
	for i := 0; i < parallel; i++ {
		renderAll(t, <-results).diff(t, "concurrent run", want)
	}

	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	renderAll(t, scanAll()).diff(t, "GOMAXPROCS=1", want)
	if old == 1 {
		t.Log("GOMAXPROCS was 1 already: the parallel path was not compared")
	}
}
