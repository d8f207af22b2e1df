package yamltree

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// dump renders a tree compactly: {k: v}, [a, b], custom tags as "!Ref X".
func dump(n *yaml.Node) string {
	var b strings.Builder
	var rec func(n *yaml.Node)
	rec = func(n *yaml.Node) {
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			b.WriteString(n.Tag + " ")
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				rec(c)
			}
		case yaml.MappingNode:
			b.WriteString("{")
			for i := 0; i+1 < len(n.Content); i += 2 {
				if i > 0 {
					b.WriteString(", ")
				}
				rec(n.Content[i])
				b.WriteString(": ")
				rec(n.Content[i+1])
			}
			b.WriteString("}")
		case yaml.SequenceNode:
			b.WriteString("[")
			for i, c := range n.Content {
				if i > 0 {
					b.WriteString(", ")
				}
				rec(c)
			}
			b.WriteString("]")
		case yaml.AliasNode:
			b.WriteString("*" + n.Value)
		default:
			b.WriteString(n.Value)
		}
	}
	rec(n)
	return b.String()
}

func billionLaughs() string {
	var b strings.Builder
	b.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for _, c := range "bcdefghi" {
		name := string(c)
		b.WriteString(name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n")
		prev = name
	}
	return b.String()
}

func TestParse(t *testing.T) {
	deepBlock := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", i) + "k:\n")
		}
		return b.String()
	}
	tests := []struct {
		name     string
		in       string
		opts     Options
		want     []string // dumps of the documents
		wantErr  *Error   // Line/Column/Msg; Msg is matched as a substring
		wantWarn []Warning
	}{
		// Encoding and blank input.
		{name: "bom", in: "\xEF\xBB\xBFa: 1\n", want: []string{"{a: 1}"}},
		{name: "bom json", in: "\xEF\xBB\xBF{\"a\": 1}", opts: Options{JSON: true}, want: []string{"{a: 1}"}},
		{name: "crlf", in: "a: 1\r\nb:\r\n  - x\r\n", want: []string{"{a: 1, b: [x]}"}},
		{name: "empty", in: ""},
		{name: "whitespace", in: "  \n\t\n \r\n"},
		{name: "comments only", in: "# a\n  # b\n\t# c\n\n"},
		{name: "empty json", in: " \n", opts: Options{JSON: true}},
		{name: "non-utf8", in: "a: b\nc: \xff\n", wantErr: &Error{Line: 2, Column: 4, Msg: "invalid UTF-8 byte 0xff"}},
		{name: "utf16", in: "\xff\xfea\x00:\x00 \x001\x00", wantErr: &Error{Line: 1, Column: 1, Msg: "UTF-16"}},
		{name: "control char", in: "a: 1\nb: x\x00y\n", wantErr: &Error{Line: 2, Column: 5, Msg: "control character U+0000 is not allowed"}},

		// Documents.
		{name: "multi-doc", in: "# comment\n--- \na: 1\n---\nb: 2\n...\n", want: []string{"{a: 1}", "{b: 2}"}},
		{name: "empty doc", in: "---\n---\na: 1\n", want: []string{"", "{a: 1}"}},

		// yaml.v3 errors.
		{name: "scanner error line", in: "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n g: [\n",
			wantErr: &Error{Line: 7, Msg: "mapping values are not allowed in this context"}},
		// Parser (not scanner) errors: yaml.v3 prints a 0-based line.
		{name: "parser error line", in: "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\n- x\n",
			wantErr: &Error{Line: 8, Msg: "did not find expected key"}},
		{name: "parser error dedented key", in: "a:\n  b: 1\n c: 2\n",
			wantErr: &Error{Line: 3, Msg: "did not find expected key"}},
		{name: "parser error after sequence", in: "- a\n- b\nc: d\n",
			wantErr: &Error{Line: 3, Msg: "did not find expected '-' indicator"}},
		{name: "parser error unclosed flow sequence", in: "a: [1, 2\nb: 3\n",
			wantErr: &Error{Line: 2, Msg: "did not find expected ',' or ']'"}},
		{name: "parser error unclosed flow mapping", in: "x: 1\na: {x: 1\nb: 3\n",
			wantErr: &Error{Line: 2, Msg: "did not find expected ',' or '}'"}},
		// With a context mark yaml.v3 names the collection being parsed.
		{name: "parser error in nested sequence", in: "top: 1\na:\n  - 1\n  x: 2\n",
			wantErr: &Error{Line: 3, Msg: "did not find expected '-' indicator"}},
		{name: "error on line 1", in: "a: b: c\n", wantErr: &Error{Line: 1, Msg: "mapping values are not allowed"}},
		{name: "unknown anchor", in: "a: 1\nb: *nope\n", wantErr: &Error{Msg: "unknown anchor 'nope' referenced"}},

		// Aliases.
		{name: "alias expanded", in: "base: &b {x: 1}\nuse: *b\nkey: [*b, *b]\n",
			want: []string{"{base: {x: 1}, use: {x: 1}, key: [{x: 1}, {x: 1}]}"}},
		{name: "alias across documents", in: "a: &x 1\n---\nb: *x\n", want: []string{"{a: 1}", "{b: 1}"}},
		{name: "billion laughs", in: billionLaughs(),
			wantErr: &Error{Line: 6, Column: 8, Msg: "alias expansion exceeds 100000 nodes (billion laughs?)"}},
		{name: "alias budget", in: "a: &a [1, 2, 3]\nb: *a\nc: *a\n", opts: Options{MaxAliasExpansion: 6},
			wantErr: &Error{Line: 3, Column: 4, Msg: "alias expansion exceeds 6 nodes"}},
		{name: "alias cycle seq", in: "a: &x [1, *x]\n", wantErr: &Error{Line: 1, Column: 11, Msg: "alias *x refers to its own ancestor"}},
		{name: "alias cycle map", in: "a: &m\n  b: 1\n  c: *m\n", wantErr: &Error{Line: 3, Column: 6, Msg: "own ancestor"}},
		{name: "alias to anchor in dropped duplicate", in: "a: &x 1\na: 2\nb: *x\n", want: []string{"{a: 2, b: 1}"},
			wantWarn: []Warning{{Line: 2, Column: 1, Msg: `duplicate key "a" at lines 1 and 2; the later one is used`}}},

		// Depth.
		{name: "max depth option", in: "a: {b: {c: {d: 1}}}\n", opts: Options{MaxDepth: 3},
			wantErr: &Error{Line: 1, Column: 12, Msg: "nesting exceeds maximum depth of 3"}},
		{name: "depth at limit", in: "a: {b: {c: 1}}\n", opts: Options{MaxDepth: 3}, want: []string{"{a: {b: {c: 1}}}"}},
		{name: "depth through alias", in: "a: &a [[1]]\nb: [*a]\n", opts: Options{MaxDepth: 3},
			wantErr: &Error{Line: 2, Column: 5, Msg: "nesting exceeds maximum depth of 3 once alias *a is expanded"}},
		{name: "deep flow 2000", in: strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
			wantErr: &Error{Line: 1, Column: 1001, Msg: "nesting exceeds maximum depth of 1000"}},
		{name: "deep block 1500", in: deepBlock(1500),
			wantErr: &Error{Line: 1001, Column: 1001, Msg: "nesting exceeds maximum depth of 1000"}},
		{name: "deep flow 100000 one line", in: strings.Repeat("[", 100000),
			wantErr: &Error{Line: 1, Msg: "nesting exceeds maximum depth of 10000"}},
		{name: "deep flow 100000 lines", in: strings.Repeat("[\n", 100000),
			wantErr: &Error{Line: 10001, Msg: "nesting exceeds maximum depth of 10000"}},
		{name: "deep json 100000", in: strings.Repeat("[", 100000) + strings.Repeat("]", 100000), opts: Options{JSON: true},
			wantErr: &Error{Line: 1, Column: 10001, Msg: "invalid JSON: nesting exceeds maximum depth of 10000"}},

		// Duplicate keys.
		{name: "duplicate key", in: "Resources:\n  X:\n    Foo: 1\n    A: 2\n    B: 3\n    C: 4\n    D: 5\n    E: 6\n    Foo: 7\n",
			want:     []string{"{Resources: {X: {A: 2, B: 3, C: 4, D: 5, E: 6, Foo: 7}}}"},
			wantWarn: []Warning{{Line: 9, Column: 5, Msg: `duplicate key "Foo" at lines 3 and 9; the later one is used`}}},
		{name: "duplicate key three times and nested flow", in: "a: 1\nb: {x: 1, x: 2}\na: 2\na: 3\n",
			want: []string{"{b: {x: 2}, a: 3}"},
			wantWarn: []Warning{
				{Line: 2, Column: 11, Msg: `duplicate key "x" at lines 2 and 2; the later one is used`},
				{Line: 3, Column: 1, Msg: `duplicate key "a" at lines 1 and 3; the later one is used`},
				{Line: 4, Column: 1, Msg: `duplicate key "a" at lines 3 and 4; the later one is used`},
			}},
		{name: "quoted and plain keys are the same", in: "a: 1\n\"a\": 2\n", want: []string{"{a: 2}"},
			wantWarn: []Warning{{Line: 2, Column: 1, Msg: `duplicate key "a" at lines 1 and 2; the later one is used`}}},
		{name: "int and string keys differ", in: "1: a\n\"1\": b\n", want: []string{"{1: a, 1: b}"}},
		{name: "duplicate key json", in: "{\n\"a\": 1,\n\"a\": 2\n}", opts: Options{JSON: true}, want: []string{"{a: 2}"},
			wantWarn: []Warning{{Line: 3, Column: 1, Msg: `duplicate key "a" at lines 2 and 3; the later one is used`}}},

		// JSON.
		{name: "json trailing comma", in: `{"a": 1,}`, opts: Options{JSON: true},
			wantErr: &Error{Line: 1, Column: 9, Msg: "invalid JSON: invalid character '}' looking for beginning of object key string"}},
		{name: "json truncated", in: "{\"a\":\n", opts: Options{JSON: true}, wantErr: &Error{Line: 1, Column: 6, Msg: "invalid JSON: unexpected end of JSON input"}},
		{name: "json two values", in: "{}\n{}", opts: Options{JSON: true},
			wantErr: &Error{Line: 2, Column: 1, Msg: "invalid JSON: invalid character '{' after top-level value"}},
		{name: "json escaped slash", in: `{"a": "x\/y"}`, opts: Options{JSON: true}, want: []string{"{a: x/y}"}},
		{name: "json surrogate pair", in: `{"a": "\ud83d\ude00"}`, opts: Options{JSON: true}, want: []string{"{a: 😀}"}},
		{name: "json NEL kept", in: "{\"a\": \"x\u0085y\"}", opts: Options{JSON: true}, want: []string{"{a: x\u0085y}"}},
		{name: "json scalar", in: `"abc"`, opts: Options{JSON: true}, want: []string{"abc"}},

		// Scalars stay as written, custom tags are kept.
		{name: "scalars as written", in: "AWSTemplateFormatVersion: 2010-09-09\nversion: 1.10\nmode: 0755\nyes: on\nbig: 1e400\n",
			want: []string{"{AWSTemplateFormatVersion: 2010-09-09, version: 1.10, mode: 0755, yes: on, big: 1e400}"}},
		{name: "custom tags", in: "A: !Ref X\nB: !GetAtt A.B\nC: !Sub 'x-${AWS::Region}'\nD: !If [Cond, a, !Ref AWS::NoValue]\nE: !Join\n  - ''\n  - [a, b]\n",
			want: []string{"{A: !Ref X, B: !GetAtt A.B, C: !Sub x-${AWS::Region}, D: !If [Cond, a, !Ref AWS::NoValue], E: !Join [, [a, b]]}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			docs, warns, err := Parse([]byte(tc.in), tc.opts)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Parse took %v", d)
			}
			if tc.wantErr != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err = %v (%T), want *Error", err, err)
				}
				if e.Line != tc.wantErr.Line || e.Column != tc.wantErr.Column || !strings.Contains(e.Msg, tc.wantErr.Msg) {
					t.Fatalf("err = %+v, want %+v", *e, *tc.wantErr)
				}
				if docs != nil {
					t.Errorf("docs = %d with an error", len(docs))
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			var got []string
			for _, d := range docs {
				if d.Kind != yaml.DocumentNode {
					t.Errorf("document kind = %v", d.Kind)
				}
				got = append(got, dump(d))
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("docs =\n%q\nwant\n%q", got, tc.want)
			}
			if !reflect.DeepEqual(warns, tc.wantWarn) {
				t.Errorf("warnings = %+v, want %+v", warns, tc.wantWarn)
			}
		})
	}
}

func TestScalarTagsAndPositions(t *testing.T) {
	docs, _, err := Parse([]byte("a: 1\r\nb: !Ref Foo\r\nc: !If\r\n  - C\r\n  - 1.10\r\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := docs[0].Content[0]
	b := m.Content[3]
	if b.Tag != "!Ref" || b.Value != "Foo" || b.Line != 2 || b.Column != 4 {
		t.Errorf("b = %s %q at %d:%d", b.Tag, b.Value, b.Line, b.Column)
	}
	c := m.Content[5]
	if c.Kind != yaml.SequenceNode || c.Tag != "!If" || c.Line != 3 {
		t.Errorf("c = kind %v tag %s line %d", c.Kind, c.Tag, c.Line)
	}
	if v := c.Content[1]; v.Value != "1.10" || v.Line != 5 || v.Column != 5 {
		t.Errorf("c[1] = %q at %d:%d", v.Value, v.Line, v.Column)
	}
}

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{Line: 5, Column: 3, Msg: "m"}, "line 5, column 3: m"},
		{Error{Line: 5, Msg: "m"}, "line 5: m"},
		{Error{Msg: "m"}, "m"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v.Error() = %q, want %q", tc.e, got, tc.want)
		}
	}
}

// TestCorpus parses every corpus file: all must parse except the ones known
// to be broken, which must fail with a positioned *Error.
func TestCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/corpus/*/*")
	if len(files) == 0 {
		t.Skip("no corpus")
	}
	for _, f := range files {
		ext := filepath.Ext(f)
		if ext != ".json" && ext != ".yaml" && ext != ".yml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, _, err := Parse(data, Options{JSON: ext == ".json"})
		broken := strings.Contains(f, ".trailing-comma.") || strings.Contains(f, ".TEMPLATED.")
		switch {
		case broken && err == nil:
			t.Errorf("%s: parsed, want an error", f)
		case broken:
			if e, ok := err.(*Error); !ok || e.Line == 0 {
				t.Errorf("%s: err = %#v, want a positioned *Error", f, err)
			}
		case err != nil:
			t.Errorf("%s: %v", f, err)
		case len(docs) != 1:
			t.Errorf("%s: %d documents", f, len(docs))
		}
	}
}
