package yamltree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// parseJSON validates data strictly as JSON, then builds the node tree
// yaml.v3 would build for it (a JSON text is a YAML flow document).
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

// jsonTree builds the node tree yaml.v3 produces for a JSON text:
// flow-style mappings and sequences, double-quoted !!str scalars, and
// numbers, booleans and null as plain scalars kept as written, every node
// positioned like yaml.v3 (1-based line, column in code points). data must
// be valid JSON (json.Valid): the scanner below relies on it and only finds
// where tokens end. Strings without escapes are sliced from data; those with
// escapes are decoded by encoding/json, so values are exactly its own. The
// loop is iterative, so depth is not a concern. (It replaced a builder on
// json.Decoder.Token, which allocated an interface value per token and
// took about 7% of a CloudFormation scan; docs/performance.md.)
//
// When ends is not nil, it receives the end positions the tree cannot hold.
func jsonTree(data []byte, ends *Ends) (*yaml.Node, error) {
	cur := cursor{data: data, line: 1, col: 1}
	doc := &yaml.Node{Kind: yaml.DocumentNode}
	stack := []*yaml.Node{doc}
	if ends != nil && *ends == nil {
		*ends = Ends{}
	}
	// setEnd records that n ends just before offset end.
	setEnd := func(n *yaml.Node, end int) {
		cur.advance(end)
		(*ends)[Pos{n.Line, n.Column}] = Pos{cur.line, cur.col}
	}
	off := 0
	for {
		for off < len(data) && isSep(data[off]) {
			off++
		}
		if off >= len(data) {
			break
		}
		start := off
		var n *yaml.Node
		switch b := data[off]; b {
		case '{':
			off++
			n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
		case '[':
			off++
			n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		case '}', ']':
			off++
			if len(stack) < 2 {
				return nil, &Error{Msg: "invalid JSON: unbalanced " + string(b)}
			}
			if ends != nil {
				setEnd(stack[len(stack)-1], off)
			}
			stack = stack[:len(stack)-1]
			continue
		case '"':
			end, escaped := stringEnd(data, off)
			if end < 0 {
				return nil, &Error{Msg: "invalid JSON: unterminated string"}
			}
			off = end
			value := string(data[start+1 : end-1])
			if escaped {
				if err := json.Unmarshal(data[start:end], &value); err != nil {
					return nil, &Error{Msg: fmt.Sprintf("invalid JSON: %v", err)}
				}
			}
			n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Style: yaml.DoubleQuotedStyle}
		default: // a number, true, false or null, kept as written
			for off < len(data) && isLiteral(data[off]) {
				off++
			}
			if off == start {
				return nil, &Error{Msg: fmt.Sprintf("invalid JSON: unexpected %q", data[off])}
			}
			n = &yaml.Node{Kind: yaml.ScalarNode, Value: string(data[start:off])}
			n.Tag = n.ShortTag() // yaml.v3's own resolution: !!int, !!float, !!bool, !!null
		}
		cur.advance(start)
		n.Line, n.Column = cur.line, cur.col
		// Loc takes a string's end from its value: without escapes the
		// file holds the value and two quotes, with escapes more.
		if ends != nil && n.Style == yaml.DoubleQuotedStyle && off-start != len(n.Value)+2 {
			setEnd(n, off)
		}
		parent := stack[len(stack)-1]
		parent.Content = append(parent.Content, n)
		if n.Kind != yaml.ScalarNode {
			stack = append(stack, n)
		}
	}
	if len(doc.Content) != 1 || len(stack) != 1 {
		return nil, &Error{Msg: "invalid JSON: expected exactly one value"}
	}
	doc.Line, doc.Column = doc.Content[0].Line, doc.Content[0].Column
	return doc, nil
}

// stringEnd returns the offset just after the closing quote of the string
// starting at data[start] (-1 if there is none) and whether it holds
// escapes.
func stringEnd(data []byte, start int) (end int, escaped bool) {
	for i := start + 1; i < len(data); {
		j := bytes.IndexAny(data[i:], `"\`)
		if j < 0 {
			return -1, escaped
		}
		i += j
		if data[i] == '"' {
			return i + 1, escaped
		}
		escaped = true
		i += 2 // the backslash and the character it escapes
	}
	return -1, escaped
}

// isLiteral reports whether b may be part of a number, true, false or null.
func isLiteral(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b == '-' || b == '+' || b == '.' || b == 'E'
}

func isSep(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == ',' || b == ':'
}
