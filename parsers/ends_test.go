package parsers

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// locations lists every location of a document.
func locations(doc *graph.Document) []graph.Location {
	var out []graph.Location
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == locationType {
				out = append(out, v.Interface().(graph.Location))
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(doc))
	return out
}

// at returns the text of lines (1-based line, column in code points) from
// start to just before end.
func at(lines []string, start, end graph.Location) string {
	var b strings.Builder
	for l := start.Line; l <= end.Line && l <= len(lines); l++ {
		runes := []rune(lines[l-1])
		from, to := 0, len(runes)
		if l == start.Line {
			from = start.Column - 1
		}
		if l == end.Line {
			to = end.EndColumn - 1
		}
		if from > to || to > len(runes) {
			return "<out of range>"
		}
		b.WriteString(string(runes[from:to]))
		if l < end.Line {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestJSONLocationsHaveEnds: every location in a JSON file that points at
// a value ends where that value ends: after the '}' or ']' of a mapping or
// sequence, after the closing quote of a string (escapes included).
func TestJSONLocationsHaveEnds(t *testing.T) {
	files, _ := filepath.Glob("../testdata/corpus/*/*.json")
	more, _ := filepath.Glob("../testdata/rules/*/*.json")
	files = append(files, more...)
	checked := map[byte]int{}
	for _, f := range files {
		if strings.Contains(f, ".trailing-comma.") || strings.Contains(f, ".INVALID.") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(data) {
			continue
		}
		res, err := Parse(filepath.Base(f), data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
		for _, doc := range res.Docs {
			for _, loc := range locations(doc) {
				if loc.Line == 0 || loc.File != filepath.Base(f) {
					continue
				}
				if loc.EndLine == 0 {
					t.Errorf("%s: %s has no end (%q…)", f, loc, at(lines, loc, graph.Location{Line: loc.Line, EndColumn: loc.Column + 10}))
					continue
				}
				text := at(lines, loc, graph.Location{Line: loc.EndLine, EndColumn: loc.EndColumn})
				if text == "" {
					t.Errorf("%s: %s: empty region", f, loc)
					continue
				}
				open, last := text[0], text[len(text)-1]
				want := map[byte]byte{'{': '}', '[': ']', '"': '"'}[open]
				if want != 0 && last != want {
					t.Errorf("%s: %s to %d:%d is %q, want it to end with %q", f, loc, loc.EndLine, loc.EndColumn, text, want)
				}
				checked[open]++
			}
		}
	}
	if checked['{'] == 0 || checked['"'] == 0 {
		t.Errorf("checked %v: want mappings and strings among the locations", checked)
	}
}
