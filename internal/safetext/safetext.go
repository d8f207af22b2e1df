// Package safetext is the one escaping of untrusted text (logical IDs, tag
// keys and values, descriptions, file names, parser messages) for every
// human-readable channel: text output, stderr, notifications, workflow
// commands and Markdown (DESIGN.md, "Output at scale").
//
// A terminal acts on ESC and C1 sequences, a CI log on a line that starts
// with "::" and the reader's eye on bidirectional overrides (Trojan Source).
// Line makes sure none of them survives: after it, the text holds no line
// break, so no output line starts with text an input chose, and nothing a
// terminal or a log parser interprets.
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line returns s with every character that could break the line or be
// interpreted by a terminal written as a visible Go-style escape:
//
//   - LF, CR and TAB as \n, \r and \t; other C0 controls (ESC, BEL, NUL,
//     ...) and DEL as \x1b and friends;
//   - C1 controls (U+0080-U+009F, e.g. NEL and the 8-bit CSI), the line and
//     paragraph separators U+2028/U+2029, and the bidirectional controls
//     (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) as \u0085 etc.;
//   - bytes that are not UTF-8 (a raw 0x9b is CSI to some terminals) as \x9b;
//   - the second '#' of "##[" as \x23: GitHub's runner still obeys the
//     legacy "##[command]data" form anywhere in a line (ActionCommand.TryParse
//     looks for it with IndexOf), "##[stop-commands]token" included.
//
// A backslash is kept as it is: the output is for people, not to be parsed
// back, and a literal `\n` in the input breaks no line. Text without any
// such character is returned unchanged, without allocating.
func Line(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '#' && strings.HasPrefix(s[i+1:], "#["):
			b.WriteString(`#\x23`)
			i += 2
			continue
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case unsafeRune(r):
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)) + h)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// LineStart is Line for text that begins an output line (after an
// indent, say). GitHub's runner takes a line for a workflow command when
// it starts with "::" once String.TrimStart() has removed its leading
// white space, and that is every Unicode white space character (U+00A0,
// U+3000, ...), not only ASCII spaces: a ':' that comes first after such
// white space is written as \x3a.
func LineStart(s string) string {
	s = Line(s)
	if t := TrimLineStart(s); strings.HasPrefix(t, ":") {
		return s[:len(s)-len(t)] + `\x3a` + t[1:]
	}
	return s
}

// TrimLineStart is s without the leading white space the runner drops
// before it looks for "::" (see LineStart).
func TrimLineStart(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) }

// firstUnsafe is the byte offset of the first character Line escapes, or -1.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || c == '#' && strings.HasPrefix(s[i+1:], "#[") {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports the non-ASCII characters Line escapes.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // bidi marks
		return true
	case r >= 0x2028 && r <= 0x202e: // line/paragraph separators, bidi embeddings and overrides
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
