// Package jsonindent writes JSON that encoding/json wrote compact as
// json.Indent would indent it, byte for byte, several times faster.
//
// json.Indent runs encoding/json's validating scanner over every byte (a
// call through a function pointer each); output that encoding/json has
// just written is valid and has no whitespace outside strings, so the only
// state that matters is whether a byte is inside a string, and a string's
// end is found with bytes.IndexByte.
package jsonindent

import (
	"bytes"
	"io"
	"strings"
)

// chunk is how much indented output is buffered before it is written.
const chunk = 64 << 10

// Write writes src indented by indent per level (no prefix) to w, in
// chunks. src must be compact JSON as written by encoding/json (Marshal,
// or an Encoder without SetIndent, whose trailing newline is kept):
// anything else is written indented as if it were, not validated.
func Write(w io.Writer, src []byte, indent string) error {
	iw := indenter{w: w, buf: make([]byte, 0, min(chunk, 2*len(src))+64), indent: indent}
	iw.run(src)
	iw.flush()
	return iw.err
}

type indenter struct {
	w      io.Writer
	buf    []byte
	err    error
	indent string
	depth  int
	lines  []byte
}

func (iw *indenter) run(src []byte) {
	// needIndent delays the newline after an opening bracket, so that an
	// empty object or array stays {} or [] (as json.Indent does).
	needIndent := false
	for i := 0; i < len(src) && iw.err == nil; {
		c := src[i]
		if c == '}' || c == ']' {
			if needIndent {
				needIndent = false
			} else {
				iw.depth--
				iw.newline()
			}
			iw.buf = append(iw.buf, c)
			i++
			iw.maybeFlush()
			continue
		}
		if needIndent {
			needIndent = false
			iw.depth++
			iw.newline()
		}
		switch c {
		case '{', '[':
			needIndent = true
			iw.buf = append(iw.buf, c)
			i++
		case ',':
			iw.buf = append(iw.buf, c)
			iw.newline()
			i++
		case ':':
			iw.buf = append(iw.buf, ':', ' ')
			i++
		case '"':
			end := stringEnd(src, i)
			iw.copy(src[i:end])
			i = end
		default: // numbers, true, false, null; the final newline
			iw.buf = append(iw.buf, c)
			i++
		}
		iw.maybeFlush()
	}
}

// stringEnd is the index after the closing quote of the string that
// starts at src[start] (len(src) if it is not closed).
func stringEnd(src []byte, start int) int {
	for j := start + 1; ; {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			return len(src)
		}
		j += k
		// The quote is escaped when an odd number of backslashes precede it.
		b := j - 1
		for src[b] == '\\' {
			b--
		}
		j++
		if (j-2-b)%2 == 0 {
			return j
		}
	}
}

// newline starts a line indented to the current depth, a prefix of
// lines ("\n" and the indent repeated deeper than the document has gone).
func (iw *indenter) newline() {
	depth := max(iw.depth, 0)
	n := 1 + depth*len(iw.indent)
	if n > len(iw.lines) {
		iw.lines = append([]byte{'\n'}, strings.Repeat(iw.indent, 2*depth+8)...)
	}
	iw.buf = append(iw.buf, iw.lines[:n]...)
}

// copy appends s, or writes it directly when it is larger than a chunk.
func (iw *indenter) copy(s []byte) {
	if len(s) < chunk {
		iw.buf = append(iw.buf, s...)
		return
	}
	iw.flush()
	if iw.err == nil {
		_, iw.err = iw.w.Write(s)
	}
}

func (iw *indenter) maybeFlush() {
	if len(iw.buf) >= chunk {
		iw.flush()
	}
}

func (iw *indenter) flush() {
	if len(iw.buf) > 0 && iw.err == nil {
		_, iw.err = iw.w.Write(iw.buf)
	}
	iw.buf = iw.buf[:0]
}
