// Package gen writes synthetic repositories of templates for eks-sg-lint's
// performance harness (scripts/genrepo, scripts/bench.sh and
// scan/bench_scale_test.go): N copies of the well-formed files of the test
// corpus, 100 to a folder, each copy with its own cluster names and
// security group IDs so that a scan of the repository looks like a scan of
// many unrelated stacks rather than of one giant cluster.
package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/parsers"
)

// SourceGlobs are the corpus files copied, relative to the repository root.
var SourceGlobs = []string{
	"testdata/corpus/cloudformation/*",
	"testdata/corpus/eksctl/*",
	"testdata/corpus/sg-json/*",
	"testdata/examples/*",
}

// brokenOnPurpose marks the corpus files that are deliberately invalid
// (scan/corpus_test.go uses the same markers); they are not copied.
var brokenOnPurpose = []string{".INVALID.", ".trailing-comma.", ".TEMPLATED."}

// Options configure Generate.
type Options struct {
	// Root is the eks-sg-lint repository root (it holds testdata/).
	Root string
	// N is the number of files written.
	N int
	// PerDir is the number of files per folder (default 100). Folders are
	// nested two levels deep: gNNN/dNNNN/.
	PerDir int
	// KeepNames, when set, copies files verbatim: every copy of a template
	// names the same cluster, so clusters with a literal name gather
	// thousands of node groups (the adversarial case; see
	// scan/bench_scale_test.go).
	KeepNames bool
	// Sources overrides the files copied (absolute paths); nil means
	// Sources(Root).
	Sources []string
}

// Stats describe what Generate wrote.
type Stats struct {
	Files, Dirs int
	Bytes       int64
	// Sources is the number of distinct corpus files copied.
	Sources int
	// Renamed is how many sources have a literal cluster name that each
	// copy rewrites; Verbatim lists the sources whose rewrite would not
	// parse the same way and that are therefore copied unchanged.
	Renamed  int
	Verbatim []string
}

// Sources lists the well-formed corpus files under root, sorted.
func Sources(root string) ([]string, error) {
	var out []string
	for _, g := range SourceGlobs {
		m, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(g)))
		if err != nil {
			return nil, err
		}
		for _, f := range m {
			st, err := os.Stat(f)
			if err != nil || !st.Mode().IsRegular() || isBroken(filepath.Base(f)) {
				continue
			}
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no corpus files under %s (is it the eks-sg-lint repository root?)", root)
	}
	sort.Strings(out)
	return out, nil
}

func isBroken(name string) bool {
	for _, s := range brokenOnPurpose {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// FindRoot walks up from dir to the folder holding this module's go.mod.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/eks-sg-lint/eks-sg-lint\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the eks-sg-lint repository (no go.mod found)")
		}
		dir = parent
	}
}

// Generate writes opts.N files into dst, which must be empty or absent.
// File i is copy i/len(sources) of source i%len(sources), written as
// gNNN/dNNNN/iiiii__<source name>. Output is deterministic.
func Generate(dst string, opts Options) (Stats, error) {
	var st Stats
	if opts.N < 0 {
		return st, fmt.Errorf("negative file count %d", opts.N)
	}
	if opts.PerDir <= 0 {
		opts.PerDir = 100
	}
	srcs := opts.Sources
	if srcs == nil {
		var err error
		if srcs, err = Sources(opts.Root); err != nil {
			return st, err
		}
	}
	if len(srcs) == 0 {
		return st, errors.New("no source files")
	}
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return st, fmt.Errorf("%s is not empty", dst)
	}
	st.Sources = len(srcs)
	tmpls := make([]*template, len(srcs))
	for i, s := range srcs {
		data, err := os.ReadFile(s)
		if err != nil {
			return st, err
		}
		t := &template{name: filepath.Base(s), data: data}
		if !opts.KeepNames {
			t.split()
			if len(t.names) > 0 {
				if t.check() {
					st.Renamed++
				} else {
					st.Verbatim = append(st.Verbatim, t.name)
					t.pieces, t.names = nil, nil
				}
			}
		}
		tmpls[i] = t
	}
	lastDir := ""
	var buf []byte
	for i := 0; i < opts.N; i++ {
		t := tmpls[i%len(tmpls)]
		copyNo := i / len(tmpls)
		d := i / opts.PerDir
		dir := filepath.Join(dst, fmt.Sprintf("g%03d", d/opts.PerDir), fmt.Sprintf("d%04d", d))
		if dir != lastDir {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return st, err
			}
			lastDir = dir
			st.Dirs++
		}
		buf = t.render(buf[:0], copyNo)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%05d__%s", i, t.name)), buf, 0o644); err != nil {
			return st, err
		}
		st.Files++
		st.Bytes += int64(len(buf))
	}
	return st, nil
}

// template is one source file split at the places each copy rewrites.
type template struct {
	name string
	data []byte
	// pieces alternate between verbatim text and rewritable tokens:
	// pieces[0], token 0, pieces[1], token 1, …, pieces[len(tokens)].
	pieces [][]byte
	tokens []token
	// names are the literal cluster names found in the file.
	names []string
}

type token struct {
	text    string
	cluster bool // a cluster name (else a physical sg-… ID)
}

// sgIDRe matches physical security group IDs (8 or 17 hex digits).
var sgIDRe = regexp.MustCompile(`\bsg-(?:[0-9a-f]{17}|[0-9a-f]{8})\b`)

// split finds the file's literal cluster names (as eks-sg-lint sees them)
// and every whole-word occurrence of them, and every sg-… ID.
func (t *template) split() {
	res, err := parsers.Parse(t.name, t.data, parsers.Options{})
	if err != nil {
		return
	}
	set := map[string]bool{}
	for _, d := range res.Docs {
		for _, c := range d.Clusters {
			if name, ok := strings.CutPrefix(c.Key, "name:"); ok && name != "" {
				set[name] = true
			}
		}
		for _, ng := range d.NodeGroups {
			if name, ok := strings.CutPrefix(ng.ClusterKey, "name:"); ok && name != "" {
				set[name] = true
			}
		}
	}
	for n := range set {
		t.names = append(t.names, n)
	}
	// Longest first, so "cluster-10" wins over "cluster-1" at one place.
	sort.Slice(t.names, func(i, j int) bool {
		if len(t.names[i]) != len(t.names[j]) {
			return len(t.names[i]) > len(t.names[j])
		}
		return t.names[i] < t.names[j]
	})
	type match struct {
		start, end int
		cluster    bool
	}
	var ms []match
	for _, loc := range sgIDRe.FindAllIndex(t.data, -1) {
		ms = append(ms, match{loc[0], loc[1], false})
	}
	taken := func(s, e int) bool {
		for _, m := range ms {
			if s < m.end && m.start < e {
				return true
			}
		}
		return false
	}
	for _, name := range t.names {
		nb := []byte(name)
		for off := 0; ; {
			i := bytes.Index(t.data[off:], nb)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(nb)
			off = s + 1
			if (s > 0 && isWordByte(t.data[s-1])) || (e < len(t.data) && isWordByte(t.data[e])) || taken(s, e) {
				continue
			}
			ms = append(ms, match{s, e, true})
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	prev := 0
	for _, m := range ms {
		t.pieces = append(t.pieces, t.data[prev:m.start])
		t.tokens = append(t.tokens, token{text: string(t.data[m.start:m.end]), cluster: m.cluster})
		prev = m.end
	}
	t.pieces = append(t.pieces, t.data[prev:])
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// render appends copy n of the file to buf.
func (t *template) render(buf []byte, n int) []byte {
	if len(t.tokens) == 0 {
		return append(buf, t.data...)
	}
	for i, tok := range t.tokens {
		buf = append(buf, t.pieces[i]...)
		if tok.cluster {
			buf = fmt.Appendf(buf, "%s-%d", tok.text, n)
		} else {
			buf = append(buf, renameSG(tok.text, n)...)
		}
	}
	return append(buf, t.pieces[len(t.tokens)]...)
}

// renameSG gives copy n of a physical ID: same length, different digits.
func renameSG(id string, n int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s/%d", id, n))
	return "sg-" + hex.EncodeToString(h[:])[:len(id)-len("sg-")]
}

// check says whether a rewritten copy still reads as the same kind of file
// with the same clusters and node groups, only renamed.
func (t *template) check() bool {
	a, errA := parsers.Parse(t.name, t.data, parsers.Options{})
	b, errB := parsers.Parse(t.name, t.render(nil, 7), parsers.Options{})
	if (errA == nil) != (errB == nil) || a.Format != b.Format || len(a.Docs) != len(b.Docs) {
		return false
	}
	count := func(r parsers.Result) (c, n, sg int) {
		for _, d := range r.Docs {
			c += len(d.Clusters)
			n += len(d.NodeGroups)
			sg += len(d.SGs)
		}
		return
	}
	ca, na, sa := count(a)
	cb, nb, sb := count(b)
	if ca != cb || na != nb || sa != sb {
		return false
	}
	for _, d := range b.Docs {
		for _, c := range d.Clusters {
			if name, ok := strings.CutPrefix(c.Key, "name:"); ok && !strings.HasSuffix(name, "-7") {
				return false
			}
		}
	}
	return true
}
