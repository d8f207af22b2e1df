package yamltree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// parseJSON validates data strictly as JSON, then builds the node tree
// yaml.v3 would build for it (a JSON text is a YAML flow document) from
// encoding/json tokens.
//
// Strict validation matters: YAML flow syntax accepts things JSON does not,
// such as the trailing comma in {"a": 1,}. The tree is built by jsonTree
// rather than by yaml.v3 for two reasons. yaml.v3 rejects some valid JSON
// (measured in TestJSONYAMLRejects): the escape \/ ("found unknown escape
// character"), any \u escape of a UTF-16 surrogate, so every character
// outside the BMP written as a pair like \ud83d\ude00 ("found invalid
// Unicode character escape code"), raw U+007F, C1 controls and U+FFFE/U+FFFF
// inside strings ("control characters are not allowed"), keys longer than
// 1024 characters (YAML's implicit key limit) and a tab before the top-level
// value ("found character that cannot start any token"); and it counts raw
// NEL, LS and PS as line breaks (shifting every later line number) and folds
// NEL inside quoted strings ("x\u0085y" reads as "x y"), silently changing
// valid JSON. And jsonTree is faster: where yaml.v3 reads the JSON at all,
// the two trees are the same (TestJSONFallbackMatchesYAML, and FuzzParse
// checks it on every input), and jsonTree builds it in about two thirds of
// the time (docs/performance.md).
func parseJSON(data []byte, ends *Ends) ([]*yaml.Node, error) {
	if !json.Valid(data) {
		return nil, jsonError(data)
	}
	doc, err := jsonTree(data, ends)
	if err != nil {
		return nil, err
	}
	return []*yaml.Node{doc}, nil
}

// Pos is a 1-based line and column (in code points).
type Pos struct{ Line, Column int }

// Ends maps where a JSON value starts to where it ends (just after its
// closing bracket or quote), for the values whose end Loc cannot derive
// from the node tree: mappings and sequences, and strings whose escapes
// make them longer in the file than their value. In JSON no two values
// start at the same place, so the start identifies the value.
type Ends map[Pos]Pos

// Fill sets the end of loc when loc is where a value of the table starts.
func (e Ends) Fill(loc *graph.Location) {
	if end, ok := e[Pos{loc.Line, loc.Column}]; ok && loc.Line > 0 {
		loc.EndLine, loc.EndColumn = end.Line, end.Column
	}
}

// jsonError positions the syntax error json.Valid found.
func jsonError(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return &Error{Msg: "invalid JSON"}
	}
	msg := se.Error()
	// Offset counts the bytes read, the offending one included.
	off := max(int(se.Offset)-1, 0)
	switch {
	case strings.HasSuffix(msg, "exceeded max depth"): // encoding/json's own limit
		msg = "nesting exceeds maximum depth of 10000"
	case msg == "unexpected end of JSON input":
		off = len(bytes.TrimRight(data, " \t\r\n")) // just after the last token
	}
	line, col := position(data, off)
	return &Error{Line: line, Column: col, Msg: "invalid JSON: " + msg}
}

// jsonTree builds, from encoding/json tokens, the node tree yaml.v3 produces
// for a JSON text: flow-style mappings and sequences, double-quoted !!str
// scalars, and numbers, booleans and null as plain scalars kept as written,
// every node positioned like yaml.v3 (1-based line, column in code points).
// data must be valid JSON. The loop is iterative, so depth is not a concern.
//
// When ends is not nil, it receives the end positions the tree cannot hold.
func jsonTree(data []byte, ends *Ends) (*yaml.Node, error) {
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

func isSep(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ',' || b == ':'
}
