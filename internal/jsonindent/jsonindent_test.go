package jsonindent

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// reference is what the SARIF and JSON writers did before: an Encoder
// with SetIndent (json.Indent over the compact output).
func reference(t testing.TB, compact []byte, indent string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", indent); err != nil {
		t.Fatalf("json.Indent: %v", err)
	}
	return b.Bytes()
}

func indented(t testing.TB, compact []byte, indent string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, compact, indent); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// compactOf is src as encoding/json writes it compact: json.Compact, plus
// the Encoder's newline when withNewline.
func compactOf(t testing.TB, src []byte, withNewline bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, src); err != nil {
		t.Fatalf("json.Compact(%q): %v", src, err)
	}
	if withNewline {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

var cases = []string{
	`{}`, `[]`, `""`, `0`, `-1.5e+10`, `true`, `null`,
	`{"a":{},"b":[],"c":[{}],"d":[[]]}`,
	`{"k":"v","n":[1,2,3],"o":{"x":null,"y":false}}`,
	`[[[[1]]],{"a":[{"b":{"c":"d"}}]}]`,
	// Quotes, backslashes and punctuation inside strings are not structure.
	`{"q\"uote":"a\\","b\\\"":"{[,:]}","c":"\\\\\"\\","\u003c\u0026":"<&>\n\t\u2028"}`,
	`["\\","\\\\","\"","x\"y\\\"z",""]`,
	`{"message":"cluster <prod> has no SG & more: 0.0.0.0/0 {all} [ports]"}`,
}

func TestMatchesJSONIndent(t *testing.T) {
	for _, c := range cases {
		for _, nl := range []bool{false, true} {
			compact := compactOf(t, []byte(c), nl)
			for _, indent := range []string{"  ", "\t", ""} {
				if got, want := indented(t, compact, indent), reference(t, compact, indent); !bytes.Equal(got, want) {
					t.Errorf("%s (indent %q):\ngot  %q\nwant %q", compact, indent, got, want)
				}
			}
		}
	}
}

// Output larger than a chunk is written in pieces, strings larger than a
// chunk directly, and the result is still the same bytes.
func TestLargerThanChunks(t *testing.T) {
	type entry struct {
		Name  string         `json:"name"`
		Text  string         `json:"text"`
		Props map[string]any `json:"props"`
		List  []int          `json:"list"`
	}
	var entries []entry
	for i := range 3000 {
		text := strings.Repeat(`ab"c\d`, i%7)
		if i%1000 == 999 {
			text = strings.Repeat(`x\"`, chunk) // encoded x\\\", 5 chunks
		}
		entries = append(entries, entry{Name: "n" + strings.Repeat("é", i%5), Text: text,
			Props: map[string]any{"i": i, "empty": map[string]any{}, "nested": []any{[]any{}, i}}, List: []int{i, i + 1}})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(entries); err != nil {
		t.Fatal(err)
	}
	compact := b.Bytes()
	var chunks countingWriter
	if err := Write(&chunks, compact, "  "); err != nil {
		t.Fatal(err)
	}
	want := reference(t, compact, "  ")
	if !bytes.Equal(chunks.Bytes(), want) {
		t.Fatalf("differs from json.Indent (%d vs %d bytes)", chunks.Len(), len(want))
	}
	// Every write is a chunk (up to one more line), the last, or one of
	// the 5-chunk strings written directly.
	if chunks.writes < 10 || chunks.largest > 5*chunk+2 {
		t.Errorf("%d bytes in %d writes, the largest %d bytes: not written in chunks", len(want), chunks.writes, chunks.largest)
	}
}

type countingWriter struct {
	bytes.Buffer
	writes, largest int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.Buffer.Write(p)
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after == 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	compact := compactOf(t, []byte(`["`+strings.Repeat("x", 3*chunk)+`",1,2]`), true)
	for after := range 3 {
		if err := Write(&failingWriter{after: after}, compact, "  "); err == nil || err.Error() != "disk full" {
			t.Errorf("failing after %d writes: err = %v", after, err)
		}
	}
}

// FuzzMatchesJSONIndent: for any valid JSON, as encoding/json writes it
// compact, the output is json.Indent's.
func FuzzMatchesJSONIndent(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c), "  ")
	}
	f.Fuzz(func(t *testing.T, src []byte, indent string) {
		if !json.Valid(src) || strings.Trim(indent, " \t") != "" {
			return // json.Indent takes any indent; the writers use spaces
		}
		compact := compactOf(t, src, len(src)%2 == 0)
		if got, want := indented(t, compact, indent), reference(t, compact, indent); !bytes.Equal(got, want) {
			t.Errorf("%q (indent %q):\ngot  %q\nwant %q", compact, indent, got, want)
		}
	})
}
