// Package yamltree is the one place where input bytes become yaml.v3 node
// trees. It wraps go.yaml.in/yaml/v3 with the safety checks a linter reading
// untrusted files needs: clear positioned errors, bounded alias expansion
// (billion laughs), bounded nesting depth, duplicate-key warnings and a strict
// JSON mode whose node tree looks exactly like yaml.v3's.
package yamltree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Error is a parse error with a position (1-based line/column; 0 when unknown).
type Error struct {
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return e.Msg
	case e.Column == 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	default:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
}

// Position is where the error is (1-based; 0 when unknown). Every parser
// reports positioned errors with this type.
func (e *Error) Position() (int, int) { return e.Line, e.Column }

// Message is the error without its position.
func (e *Error) Message() string { return e.Msg }

// Warning is something noticed but not fatal (duplicate keys).
type Warning struct {
	Line, Column int
	Msg          string
}

// Options tunes Parse. Zero values mean the defaults.
type Options struct {
	// MaxAliasExpansion bounds the number of nodes that alias expansion may
	// add to the documents (default 100000).
	MaxAliasExpansion int
	// MaxDepth bounds the nesting of mappings and sequences, counted after
	// alias expansion (default 1000).
	MaxDepth int
	// JSON says the input is JSON (a .json file, or content starting with
	// '{' or '['): it is validated strictly with encoding/json first.
	JSON bool
	// Ends, when not nil and the input is JSON, receives the end positions
	// of the values whose end the node tree cannot give (see Ends.Fill).
	Ends *Ends
}

const (
	defaultMaxAliasExpansion = 100000
	defaultMaxDepth          = 1000
	// yamlMaxDepth is yaml.v3's own nesting limit (max_flow_level and
	// max_indents in scannerc.go); deeper input fails inside yaml.v3.
	yamlMaxDepth = 10000
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse returns the documents of a YAML stream (one for JSON), each a
// *yaml.Node of Kind DocumentNode. Aliases are expanded in place (the alias
// node is replaced by the node it names; expanded subtrees are shared, so
// callers must treat the trees as read-only). Duplicate mapping keys are
// resolved in favour of the later one and reported as warnings. Every
// returned error is an *Error.
func Parse(data []byte, opts Options) ([]*yaml.Node, []Warning, error) {
	if opts.MaxAliasExpansion <= 0 {
		opts.MaxAliasExpansion = defaultMaxAliasExpansion
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = defaultMaxDepth
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := checkEncoding(data); err != nil {
		return nil, nil, err
	}
	if isBlank(data, !opts.JSON) {
		return nil, nil, nil
	}

	var docs []*yaml.Node
	var err error
	if opts.JSON {
		docs, err = parseJSON(data, opts.Ends)
	} else {
		docs, err = parseYAML(data)
	}
	if err != nil {
		return nil, nil, err
	}
	w := walker{opts: opts}
	for _, d := range docs {
		if err := w.walk(d); err != nil {
			return nil, nil, err
		}
	}
	// The walk finishes inner mappings first; report in document order.
	sort.SliceStable(w.warnings, func(i, j int) bool {
		a, b := w.warnings[i], w.warnings[j]
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	return docs, w.warnings, nil
}

// checkEncoding rejects input that is not UTF-8. yaml.v3 would decode UTF-16
// with a BOM, but positions and the JSON path assume UTF-8, and its own
// messages ("invalid leading UTF-8 octet") carry no position.
func checkEncoding(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return &Error{Line: 1, Column: 1, Msg: "file is UTF-16 encoded; save it as UTF-8"}
	}
	if utf8.Valid(data) {
		return nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line, col := position(data, off)
	return &Error{Line: line, Column: col,
		Msg: fmt.Sprintf("invalid UTF-8 byte 0x%02x; the file must be UTF-8 encoded", data[off])}
}

// isBlank reports whether data holds only whitespace (and, when comments is
// set, '#' comment lines). yaml.v3 would return no document for most such
// input but fails on some, e.g. a line holding only a tab.
func isBlank(data []byte, comments bool) bool {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimLeft(line, " \t")
		if len(line) > 0 && !(comments && line[0] == '#') {
			return false
		}
	}
	return true
}

// parseYAML decodes every document of the stream.
func parseYAML(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		// yaml.v3 reports errors by panicking internally and recovering in
		// Decode; anything that still escapes is a bug in it, and one bad
		// file must not take the whole linter down.
		if r := recover(); r != nil {
			docs, err = nil, &Error{Msg: fmt.Sprintf("internal YAML parser error: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, yamlError(data, err)
		}
		docs = append(docs, &n)
	}
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// parserProblems are the messages of yaml.v3's parser (parserc.go
// yaml_parser_set_parser_error*), as opposed to its scanner. For these
// yaml.v3 prints its 0-based mark line as is (decode.go fail adds one only
// for scanner errors), so the line it prints is the one before the mark.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
	"found undefined tag handle":             true,
}

// yamlError turns a yaml.v3 error ("yaml: line 7: did not find expected
// key") into an *Error with a 1-based line. For parser errors the mark is
// the start of the collection being parsed when there is one (yaml.v3's
// context mark), else the offending token.
func yamlError(data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{Msg: msg}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		if parserProblems[e.Msg] {
			e.Line++
			// At the end of a file with no final newline the mark's line
			// is the last one: one more would lie past the file.
			if last := bytes.Count(data, []byte{'\n'}) + 1; e.Line > last {
				e.Line = last
			}
		}
	} else if !unmarked(msg) {
		// yaml.v3 prints a line only when its 0-based mark line is not
		// zero, so a scanner or parser error without one is on line 1.
		e.Line = 1
	}
	switch {
	case strings.HasPrefix(e.Msg, "exceeded max depth"):
		e.Msg = fmt.Sprintf("nesting exceeds maximum depth of %d", yamlMaxDepth)
	case e.Msg == "control characters are not allowed":
		// A reader error: yaml.v3 gives no position, so find it here.
		e.Line, e.Column, e.Msg = controlChar(data)
	}
	return e
}

// unmarked reports whether a yaml.v3 message comes from a code path that
// sets no position: reader errors (UTF-8 ones are caught before yaml.v3 runs)
// and failures raised by its decode.go.
func unmarked(msg string) bool {
	for _, p := range []string{"control characters", "input error", "unknown anchor", "attempted to go past"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return strings.HasPrefix(msg, "expected ") && strings.Contains(msg, " event but got ")
}

// controlChar finds the first character yaml.v3's reader rejects.
func controlChar(data []byte) (line, col int, msg string) {
	for off, r := range string(data) {
		switch {
		case r == 0x09, r == 0x0A, r == 0x0D, r >= 0x20 && r <= 0x7E, r == 0x85,
			r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF, r >= 0x10000:
		default:
			line, col = position(data, off)
			return line, col, fmt.Sprintf("control character %U is not allowed", r)
		}
	}
	return 0, 0, "control characters are not allowed"
}

// position returns the 1-based line and column (in code points) of byte
// offset off. Line breaks are LF, CRLF and a lone CR, as in yaml.v3.
func position(data []byte, off int) (line, col int) {
	c := cursor{data: data, line: 1, col: 1}
	c.advance(off)
	return c.line, c.col
}

// cursor computes positions for increasing offsets in one pass, so that
// positioning every token of a long single-line (minified) JSON file stays
// linear.
type cursor struct {
	data      []byte
	off       int
	line, col int
}

func (c *cursor) advance(to int) {
	if to > len(c.data) {
		to = len(c.data)
	}
	for ; c.off < to; c.off++ {
		switch b := c.data[c.off]; {
		case b == '\n':
			c.line, c.col = c.line+1, 1
		case b == '\r':
			if c.off+1 >= len(c.data) || c.data[c.off+1] != '\n' {
				c.line, c.col = c.line+1, 1
			}
		case b&0xC0 != 0x80: // not a UTF-8 continuation byte
			c.col++
		}
	}
}
