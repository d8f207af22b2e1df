package analyzer_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/internal/fixturetest"
)

const fixtures = "../testdata/rules"

// TestRuleFixtures scans every fixture and compares findings with the
// `# want:` expectations written inside it.
// The README's examples are fixtures too, so what it shows is tested.
func TestRuleFixtures(t *testing.T) {
	for _, dir := range []string{fixtures, "../testdata/examples", "../testdata/terraform-module"} {
		for _, unit := range fixturetest.Units(t, dir) {
			name, _ := filepath.Rel(filepath.Dir(dir), unit)
			t.Run(filepath.ToSlash(name), func(t *testing.T) { fixturetest.Run(t, unit) })
		}
	}
}

// TestEveryRuleHasProof: each rule needs fixtures that must fire and near
// misses that must stay silent (RULES.md, "no finding without proof").
func TestEveryRuleHasProof(t *testing.T) {
	want := regexp.MustCompile(`EKSSG\d{3}`)
	for _, a := range analyzer.All() {
		dir := filepath.Join(fixtures, a.ID)
		fires, silent := 0, 0
		for _, unit := range fixturetest.Units(t, dir) {
			text := readUnit(t, unit)
			mentions := false
			for _, id := range want.FindAllString(wantText(text), -1) {
				if id == a.ID {
					mentions = true
				}
			}
			if mentions {
				fires++
			} else {
				silent++
			}
		}
		if fires == 0 || silent == 0 {
			t.Errorf("%s: %d fixtures that fire and %d near misses in %s; need at least one of each", a.ID, fires, silent, dir)
		}
	}
}

func readUnit(t *testing.T, unit string) string {
	var b strings.Builder
	_ = filepath.WalkDir(unit, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(data), "\n") {
				if strings.HasSuffix(path, ".want") {
					b.WriteString("# want: ")
				}
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
		return nil
	})
	return b.String()
}

// wantText keeps only the expectation parts of a fixture.
func wantText(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if _, w, ok := strings.Cut(line, "# want:"); ok {
			b.WriteString(w)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestReadmeListsEveryRule keeps the README's rule table in step with the
// registry.
func TestReadmeListsEveryRule(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range analyzer.All() {
		row := "| " + a.ID + " | " + a.Name + " | " + string(a.Level) + " |"
		if !strings.Contains(string(data), row) {
			t.Errorf("README.md has no rule table row starting %q", row)
		}
	}
}

// TestReadmeExamplesAreTestedFiles: the example templates the README shows
// are the files the fixture harness scans, verbatim.
func TestReadmeExamplesAreTestedFiles(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"suppressed.yaml"} {
		data, err := os.ReadFile(filepath.Join("../testdata/examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), "```yaml\n"+string(data)+"```") {
			t.Errorf("README does not show testdata/examples/%s verbatim", name)
		}
	}
}
