package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"NodeSecurityGroup", "NodeSecurityGroup"},
		{"café 10.0.0.0/8 ✓ 🔴", "café 10.0.0.0/8 ✓ 🔴"},
		{`C:\path\n`, `C:\path\n`}, // a literal backslash breaks nothing
		{"Sg\n::stop-commands::x", `Sg\n::stop-commands::x`},
		{"a\r\nb\rc\td", `a\r\nb\rc\td`},
		{"\x1b]8;;https://evil\x07link\x1b[2J", `\x1b]8;;https://evil\x07link\x1b[2J`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"nel\u0085csi\u009b[31m", `nel\u0085csi\u009b[31m`},
		{"ls\u2028ps\u2029", `ls\u2028ps\u2029`},
		{"admin\u202e\u2066gnp.exe\u2069\u200f\u061c", `admin\u202e\u2066gnp.exe\u2069\u200f\u061c`},
		{"raw\x9b31m\xff", `raw\x9b31m\xff`},
		{"sg ##[stop-commands]tok ###[error]x #[y] ## [z]", `sg #\x23[stop-commands]tok ##\x23[error]x #[y] ## [z]`},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLineDoesNotAllocateForSafeText(t *testing.T) {
	s := strings.Repeat("sg-0123456789abcdef café ", 40)
	if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
		t.Errorf("Line allocated %v times for text with nothing to escape", n)
	}
}

// checkSafe is what every output channel relies on.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Line(%q) = %q is not UTF-8", in, out)
	}
	if i := firstUnsafe(out); i >= 0 {
		t.Fatalf("Line(%q) = %q keeps an unsafe character at byte %d", in, out, i)
	}
	if strings.Contains(out, "##[") {
		t.Fatalf("Line(%q) = %q keeps a legacy workflow command", in, out)
	}
	if Line(out) != out {
		t.Fatalf("Line is not stable on its own output %q", out)
	}
	if firstUnsafe(in) < 0 && out != in {
		t.Fatalf("Line(%q) = %q changed safe text", in, out)
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "ok", "a\nb", "\x1b[31m", "\u202e", "\xff\xfe", "\u0085", "x\u2028y", "\t", "##[", "###[", "#\n#["} {
		f.Add(s)
	}
	f.Add("\u00a0::x")
	f.Add(" \u3000:")
	f.Fuzz(func(t *testing.T, s string) {
		checkSafe(t, s, Line(s))
		start := LineStart(s)
		checkSafe(t, s, strings.Replace(start, `\x3a`, ":", 1)) // Line's guarantees, the one escape aside
		if strings.HasPrefix(TrimLineStart(start), ":") {
			t.Fatalf("LineStart(%q) = %q starts with ':' after the white space the runner trims", s, start)
		}
	})
}

// The runner's TrimStart drops every Unicode white space character, so
// LineStart escapes a ':' behind any of them, and nothing else.
func TestLineStart(t *testing.T) {
	for in, want := range map[string]string{
		"::stop-commands::x": `\x3a:stop-commands::x`,
		"  ::x":              `  \x3a:x`,
		"\u00a0::x":          "\u00a0\\x3a:x",
		"\u3000\u2003:x":     "\u3000\u2003\\x3ax",
		"\t::x":              `\t::x`, // Line makes the tab visible text first
		"a::b":               "a::b",
		"":                   "",
	} {
		if got := LineStart(in); got != want {
			t.Errorf("LineStart(%q) = %q, want %q", in, got, want)
		}
	}
}
