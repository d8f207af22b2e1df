package yamltree

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestComments(t *testing.T) {
	src := "# head  \n" + // 1
		"a: \"x # in a string\" # real one\n" + // 2
		"b: 'it''s # quoted' #c\n" + // 3
		"c: |\n  # in a block\n  text\n# after the block\n" + // 4-7
		"d: [1, # in flow\n  2]\n" + // 8-9
		"e: x#not a comment\n" + // 10
		"f: >-\n    folded # in it\n\n    more\n  # g's head, less indented\n" + // 11-15
		"g: 1\n"
	docs, _, err := Parse([]byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	kept, lost := Comments([]byte(src), docs)
	var got []string
	for _, c := range kept {
		got = append(got, fmt.Sprintf("%d:%d %s", c.Line, c.Column, c.Text))
	}
	want := []string{"1:1 # head", "2:22 # real one", "3:21 #c", "7:1 # after the block", "8:8 # in flow", "15:3 # g's head, less indented"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("comments\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(lost) != 0 {
		t.Errorf("lost %+v", lost)
	}
	if k, l := Comments([]byte(`{"a": "# x", "b": "y # z"}`), mustParse(t, `{"a": "# x", "b": "y # z"}`, true)); len(k)+len(l) != 0 {
		t.Errorf("JSON strings gave comments %+v %+v", k, l)
	}
}

func mustParse(t testing.TB, src string, json bool) []*yaml.Node {
	docs, _, err := Parse([]byte(src), Options{JSON: json})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// scalars lists every scalar of the trees, in order, with its value.
func scalars(docs []*yaml.Node) []string {
	var out []string
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 {
			return
		}
		if n.Kind == yaml.ScalarNode {
			out = append(out, n.Tag+" "+n.Value)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	for _, d := range docs {
		walk(d, 0)
	}
	return out
}

// FuzzComments: cutting the text of what Comments calls a comment out of
// the source changes no scalar. Were a "comment" really inside a quoted or block
// scalar (the suppression-injection hole), cutting it would change that
// scalar's value.
func FuzzComments(f *testing.F) {
	for _, s := range []string{
		"a: 1 # c\n", "a: \"x # y\" # z\n", "a: |\n  # t\n# c\nb: 2\n", "a: 'x\n  # y' # z\n", "- [a, # c\n  b]\n",
		"a: >\n  x # y\n\n  z\n# c\n", "a: \"\\\" # q\" # r\n", "a: !!str \"# x\" # y\n", "? \"k # x\" # c\n: v\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		docs, _, err := Parse([]byte(src), Options{})
		if err != nil || len(src) > 4096 {
			return
		}
		before := scalars(docs)
		kept, _ := Comments([]byte(src), docs)
		for _, c := range kept[:min(len(kept), 4)] {
			lines := splitLines(src)
			if c.Line > len(lines) {
				t.Fatalf("comment %+v past the end", c)
			}
			line := lines[c.Line-1]
			runes := []rune(line)
			if c.Column > len(runes) || runes[c.Column-1] != '#' {
				t.Fatalf("comment %+v is not at a '#' in %q", c, line)
			}
			body := strings.TrimRight(line, "\r\n")
			// Keep the '#' (a comment line less indented ends a block scalar,
			// an empty line does not): a real comment's text can go, text
			// inside a scalar cannot.
			cut := string(runes[:c.Column]) + line[len(body):]
			lines[c.Line-1] = cut
			after, _, err := Parse([]byte(strings.Join(lines, "")), Options{})
			if err != nil {
				t.Fatalf("cutting comment %+v out of %q: %v", c, src, err)
			}
			if a, b := strings.Join(before, "\x00"), strings.Join(scalars(after), "\x00"); a != b {
				t.Fatalf("cutting comment %+v out of %q changed the scalars:\n%q\n%q", c, src, before, scalars(after))
			}
		}
	})
}

// splitLines splits after LF, CRLF and a lone CR, as YAML does.
func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(out, s)
		}
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		out, s = append(out, s[:i+1]), s[i+1:]
	}
	return out
}
