package yamltree

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Comment is a YAML comment as written: Text runs from its '#' to the end
// of the line (trailing white space removed); Line and Column (1-based, in
// code points) are where the '#' is.
type Comment struct {
	Line, Column int
	Text         string
}

// Comments returns the real comments of a parsed YAML stream, in source
// order: the comments yaml.v3 attached to the node tree (HeadComment,
// LineComment, FootComment), positioned in data. A '#' inside a quoted
// scalar or a block scalar is text, never a comment, whatever it looks
// like: the tree says where those scalars are. lost are comments of the
// source (outside every scalar) that yaml.v3 did not keep in the tree; a
// caller that acts on comments should say it ignored them.
//
// docs must be what Parse returned for data; JSON trees hold no comments,
// and JSON has none, so callers need not call Comments for JSON.
func Comments(data []byte, docs []*yaml.Node) (kept, lost []Comment) {
	data = bytes.TrimPrefix(data, utf8BOM)
	inTree := map[string]int{}
	text := newSpans(data)
	seen := map[*yaml.Node]bool{}
	stack := append([]*yaml.Node(nil), docs...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil || seen[n] {
			continue // aliases share subtrees
		}
		seen[n] = true
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, l := range strings.Split(c, "\n") {
				if l = strings.TrimRight(l, " \t\r"); l != "" {
					inTree[l]++
				}
			}
		}
		if n.Kind == yaml.ScalarNode {
			text.add(n)
		}
		stack = append(stack, n.Content...)
	}
	sort.Slice(text.ranges, func(i, j int) bool { return text.ranges[i][0] < text.ranges[j][0] })

	next := 0 // first range that may still cover an offset (offsets increase)
	inText := func(off int) bool {
		for next < len(text.ranges) && text.ranges[next][1] <= off {
			next++
		}
		for _, r := range text.ranges[next:] {
			if r[0] > off {
				return false
			}
			if off < r[1] {
				return true
			}
		}
		return false
	}
	for line, start := range text.lineStarts {
		end := len(data)
		if line+1 < len(text.lineStarts) {
			end = text.lineStarts[line+1]
		}
		src := data[start:end]
		for i := 0; i < len(src); i++ {
			if src[i] != '#' || i > 0 && src[i-1] != ' ' && src[i-1] != '\t' || inText(start+i) {
				continue
			}
			c := Comment{Line: line + 1, Column: utf8.RuneCount(src[:i]) + 1,
				Text: strings.TrimRight(string(src[i:]), " \t\r\n")}
			if inTree[c.Text] > 0 {
				inTree[c.Text]--
				kept = append(kept, c)
			} else {
				lost = append(lost, c)
			}
			break // a comment runs to the end of the line
		}
	}
	return kept, lost
}

// spans are the byte ranges of data that are scalar text (quoted scalars,
// block scalar contents).
type spans struct {
	data       []byte
	lineStarts []int
	ranges     [][2]int
}

func newSpans(data []byte) *spans {
	s := &spans{data: data, lineStarts: []int{0}}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			s.lineStarts = append(s.lineStarts, i+1)
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// offset is the byte offset of a 1-based line and column (in code points).
func (s *spans) offset(line, col int) int {
	if line < 1 || line > len(s.lineStarts) {
		return len(s.data)
	}
	off := s.lineStarts[line-1]
	for ; col > 1 && off < len(s.data); col-- {
		_, size := utf8.DecodeRune(s.data[off:])
		off += size
	}
	return off
}

func (s *spans) add(n *yaml.Node) {
	start := s.offset(n.Line, n.Column)
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		quote := byte('"')
		if n.Style&yaml.SingleQuotedStyle != 0 {
			quote = '\''
		}
		// The node may start at a tag or anchor before the quote.
		i := start
		for i < len(s.data) && s.data[i] != quote && s.data[i] != '\n' && s.data[i] != '\r' {
			i++
		}
		if i >= len(s.data) || s.data[i] != quote {
			// Not found where expected: treat the rest of the line as text,
			// the safe side.
			s.ranges = append(s.ranges, [2]int{start, i})
			return
		}
		j := i + 1
		for j < len(s.data) {
			c := s.data[j]
			if quote == '"' && c == '\\' {
				j += 2
				continue
			}
			if c == quote {
				if quote == '\'' && j+1 < len(s.data) && s.data[j+1] == '\'' {
					j += 2 // '' is an escaped quote
					continue
				}
				break
			}
			j++
		}
		s.ranges = append(s.ranges, [2]int{i, min(j+1, len(s.data))})
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// The node starts at '|' or '>'; its content is the following lines
		// indented at least as much as the first non-blank one, blank lines
		// included. A line indented less ends it.
		first := n.Line // 0-based index of the line after the header
		indent := -1
		last := first
		for l := first; l < len(s.lineStarts); l++ {
			line := s.line(l)
			body := bytes.TrimLeft(line, " ")
			if len(bytes.TrimSpace(body)) == 0 {
				continue // blank lines belong to the scalar
			}
			ind := len(line) - len(body)
			if indent < 0 {
				indent = ind
			}
			if ind < indent || ind == 0 {
				break
			}
			last = l + 1
		}
		if last > first {
			end := len(s.data)
			if last < len(s.lineStarts) {
				end = s.lineStarts[last]
			}
			s.ranges = append(s.ranges, [2]int{s.lineStarts[first], end})
		}
	}
}

// line is the text of 0-based line l without its line break.
func (s *spans) line(l int) []byte {
	end := len(s.data)
	if l+1 < len(s.lineStarts) {
		end = s.lineStarts[l+1]
	}
	return bytes.TrimRight(s.data[s.lineStarts[l]:end], "\r\n")
}
