package sarif

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// encodeWithIndent is how Write encoded the log before encode: an Encoder
// with SetIndent, re-indenting the whole document after encoding it.
func encodeWithIndent(w io.Writer, log *gosarif.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// testdataReport scans all of testdata (fixtures, corpus, examples) as
// one scan: findings of every rule, related locations, suppressions,
// notifications and file errors.
func testdataReport(t testing.TB) *report.Report {
	t.Helper()
	dir, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run([]string{dir}, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "1.2.3"})
	if len(rep.Findings) < 100 || len(rep.Errors) == 0 || len(rep.Notifications) == 0 {
		t.Fatalf("%d findings, %d errors, %d notifications: not the whole of testdata?",
			len(rep.Findings), len(rep.Errors), len(rep.Notifications))
	}
	return rep
}

func TestEncodeMatchesEncoderWithIndent(t *testing.T) {
	fixedCwd(t, "/src")
	for name, rep := range map[string]*report.Report{"sample": sampleReport(), "testdata": testdataReport(t)} {
		log, err := newLog(rep)
		if err != nil {
			t.Fatal(err)
		}
		var got, want bytes.Buffer
		if err := encode(&got, log); err != nil {
			t.Fatal(err)
		}
		if err := encodeWithIndent(&want, log); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: encode differs from an Encoder with SetIndent (%d vs %d bytes)", name, got.Len(), want.Len())
		}
	}
}

// BenchmarkEncode: encoding the SARIF log of all of testdata (about 2,500
// lines of results, the rule pages), with and without the Encoder's
// re-indenting pass.
func BenchmarkEncode(b *testing.B) {
	log, err := newLog(testdataReport(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, enc := range []struct {
		name   string
		encode func(io.Writer, *gosarif.Report) error
	}{{"encode", encode}, {"EncoderWithIndent", encodeWithIndent}} {
		b.Run(enc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := enc.encode(io.Discard, log); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
