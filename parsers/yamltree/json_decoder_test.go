package yamltree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// jsonTreeDecoder is the tree builder jsonTree replaced, kept as its
// reference (TestJSONTreeMatchesDecoder, FuzzJSONTreeMatchesDecoder): it builds,
// from encoding/json tokens, the node tree yaml.v3 produces
// for a JSON text: flow-style mappings and sequences, double-quoted !!str
// scalars, and numbers, booleans and null as plain scalars kept as written,
// every node positioned like yaml.v3 (1-based line, column in code points).
// data must be valid JSON. The loop is iterative, so depth is not a concern.
//
// When ends is not nil, it receives the end positions the tree cannot hold.
func jsonTreeDecoder(data []byte, ends *Ends) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	cur := cursor{data: data, line: 1, col: 1}
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	stack := []*yaml.Node{doc}
	if ends != nil && *ends == nil {
		*ends = Ends{}
	}
	// setEnd records the end of n, which ends where the last token read
	// ends (InputOffset).
	setEnd := func(n *yaml.Node) {
		cur.advance(int(dec.InputOffset()))
		(*ends)[Pos{n.Line, n.Column}] = Pos{cur.line, cur.col}
	}
	for {
		// InputOffset is the end of the previous token; the next one starts
		// after whitespace and the ',' or ':' that Token consumes silently.
		start := int(dec.InputOffset())
		for start < len(data) && isSep(data[start]) {
			start++
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("invalid JSON: %v", err)}
		}
		var n *yaml.Node // allocated only for tokens that are nodes
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			case '[':
				n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			default:
				if ends != nil {
					setEnd(stack[len(stack)-1])
				}
				stack = stack[:len(stack)-1]
				continue
			}
		case string:
			n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t, Style: yaml.DoubleQuotedStyle}
		case json.Number:
			n = &yaml.Node{Kind: yaml.ScalarNode, Value: t.String()}
		case bool:
			n = &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatBool(t)}
		default: // nil
			n = &yaml.Node{Kind: yaml.ScalarNode, Value: "null"}
		}
		if n.Kind == yaml.ScalarNode && n.Tag == "" {
			n.Tag = n.ShortTag() // yaml.v3's own resolution: !!int, !!float, !!bool, !!null
		}
		cur.advance(start)
		n.Line, n.Column = cur.line, cur.col
		// Loc takes a string's end from its value: without escapes the
		// file holds the value and two quotes, with escapes more.
		if ends != nil && n.Style == yaml.DoubleQuotedStyle && int(dec.InputOffset())-start != len(n.Value)+2 {
			setEnd(n)
		}
		parent := stack[len(stack)-1]
		parent.Content = append(parent.Content, n)
		if n.Kind != yaml.ScalarNode {
			stack = append(stack, n)
		}
	}
	if len(doc.Content) != 1 {
		return nil, &Error{Msg: "invalid JSON: expected exactly one value"}
	}
	doc.Line, doc.Column = doc.Content[0].Line, doc.Content[0].Column
	return doc, nil
}

// jsonTreeInputs are JSON texts with every token kind, escapes, positions
// after multi-byte characters and line breaks of all kinds, plus the
// corpus's JSON files.
func jsonTreeInputs(t testing.TB) map[string][]byte {
	in := map[string][]byte{
		"rich": []byte("{\n  \"str\": \"a \\\"q\\\" \\\\ \\n \\t \\u00e9 \\/ \\ud83d\\ude00 \\ud800\",\n  \"ints\": [0, -0, 42, -7, 123456789012345678901234567890],\n" +
			"  \"floats\": [1.5, -0.25, 1e5, 1E-5, 2.5e+10, 1e400],\n  \"lit\": [true, false, null],\n" +
			"  \"empty\": {}, \"none\": [], \"\": \"empty key\",\n\t\"unicode é😀\": \"é😀 ü\", \"nested\": {\"a\": [{\"b\": [[]]}]}\n}\n"),
		"crlf":     []byte("{\r\n  \"a\": [1,\r\n 2],\r\n  \"b\": {}\r\n}\r\n"),
		"lone cr":  []byte("{\"a\":\r1,\r\"b\":\r[2]}"),
		"minified": []byte(`{"a":[1,2,{"b":"c\\"}],"d":{"e":null},"f":"\u0085\u2028"}`),
		"scalar":   []byte(` "just a string" `),
		"escaped":  []byte(`"\"\\\b\f\n\r\t"`),
		"number":   []byte(`-12.5e3`),
		"nel":      []byte("[\"x\u0085y\", \"\u2028\"]"),
	}
	files, _ := filepath.Glob("../../testdata/corpus/*/*.json")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if json.Valid(data) {
			in[filepath.Base(f)] = data
		}
	}
	return in
}

// checkJSONTreeMatchesDecoder compares jsonTree with the json.Decoder
// builder it replaced: the same tree, positions and end positions.
func checkJSONTreeMatchesDecoder(t *testing.T, data []byte) {
	t.Helper()
	var gotEnds, wantEnds Ends
	got, gerr := jsonTree(data, &gotEnds)
	want, werr := jsonTreeDecoder(data, &wantEnds)
	if (gerr != nil) != (werr != nil) {
		t.Fatalf("jsonTree error %v, decoder error %v", gerr, werr)
	}
	if gerr != nil {
		return
	}
	if d := sameTree(want, got); d != "" {
		t.Fatalf("trees differ (first: decoder, second: jsonTree):\n%s", d)
	}
	if !maps.Equal(gotEnds, wantEnds) {
		t.Fatalf("ends differ:\njsonTree %v\ndecoder  %v", gotEnds, wantEnds)
	}
}

func TestJSONTreeMatchesDecoder(t *testing.T) {
	for name, data := range jsonTreeInputs(t) {
		t.Run(name, func(t *testing.T) { checkJSONTreeMatchesDecoder(t, data) })
	}
}

// notJSON are texts json.Valid rejects, each next to valid JSON.
var notJSON = []string{
	``, ` `, `{`, `}`, `[`, `]`, `{]`, `[}`, `[1,]`, `{"a":1,}`, `{,}`, `[,1]`, `[1,,2]`, `[1 2]`, `{"a" 1}`,
	`{"a"::1}`, `{"a":}`, `{:1}`, `{1:2}`, `{"a":1 "b":2}`, `{"a",1}`, `["a":1]`, `1 2`, `[] []`, `"a" "b"`, `[1]]`,
	`01`, `-`, `-01`, `1.`, `.5`, `1e`, `1e+`, `+1`, `1.5.2`, `0x10`, `1E5e`, `Infinity`, `NaN`, `nul`, `nulll`,
	`True`, `truefalse`, `[true1]`, `[nullX]`, "\"a\x01b\"", "\"tab\there\"", `"\x"`, `"\u12"`, `"\u12G4"`, `"\`,
	`"abc`, `"a\"`, `\u0061`, "\f1", "\v[]", "[1]\x00", "\xef\xbb\xbf{}", `{"a":[}]`, `[{]}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

// jsonValidityInputs are the invalid texts and valid ones at the limits.
func jsonValidityInputs() []string {
	return append(notJSON, `0`, `-0`, `-0.0e-0`, `1E+5`, `"\u00e9\/\b\f\n\r\t\"\\"`, " \t\r\n[ ] ", `{"":{"":[]}}`,
		"\"\x7f\xff\"", strings.Repeat("[", 10000)+strings.Repeat("]", 10000))
}

// checkJSONTreeValidity: jsonTree fails, with errInvalidJSON, exactly
// where json.Valid does.
func checkJSONTreeValidity(t *testing.T, data []byte) {
	t.Helper()
	_, err := jsonTree(data, nil)
	if err != nil && !errors.Is(err, errInvalidJSON) {
		t.Fatalf("jsonTree error %v, not errInvalidJSON", err)
	}
	if valid := json.Valid(data); valid != (err == nil) {
		t.Fatalf("json.Valid %v, jsonTree error %v, for %.200q", valid, err, data)
	}
}

func TestJSONTreeAcceptsWhatValidAccepts(t *testing.T) {
	for _, in := range jsonValidityInputs() {
		checkJSONTreeValidity(t, []byte(in))
	}
	for name, data := range jsonTreeInputs(t) {
		t.Run(name, func(t *testing.T) { checkJSONTreeValidity(t, data) })
	}
}

// FuzzJSONTreeMatchesDecoder: jsonTree accepts exactly what json.Valid
// accepts, and builds what the decoder builder built.
func FuzzJSONTreeMatchesDecoder(f *testing.F) {
	for _, data := range jsonTreeInputs(f) {
		f.Add(data)
	}
	for _, in := range jsonValidityInputs() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkJSONTreeValidity(t, data)
		if !json.Valid(data) || checkEncoding(data) != nil {
			return
		}
		checkJSONTreeMatchesDecoder(t, data)
	})
}

// isSep reports whether b is skipped between the decoder's tokens:
// whitespace and the ',' and ':' that Token consumes silently.
func isSep(b byte) bool {
	return isSpace(b) || b == ',' || b == ':'
}
