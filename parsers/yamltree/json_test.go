package yamltree

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// sameTree reports the first difference between two node trees in kind,
// style, tag, value, position or shape; "" when they match.
func sameTree(a, b *yaml.Node) string {
	type pair struct{ a, b *yaml.Node }
	stack := []pair{{a, b}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := p.a, p.b
		if x.Kind != y.Kind || x.Style != y.Style || x.Tag != y.Tag || x.Value != y.Value ||
			x.Line != y.Line || x.Column != y.Column || len(x.Content) != len(y.Content) {
			return fmt.Sprintf("yaml.v3: kind %v style %v tag %s value %q at %d:%d (%d children)\n"+
				"fallback: kind %v style %v tag %s value %q at %d:%d (%d children)",
				x.Kind, x.Style, x.Tag, x.Value, x.Line, x.Column, len(x.Content),
				y.Kind, y.Style, y.Tag, y.Value, y.Line, y.Column, len(y.Content))
		}
		for i := range x.Content {
			stack = append(stack, pair{x.Content[i], y.Content[i]})
		}
	}
	return ""
}

// TestJSONFallbackMatchesYAML parses the same JSON with yaml.v3 and with the
// encoding/json fallback and compares the trees node by node.
func TestJSONFallbackMatchesYAML(t *testing.T) {
	inputs := map[string]string{
		"rich": "{\n  \"str\": \"a \\\"q\\\" \\\\ \\n \\t \\u00e9\",\n  \"ints\": [0, -0, 42, -7, 123456789012345678901234567890],\n" +
			"  \"floats\": [1.5, -0.25, 1e5, 1E-5, 2.5e+10, 1e400],\n  \"lit\": [true, false, null],\n" +
			"  \"empty\": {}, \"none\": [], \"\": \"empty key\",\n\t\"unicode é😀\": \"é😀 ü\", \"nested\": {\"a\": [{\"b\": [[]]}]}\n}\n",
		"crlf":      "{\r\n  \"a\": [1,\r\n 2],\r\n  \"b\": {}\r\n}\r\n",
		"lone cr":   "{\"a\":\r1,\r\"b\":\r[2]}",
		"minified":  `{"a":[1,2,{"b":"c"}],"d":{"e":null}}`,
		"leading":   "\n\n   [1, \"two\", 3.0]",
		"scalar":    ` "just a string" `,
		"number":    `-12.5e3`,
		"null":      `null`,
		"true":      " true\n",
		"wide cols": `{"ééé": "😀😀", "x": ["ü", 1]}`,
	}
	files, _ := filepath.Glob("../../testdata/corpus/*/*.json")
	for _, f := range files {
		if strings.Contains(f, ".trailing-comma.") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = string(data)
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			ydocs, err := parseYAML([]byte(in))
			if err != nil || len(ydocs) != 1 {
				t.Fatalf("yaml.v3: %d docs, %v", len(ydocs), err)
			}
			jdoc, err := jsonTree([]byte(in), nil)
			if err != nil {
				t.Fatalf("fallback: %v", err)
			}
			if d := sameTree(ydocs[0], jdoc); d != "" {
				t.Error(d)
			}
		})
	}
}

// TestJSONYAMLRejects records which valid JSON yaml.v3 cannot read (or reads
// differently), and checks that Parse still returns the JSON value.
func TestJSONYAMLRejects(t *testing.T) {
	long := strings.Repeat("k", 1100)
	tests := []struct {
		name, in, want string
		yamlErr        string // yaml.v3's error; "" when it silently changes the value
	}{
		{"escaped slash", `{"a": "x\/y"}`, "x/y", "found unknown escape character"},
		{"surrogate pair", `{"a": "\ud83d\ude00"}`, "😀", "found invalid Unicode character escape code"},
		{"lone surrogate", `{"a": "\ud83d"}`, "\uFFFD", "found invalid Unicode character escape code"},
		{"raw C1 control", "{\"a\": \"x\u0080y\"}", "x\u0080y", "control character U+0080 is not allowed"},
		{"raw DEL", "{\"a\": \"x\x7fy\"}", "x\x7fy", "control character U+007F is not allowed"},
		{"raw U+FFFE", "{\"a\": \"x\ufffey\"}", "x\ufffey", "control character U+FFFE is not allowed"},
		{"tab before top-level value", "\t{\"a\": \"v\"}", "v", "found character that cannot start any token"},
		{"key over 1024 chars", `{"` + long + `": "v"}`, "v", "did not find expected ',' or '}'"},
		{"raw NEL folded", "{\"a\": \"x\u0085y\"}", "x\u0085y", ""},
		{"raw LS", "{\"a\": \"x\u2028y\"}", "x\u2028y", ""}, // kept, but later lines shift
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ydocs, yerr := parseYAML([]byte(tc.in))
			switch {
			case tc.yamlErr != "" && (yerr == nil || !strings.Contains(yerr.Error(), tc.yamlErr)):
				t.Errorf("yaml.v3 error = %v, want %q", yerr, tc.yamlErr)
			case tc.yamlErr == "" && yerr != nil:
				t.Logf("yaml.v3 error = %v", yerr)
			case tc.yamlErr == "":
				t.Logf("yaml.v3 reads %q", ydocs[0].Content[0].Content[1].Value)
			}
			docs, _, err := Parse([]byte(tc.in), Options{JSON: true})
			if err != nil {
				t.Fatal(err)
			}
			if v := docs[0].Content[0].Content[1]; v.Value != tc.want || v.Tag != "!!str" || v.Line != 1 {
				t.Errorf("value = %q %s at line %d, want %q", v.Value, v.Tag, v.Line, tc.want)
			}
		})
	}
}

// TestJSONEnds: the end of every mapping and sequence (just after its
// bracket) and of strings with escapes (after the closing quote, in code
// points); strings without escapes are left to Loc.
func TestJSONEnds(t *testing.T) {
	src := "{\"a\": [1, {\"b\": \"x\"}],\n \"c\": {\n  \"d\": \"\\u00e9\\n\", \"é\": \"é\"\n }\n}\n"
	var ends Ends
	if _, _, err := Parse([]byte(src), Options{JSON: true, Ends: &ends}); err != nil {
		t.Fatal(err)
	}
	want := Ends{
		{1, 1}:  {5, 2},  // the whole document
		{1, 7}:  {1, 22}, // [1, {"b": "x"}]
		{1, 11}: {1, 21}, // {"b": "x"}
		{2, 7}:  {4, 3},  // {"d": …}
		{3, 8}:  {3, 18}, // "\u00e9\n"
	}
	if !reflect.DeepEqual(ends, want) {
		t.Errorf("ends %v, want %v", ends, want)
	}
	loc := graph.Location{File: "x.json", Line: 3, Column: 8, EndLine: 3, EndColumn: 12}
	ends.Fill(&loc)
	if loc.EndLine != 3 || loc.EndColumn != 18 {
		t.Errorf("Fill gave %+v", loc)
	}
	// YAML input: nothing recorded.
	var none Ends
	if _, _, err := Parse([]byte("a: {b: 1}\n"), Options{Ends: &none}); err != nil || len(none) != 0 {
		t.Errorf("YAML: ends %v, err %v", none, err)
	}
}
