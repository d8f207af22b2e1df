package yamltree

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// parseJSON validates data strictly as JSON while it builds the node tree
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
	doc, err := jsonTree(data, ends)
	if errors.Is(err, errInvalidJSON) {
		return nil, jsonError(data)
	}
	if err != nil {
		return nil, err
	}
	return []*yaml.Node{doc}, nil
}

// errInvalidJSON is jsonTree's answer for a text json.Valid rejects;
// jsonError then says why, in encoding/json's words.
var errInvalidJSON = errors.New("invalid JSON")

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
// positioned like yaml.v3 (1-based line, column in code points). It accepts
// exactly the texts json.Valid accepts (FuzzJSONTreeMatchesDecoder) and
// returns errInvalidJSON for the others: validating in the same pass as
// building took about a quarter off parsing JSON, which json.Valid's
// scanner (a call through a function pointer per byte) spent before. Strings
// without escapes are sliced from data; those with escapes are decoded by
// encoding/json, so values are exactly its own. The loop is iterative, so
// depth is not a concern beyond encoding/json's own limit. (It replaced a
// builder on json.Decoder.Token, which allocated an interface value per
// token and took about 7% of a CloudFormation scan; docs/performance.md.)
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
	next := expectValue
	// afterValue is what may follow a complete value in the innermost
	// open collection.
	afterValue := func() expect {
		if len(stack) == 1 {
			return expectEnd
		}
		return expectCommaOrClose
	}
	off := 0
	for {
		for off < len(data) && isSpace(data[off]) {
			off++
		}
		if off >= len(data) {
			break
		}
		start := off
		var n *yaml.Node
		switch b := data[off]; b {
		case '{', '[':
			if next != expectValue && next != expectValueOrClose || len(stack) > maxJSONDepth {
				return nil, errInvalidJSON
			}
			off++
			if b == '{' {
				n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
				next = expectKeyOrClose
			} else {
				n = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
				next = expectValueOrClose
			}
		case '}', ']':
			top := stack[len(stack)-1]
			switch {
			case b == '}' && top.Kind == yaml.MappingNode && (next == expectKeyOrClose || next == expectCommaOrClose):
			case b == ']' && top.Kind == yaml.SequenceNode && (next == expectValueOrClose || next == expectCommaOrClose):
			default:
				return nil, errInvalidJSON
			}
			off++
			if ends != nil {
				setEnd(top, off)
			}
			stack = stack[:len(stack)-1]
			next = afterValue()
			continue
		case ',':
			if next != expectCommaOrClose {
				return nil, errInvalidJSON
			}
			off++
			next = expectValue
			if stack[len(stack)-1].Kind == yaml.MappingNode {
				next = expectKey
			}
			continue
		case ':':
			if next != expectColon {
				return nil, errInvalidJSON
			}
			off++
			next = expectValue
			continue
		case '"':
			end, escaped := stringEnd(data, off)
			if end < 0 {
				return nil, errInvalidJSON
			}
			switch next {
			case expectKeyOrClose, expectKey:
				next = expectColon
			case expectValue, expectValueOrClose:
				next = afterValue()
			default:
				return nil, errInvalidJSON
			}
			off = end
			value := string(data[start+1 : end-1])
			if escaped {
				if err := json.Unmarshal(data[start:end], &value); err != nil {
					return nil, errInvalidJSON
				}
			}
			n = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Style: yaml.DoubleQuotedStyle}
		default: // a number, true, false or null, kept as written
			for off < len(data) && isLiteral(data[off]) {
				off++
			}
			if next != expectValue && next != expectValueOrClose || !validLiteral(data[start:off]) {
				return nil, errInvalidJSON
			}
			next = afterValue()
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
	if next != expectEnd {
		return nil, errInvalidJSON
	}
	doc.Line, doc.Column = doc.Content[0].Line, doc.Content[0].Column
	return doc, nil
}

// maxJSONDepth is encoding/json's nesting limit: json.Valid rejects more
// collections open at once.
const maxJSONDepth = 10000

// expect is what the JSON grammar allows next.
type expect uint8

const (
	expectValue        expect = iota // the top-level value, after ':', after ',' in an array
	expectValueOrClose               // after '['
	expectKeyOrClose                 // after '{'
	expectKey                        // after ',' in an object
	expectColon                      // after a key
	expectCommaOrClose               // after a value in a collection
	expectEnd                        // after the top-level value: nothing but space
)

// stringEnd returns the offset just after the closing quote of the string
// starting at data[start] and whether it holds escapes; the offset is -1
// when the string is not valid JSON: not closed, holding a control
// character or an escape JSON does not have.
func stringEnd(data []byte, start int) (end int, escaped bool) {
	for i := start + 1; i < len(data); {
		for i < len(data) && !stringSpecial[data[i]] {
			i++
		}
		if i >= len(data) {
			break
		}
		switch data[i] {
		case '"':
			return i + 1, escaped
		case '\\':
			escaped = true
			if i+1 >= len(data) {
				return -1, escaped
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
					return -1, escaped
				}
				i += 6
			default:
				return -1, escaped
			}
		default: // a control character
			return -1, escaped
		}
	}
	return -1, escaped
}

// stringSpecial marks the bytes that end a run of plain string content: the
// quote, the backslash and the control characters JSON does not allow raw.
var stringSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// validLiteral reports whether s is true, false, null or a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validLiteral(s []byte) bool {
	switch string(s) {
	case "true", "false", "null":
		return true
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		digits := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == digits {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		digits := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == digits {
			return false
		}
	}
	return i == len(s)
}

// isLiteral reports whether b may be part of a number, true, false or null.
func isLiteral(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b == '-' || b == '+' || b == '.' || b == 'E'
}

// isSpace reports whether b is JSON whitespace.
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n'
}
