package scan

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/eks-sg-lint/eks-sg-lint/internal/sarifschema"

	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/sarif"
)

// sarifSchema compiles the official SARIF 2.1.0 schema once per process.
func sarifSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	sch, err := sarifschema.Schema()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validateSARIF writes rep as SARIF and validates it against the schema.
func validateSARIF(t testing.TB, rep *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sarif.Write(&b, rep); err != nil {
		t.Fatalf("sarif.Write: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v\n%s", err, b.Bytes())
	}
	if err := sarifSchema(t).Validate(inst); err != nil {
		t.Fatalf("SARIF output is not valid SARIF 2.1.0: %v\n%s", err, b.Bytes())
	}
	return b.Bytes()
}

// maxSeedSize keeps seeds small: every execution and every minimisation
// pays for the seed's size.
const maxSeedSize = 16 << 10

type seed struct {
	path string
	data []byte
}

// fuzzSeeds are the fixtures, the examples and the smaller corpus files,
// in a fixed order (so seed#N names the same file on every run).
func fuzzSeeds(t testing.TB) []seed {
	var seeds []seed
	for _, root := range []string{"../testdata/rules", "../testdata/corpus", "../testdata/examples"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(path) {
			case ".yaml", ".yml", ".json", ".template":
			default:
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > maxSeedSize {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			seeds = append(seeds, seed{path, data})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seeds) < 50 {
		t.Fatalf("only %d seeds", len(seeds))
	}
	return seeds
}

// lineBreaks counts what yaml.v3 may count as line breaks (LF, CR, NEL,
// LS, PS), an upper bound for any line number in the file.
func lineBreaks(data []byte) int {
	n := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
	for _, s := range []string{"\u0085", "\u2028", "\u2029"} {
		n += bytes.Count(data, []byte(s))
	}
	return n
}

// FuzzScanPipeline feeds arbitrary bytes, as a .yaml or a .json file, through
// the whole driver (read, detect, parse, link, every rule, suppressions) and
// the SARIF, JSON and text writers: nothing may panic, every error must say
// something and every position must lie inside the file, and the SARIF log
// must be valid against the official schema.
func FuzzScanPipeline(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.data, filepath.Ext(s.path) == ".json")
	}
	f.Add([]byte("Resources: {A: {Type: AWS::EC2::SecurityGroup, Properties: !If [c, {}, x]}}"), false)
	f.Add([]byte("# eks-sg-lint:ignore EKSSG031\rResources: {A: {Type: AWS::EC2::SecurityGroup}}"), false)
	sarifSchema(f)
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "fuzz.yaml"
		if asJSON {
			name = "fuzz.json"
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep := Run([]string{name}, Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "0.0.0-fuzz",
			Params: map[string]string{"ClusterName": "fuzz"}})

		maxLine := lineBreaks(data) + 1
		inFile := func(what string, file string, line, col int) {
			t.Helper()
			if file != name {
				t.Fatalf("%s names file %q, want %q", what, file, name)
			}
			if line < 0 || col < 0 || line > maxLine || (line == 0 && col != 0) {
				t.Fatalf("%s at line %d, column %d of a file of %d lines", what, line, col, maxLine)
			}
		}
		for _, e := range rep.Errors {
			inFile("error "+e.Message, e.Loc.File, e.Loc.Line, e.Loc.Column)
			if strings.TrimSpace(e.Message) == "" {
				t.Fatalf("error without a message at %s", e.Loc)
			}
			if strings.Contains(e.Message, "internal error") {
				t.Fatalf("internal error: %s: %s", e.Loc, e.Message)
			}
		}
		for _, n := range rep.Notifications {
			if n.Level == "error" || strings.Contains(n.Message, "internal error") {
				t.Fatalf("internal error: %s: [%s] %s", n.Loc, n.Rule, n.Message)
			}
			if n.Loc.File != "" {
				inFile("notification "+n.Message, n.Loc.File, n.Loc.Line, n.Loc.Column)
			}
		}
		for _, fd := range rep.Findings {
			inFile(fd.RuleID+" finding", fd.Loc.File, fd.Loc.Line, fd.Loc.Column)
			if fd.Loc.Line == 0 || fd.Message == "" {
				t.Fatalf("finding without a line or message: %+v", fd)
			}
			for _, r := range fd.Related {
				inFile(fd.RuleID+" related location", r.Loc.File, r.Loc.Line, r.Loc.Column)
			}
		}

		validateSARIF(t, rep)
		var b bytes.Buffer
		if err := report.WriteJSON(&b, rep); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
		if err := report.WriteText(&b, rep, report.TextOptions{Verbose: true}); err != nil {
			t.Fatalf("WriteText: %v", err)
		}
	})
}
