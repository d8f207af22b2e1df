// Package config reads .eks-sg-lint.yaml: rules disabled or re-levelled,
// findings ignored per path, paths excluded, and parameter values per
// template. Unknown keys are errors, so a typo never silently does nothing.
//
//	rules:
//	  EKSSG026: {enabled: false}          # the rule does not run
//	  EKSSG023: {level: warning}          # error | warning | note
//	  EKSSG031:
//	    ignore:                           # reported as suppressed (external)
//	      - paths: ["sandbox/**"]
//	        reason: sandbox accounts allow SSH from the office
//	exclude: ["generated/**", "**/*.test.yaml"]
//	params:
//	  - paths: ["stacks/prod/**"]
//	    values: {ClusterName: prod}
//
// Paths are globs relative to the folder holding the config file: `*`
// matches within one path segment, `**` across segments, and a pattern
// without a slash matches a file name at any depth.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/regularfile"
	yaml "go.yaml.in/yaml/v3"
)

// FileNames are the names searched for, in order, in each folder.
var FileNames = []string{".eks-sg-lint.yaml", ".eks-sg-lint.yml"}

// Config is a loaded configuration file.
type Config struct {
	// File is the config file's path; Dir the folder globs are relative to;
	// Display is how output names the file (set by the caller).
	File, Dir, Display string
	Rules              map[string]Rule  `yaml:"rules"`
	Exclude            []string         `yaml:"exclude"`
	Params             []ParamsForPaths `yaml:"params"`
	exclude            []*regexp.Regexp `yaml:"-"`
}

// Rule is the configuration of one rule.
type Rule struct {
	Enabled *bool    `yaml:"enabled"`
	Level   string   `yaml:"level"`
	Ignore  []Ignore `yaml:"ignore"`
}

// Ignore silences a rule's findings in some paths.
type Ignore struct {
	Paths  []string `yaml:"paths"`
	Reason string   `yaml:"reason"`
	Line   int      `yaml:"-"`
	globs  []*regexp.Regexp
}

// ParamsForPaths gives CloudFormation parameter values to some templates.
type ParamsForPaths struct {
	Paths  []string          `yaml:"paths"`
	Values map[string]string `yaml:"values"`
	globs  []*regexp.Regexp
}

// UnmarshalYAML keeps the entry's line (for SARIF suppression locations)
// and rejects unknown keys, which the decoder cannot check inside a
// custom unmarshaler.
func (i *Ignore) UnmarshalYAML(n *yaml.Node) error {
	if err := onlyKeys(n, "paths", "reason"); err != nil {
		return err
	}
	type plain Ignore
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*i = Ignore(p)
	i.Line = n.Line
	return nil
}

func onlyKeys(n *yaml.Node, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		k := n.Content[j]
		ok := false
		for _, want := range keys {
			ok = ok || k.Value == want
		}
		if !ok {
			return fmt.Errorf("line %d: unknown key %q (expected %s)", k.Line, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}

// Find looks for a config file in dir and its parents.
func Find(dir string) (string, bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		for _, name := range FileNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// MaxFileSize bounds the config file: it is read like the inputs (a
// regular file only, never past the cap), so a symlink to /dev/zero or a
// FIFO named .eks-sg-lint.yaml is an error, not a hang.
const MaxFileSize = 1 << 20

// Load reads and validates a config file.
func Load(path string) (*Config, error) {
	data, err := regularfile.Read(path, MaxFileSize)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	abs, _ := filepath.Abs(path)
	c := &Config{File: path, Dir: filepath.Dir(abs)}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) { // empty file: empty config
		return nil, fmt.Errorf("%s: %s", path, describe(err))
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return c, nil
}

func (c *Config) validate() error {
	var ids []string
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := c.Rules[id]
		if analyzer.ByID(id) == nil {
			return fmt.Errorf("rules: unknown rule %q", id)
		}
		switch r.Level {
		case "", "error", "warning", "note":
		default:
			return fmt.Errorf("rules.%s.level: %q is not error, warning or note", id, r.Level)
		}
		for i := range r.Ignore {
			ig := &r.Ignore[i]
			if len(ig.Paths) == 0 {
				return fmt.Errorf("line %d: rules.%s.ignore entry needs paths", ig.Line, id)
			}
			if strings.TrimSpace(ig.Reason) == "" {
				return fmt.Errorf("line %d: rules.%s.ignore entry needs a reason", ig.Line, id)
			}
			for _, p := range ig.Paths {
				ig.globs = append(ig.globs, globRegexp(p))
			}
		}
		c.Rules[id] = r
	}
	for _, p := range c.Exclude {
		c.exclude = append(c.exclude, globRegexp(p))
	}
	for i := range c.Params {
		if len(c.Params[i].Paths) == 0 {
			return fmt.Errorf("params[%d]: needs paths", i)
		}
		for _, p := range c.Params[i].Paths {
			c.Params[i].globs = append(c.Params[i].globs, globRegexp(p))
		}
	}
	return nil
}

// globRegexp turns a glob into an anchored regular expression.
func globRegexp(glob string) *regexp.Regexp {
	glob = strings.TrimPrefix(filepath.ToSlash(glob), "./")
	var b strings.Builder
	skip := 0 // glob[:skip] is consumed
	if !strings.Contains(glob, "/") {
		b.WriteString("(?:^|.*/)") // a bare name matches at any depth
	} else {
		b.WriteString("^")
	}
	// By character, not byte: a byte of a multi-byte character quoted on
	// its own is a different character (ü would become \xc3\xbc as two
	// Latin-1 letters) and never matches.
	for i, c := range glob {
		switch {
		case i < skip:
			continue
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			skip = i + 3
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			skip = i + 2
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("(?:/.*)?$") // a folder pattern covers what is inside
	return regexp.MustCompile(b.String())
}

// rel is a file's path relative to the config folder, or "" outside it.
func (c *Config) rel(abs string) string {
	r, err := filepath.Rel(c.Dir, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(r)
}

func matchAny(globs []*regexp.Regexp, rel string) bool {
	if rel == "" {
		return false
	}
	for _, g := range globs {
		if g.MatchString(rel) {
			return true
		}
	}
	return false
}

// Excluded says whether a file (absolute path) is excluded from the scan.
func (c *Config) Excluded(abs string) bool { return matchAny(c.exclude, c.rel(abs)) }

// ParamsFor returns the parameter values the config gives a file; later
// entries override earlier ones.
func (c *Config) ParamsFor(abs string) map[string]string {
	rel := c.rel(abs)
	var out map[string]string
	for _, p := range c.Params {
		if matchAny(p.globs, rel) {
			if out == nil {
				out = map[string]string{}
			}
			for k, v := range p.Values {
				out[k] = v
			}
		}
	}
	return out
}

// ApplyRules drops disabled rules and applies level changes (on copies:
// the registry is never modified).
func (c *Config) ApplyRules(rules []*analyzer.Analyzer) []*analyzer.Analyzer {
	var out []*analyzer.Analyzer
	for _, a := range rules {
		r, ok := c.Rules[a.ID]
		if ok && r.Enabled != nil && !*r.Enabled {
			continue
		}
		if ok && r.Level != "" {
			cp := *a
			cp.Level = analyzer.Level(r.Level)
			a = &cp
		}
		out = append(out, a)
	}
	return out
}

// Suppression silences a finding the config ignores for its path; abs
// resolves the finding's file (as named in output) to an absolute path.
func (c *Config) Suppression(f analyzer.Finding, abs func(string) string) *analyzer.Suppression {
	r, ok := c.Rules[f.RuleID]
	if !ok {
		return nil
	}
	rel := c.rel(abs(f.Loc.File))
	for _, ig := range r.Ignore {
		if matchAny(ig.globs, rel) {
			return &analyzer.Suppression{Kind: "external", Justification: ig.Reason,
				Loc: graph.Location{File: c.Display, Line: ig.Line, Column: 1}}
		}
	}
	return nil
}

// describe makes decoder errors read well: "line 2: field levl not found".
func describe(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			if j := strings.Index(m, " in type "); j >= 0 {
				m = m[:j]
			}
			msgs[i] = m
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
