// Package baseline records a scan's findings by fingerprint so that a
// repository that already has findings can adopt the linter: later scans
// report only findings not in the baseline. The file is JSON, indented,
// sorted by fingerprint and free of line numbers, so it is the same across
// runs as long as the findings are:
//
//	{
//	  "version": 1,
//	  "tool": "eks-sg-lint",
//	  "findings": [
//	    {
//	      "fingerprint": "0c1f…",
//	      "rule": "EKSSG031",
//	      "file": "stacks/nodes.yaml",
//	      "message": "security group NodeSecurityGroup … allows TCP 22 (SSH) from 0.0.0.0/0 …"
//	    }
//	  ]
//	}
//
// Only the fingerprint matches (analyzer.Finding.Fingerprint: rule, file and
// the objects the finding is about); rule, file and message are there for
// people reading the file and reviewing its changes.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/regularfile"
)

// Version is the "version" this package writes and reads.
const Version = 1

// MaxSize is the largest baseline file read.
const MaxSize = 64 << 20

// Entry is one recorded finding.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Message     string `json:"message"`
	// line is where the entry is in the file read (0 when unknown), for
	// the location of the suppressions it causes.
	line int
}

// Baseline is a set of recorded findings.
type Baseline struct {
	Version  int     `json:"version"`
	Tool     string  `json:"tool"`
	Findings []Entry `json:"findings"`
}

// FromFindings records every finding that no suppression silences (those
// stay silenced by their own suppression), once per fingerprint.
func FromFindings(tool string, fs []analyzer.Finding) *Baseline {
	b := &Baseline{Version: Version, Tool: tool, Findings: []Entry{}}
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Suppression != nil {
			continue
		}
		fp := f.Fingerprint()
		if seen[fp] {
			continue
		}
		seen[fp] = true
		b.Findings = append(b.Findings, Entry{Fingerprint: fp, Rule: f.RuleID, File: f.Loc.File, Message: f.Message})
	}
	sort.Slice(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	return b
}

// Write writes the baseline as indented JSON and a final newline.
func (b *Baseline) Write(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages hold "->" and "<"; keep them readable
	if err := enc.Encode(b); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Read reads a baseline file. Errors name the file and, for bad JSON, the
// line. Only a regular file is read (internal/regularfile): a FIFO would
// block the run, a device never end.
func Read(path string) (*Baseline, error) {
	data, err := regularfile.Read(path, MaxSize)
	var pe *fs.PathError
	switch {
	case errors.Is(err, regularfile.ErrTooLarge):
		return nil, fmt.Errorf("%s: larger than %d bytes; not a baseline", path, MaxSize)
	case errors.As(err, &pe):
		return nil, err // names the file already
	case err != nil:
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse decodes a baseline; name is used in errors.
func Parse(name string, data []byte) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("%s:%d: %v", name, lineAt(data, se.Offset), se)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s:%d: %s must be %s", name, lineAt(data, te.Offset), te.Field, te.Type)
		case errors.Is(err, io.EOF):
			return nil, fmt.Errorf("%s: empty file; write one with --write-baseline", name)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if b.Version != Version {
		return nil, fmt.Errorf("%s: version %d; this eks-sg-lint reads version %d", name, b.Version, Version)
	}
	for i := range b.Findings {
		e := &b.Findings[i]
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: findings[%d] has no fingerprint", name, i)
		}
		if at := bytes.Index(data, []byte(`"`+e.Fingerprint+`"`)); at >= 0 {
			e.line = lineAt(data, int64(at))
		}
	}
	return &b, nil
}

func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// Apply silences the findings the baseline holds (as external
// suppressions located at their entry in the file named display), and
// returns the entries that matched no finding although their file was
// scanned: findings fixed since the baseline was written. Entries of files
// not scanned (pre-commit passes only staged files) are not counted.
func (b *Baseline) Apply(fs []analyzer.Finding, scanned []string, display string) (stale []Entry) {
	byFP := make(map[string]int, len(b.Findings))
	for i, e := range b.Findings {
		byFP[e.Fingerprint] = i
	}
	matched := make([]bool, len(b.Findings))
	for i := range fs {
		f := &fs[i]
		idx, ok := byFP[f.Fingerprint()]
		if !ok {
			continue
		}
		matched[idx] = true
		if f.Suppression == nil {
			f.Suppression = &analyzer.Suppression{Kind: "external",
				Justification: "in the baseline " + display,
				Loc:           graph.Location{File: display, Line: b.Findings[idx].line, Column: 1}}
			if b.Findings[idx].line == 0 {
				f.Suppression.Loc = graph.Location{File: display}
			}
		}
	}
	inScan := make(map[string]bool, len(scanned))
	for _, f := range scanned {
		inScan[f] = true
	}
	for i, e := range b.Findings {
		if !matched[i] && inScan[e.File] {
			stale = append(stale, e)
		}
	}
	return stale
}

// Describe says, in one line, how many entries no longer match.
func Describe(stale []Entry, display string) string {
	n := len(stale)
	noun := "entries no longer match"
	if n == 1 {
		noun = "entry no longer matches"
	}
	rules := map[string]bool{}
	var ids []string
	for _, e := range stale {
		if !rules[e.Rule] {
			rules[e.Rule] = true
			ids = append(ids, e.Rule)
		}
	}
	sort.Strings(ids)
	return fmt.Sprintf("%d baseline %s a finding (fixed? %s); rewrite %s with --write-baseline to drop them",
		n, noun, strings.Join(ids, ", "), display)
}
