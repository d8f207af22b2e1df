// Package analyzer holds the rule registry and one file per rule. A rule is
// a value (ID, name, level, docs, Run); the driver that runs them is Run.
// Rules read the graph only: they never parse.
package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// Level is a SARIF result level.
type Level string

const (
	LevelError   Level = "error"
	LevelWarning Level = "warning"
	LevelNote    Level = "note"
)

// Rank orders levels: error 3, warning 2, note 1.
func (l Level) Rank() int {
	switch l {
	case LevelError:
		return 3
	case LevelWarning:
		return 2
	case LevelNote:
		return 1
	}
	return 0
}

// SeverityBand is the range of security-severity scores that agrees with a
// level, as GitHub code scanning names the scores: error is high (7.0-8.9),
// warning medium (4.0-6.9), note low (0.1-3.9).
func SeverityBand(l Level) (low, high float64) {
	switch l {
	case LevelError:
		return 7.0, 8.9
	case LevelWarning:
		return 4.0, 6.9
	}
	return 0.1, 3.9
}

// Analyzer is one rule of RULES.md.
type Analyzer struct {
	ID    string
	Name  string
	Level Level
	// Short is one sentence; Full says what is proven; Help says how to fix.
	Short, Full, Help string
	// SecuritySeverity is GitHub code scanning's 0.0-10.0 score. It lies
	// in the band of the rule's level (SeverityBand), so code scanning
	// never ranks a warning above an error.
	SecuritySeverity string
	Tags             []string
	Run              func(*Pass)
}

// HelpURI is the rule's documentation page.
func (a *Analyzer) HelpURI() string {
	return "https://github.com/eks-sg-lint/eks-sg-lint/blob/main/docs/rules/" + a.ID + ".md"
}

// Related is a secondary location of a finding.
type Related struct {
	Loc     graph.Location `json:"location"`
	Message string         `json:"message"`
}

// Finding is a proven violation of a rule.
type Finding struct {
	RuleID  string         `json:"rule"`
	Level   Level          `json:"level"`
	Message string         `json:"message"`
	Loc     graph.Location `json:"location"`
	Related []Related      `json:"related,omitempty"`
	// Identity names the objects the finding is about (groups by key,
	// rules by what they permit, clusters and node groups by key), never
	// lines, message text or what else was scanned: Fingerprint hashes it
	// (RULES.md, "Finding identity"). The rule that reports sets it.
	Identity []string `json:"-"`
	// Suppression is set when an in-source comment, resource Metadata or
	// the config file silences the finding: it stays in SARIF as
	// dismissed and never counts towards --fail-on.
	Suppression *Suppression `json:"suppression,omitempty"`
}

// Suppression says how a finding was silenced.
type Suppression struct {
	// Kind is "inSource" or "external" (SARIF's kinds).
	Kind          string         `json:"kind"`
	Justification string         `json:"justification"`
	Loc           graph.Location `json:"location"`
}

// Fingerprint is the finding's identity for code scanning and baselines:
// its rule, its file and the objects it is about. Moving lines, rewording
// the message, adding an unrelated node group or scanning the file with
// others leaves it unchanged. A finding built without an identity (outside
// the rules) falls back to its message.
func (f Finding) Fingerprint() string {
	h := sha256.New()
	h.Write([]byte(f.RuleID + "\x00" + f.Loc.File))
	if len(f.Identity) == 0 {
		h.Write([]byte("\x00message\x00" + f.Message))
	}
	for _, part := range f.Identity {
		h.Write([]byte("\x00" + part))
	}
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:16])
}

// Pass is what a rule sees while it runs.
type Pass struct {
	Graph    *graph.Graph
	Analyzer *Analyzer
	findings []Finding
	notes    []graph.Notification
}

// Reportf records a finding about the objects named by about (see
// Finding.Identity; build it with the identity helpers) at loc.
func (p *Pass) Reportf(about []string, loc graph.Location, related []Related, format string, args ...any) {
	if o := loc.Origin; o != nil {
		related = append(related[:len(related):len(related)], Related{Loc: graph.Location{File: o.File, Line: o.Line},
			Message: "where the module creates this (" + o.What + ")"})
	}
	p.findings = append(p.findings, Finding{
		RuleID: p.Analyzer.ID, Level: p.Analyzer.Level, Loc: loc, Related: related,
		Message: fmt.Sprintf(format, args...), Identity: about,
	})
}

// Skipf records that the rule could not decide something (a notification,
// never a finding).
func (p *Pass) Skipf(loc graph.Location, format string, args ...any) {
	p.notes = append(p.notes, graph.Notification{
		Level: "note", Rule: p.Analyzer.ID, Loc: loc, Message: fmt.Sprintf(format, args...),
	})
}

var registry []*Analyzer

// register adds a rule; each rule file calls it from init.
func register(a *Analyzer) *Analyzer {
	registry = append(registry, a)
	return a
}

// All returns every rule, ordered by ID.
func All() []*Analyzer {
	out := append([]*Analyzer(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID finds a rule.
func ByID(id string) *Analyzer {
	for _, a := range registry {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// parallelMinObjects is the size of graph (groups and node groups) from
// which the rules run in parallel: below it, starting goroutines costs more
// than the rules (a single template takes microseconds).
var parallelMinObjects = 500

// Run applies the rules to the graph. A rule that panics is reported as an
// internal error notification and the others still run. Rules only read the
// graph, so on a large graph they run in parallel (GOMAXPROCS at a time);
// their results are gathered in rule order, so the output does not depend
// on scheduling.
func Run(g *graph.Graph, rules []*Analyzer) ([]Finding, []graph.Notification) {
	passes := make([]*Pass, len(rules))
	for i, a := range rules {
		passes[i] = &Pass{Graph: g, Analyzer: a}
	}
	if len(g.SGs)+len(g.NodeGroups) < parallelMinObjects {
		for _, p := range passes {
			p.run()
		}
	} else {
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, p := range passes {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				p.run()
			}()
		}
		wg.Wait()
	}
	var findings []Finding
	var notes []graph.Notification
	for _, p := range passes {
		findings = append(findings, p.findings...)
		notes = append(notes, p.notes...)
	}
	SortFindings(findings)
	distinguishIdentities(findings)
	return findings, notes
}

// distinguishIdentities numbers findings of one rule and file that are
// about the same objects (two sites of one fix, say), in report order, so
// that no two share a fingerprint.
func distinguishIdentities(fs []Finding) {
	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		fp := f.Fingerprint()
		seen[fp]++
		if n := seen[fp]; n > 1 {
			f.Identity = append(f.Identity[:len(f.Identity):len(f.Identity)], "occurrence="+strconv.Itoa(n))
		}
	}
}

// run runs the pass's rule, turning a panic into an error notification.
func (p *Pass) run() {
	defer func() {
		if r := recover(); r != nil {
			p.notes = append(p.notes, graph.Notification{Level: "error", Rule: p.Analyzer.ID,
				Message: fmt.Sprintf("internal error in rule %s: %v", p.Analyzer.ID, r)})
		}
	}()
	p.Analyzer.Run(p)
}

// SortFindings orders findings by file, line, column, rule and message.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Loc != b.Loc {
			return a.Loc.Less(b.Loc)
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}
