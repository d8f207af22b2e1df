package yamltree

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The pairwise comparison used for small mappings must drop the same keys
// and give the same warnings as the map used for large ones, repeats of
// one key, equal values with different tags and non-scalar keys included.
func TestDedupeSmallMatchesLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 2000 {
		pairs := 2 + rng.IntN(2*smallMapping)
		c := make([]*yaml.Node, 0, 2*pairs)
		for i := range pairs {
			k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(rune('a' + rng.IntN(4))), Line: i + 1, Column: 1}
			switch rng.IntN(8) {
			case 0:
				k.Tag = "!!int"
			case 1:
				k = &yaml.Node{Kind: yaml.SequenceNode, Line: i + 1, Column: 1}
			}
			c = append(c, k, &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprint(i)})
		}
		small, large := slices.Clone(c), slices.Clone(c)
		var ws, wl walker
		ds, dl := ws.dedupeSmall(small), wl.dedupeLarge(large)
		if ds != dl || !slices.Equal(small, large) || !slices.Equal(ws.warnings, wl.warnings) {
			t.Fatalf("trial %d, %d pairs: small dropped=%v warnings %v; large dropped=%v warnings %v",
				trial, pairs, ds, ws.warnings, dl, wl.warnings)
		}
	}
}

// Both sides of the size threshold give the same result through Parse.
func TestDedupeAtThreshold(t *testing.T) {
	for _, keys := range []int{smallMapping, smallMapping + 1} {
		in := "dup: first\n"
		for i := 1; i < keys-1; i++ {
			in += fmt.Sprintf("k%d: %d\n", i, i)
		}
		in += "dup: second\n"
		docs, warns, err := Parse([]byte(in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := docs[0].Content[0]
		if got := len(m.Content) / 2; got != keys-1 {
			t.Errorf("%d keys: %d left after dropping the duplicate, want %d", keys, got, keys-1)
		}
		if v := Get(m, "dup"); v == nil || v.Value != "second" {
			t.Errorf("%d keys: dup = %v, want the later value", keys, v)
		}
		want := []Warning{{Line: keys, Column: 1, Msg: fmt.Sprintf(`duplicate key "dup" at lines 1 and %d; the later one is used`, keys)}}
		if !slices.Equal(warns, want) {
			t.Errorf("%d keys: warnings %v, want %v", keys, warns, want)
		}
	}
}
