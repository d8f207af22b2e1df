package report

// GitLab Code Quality (--format gitlab)
//
// WriteGitLab writes the JSON array GitLab reads from a job's
// artifacts:reports:codequality file and shows in merge requests. GitLab
// documents the fields it reads (doc/ci/testing/code_quality.md,
// "Implement a custom tool"; a JSON Schema transcribed from that table is
// testdata/gitlab-code-quality-schema.json, which the tests validate
// against):
//
//	[
//	  {
//	    "type": "issue",
//	    "check_name": "EKSSG031",
//	    "description": "security group NodeSecurityGroup … allows TCP 22 (SSH) from 0.0.0.0/0 …",
//	    "categories": ["Security"],
//	    "fingerprint": "3f2a…",           // the finding's stable fingerprint
//	    "severity": "major",              // error → critical, warning → major, note → minor
//	    "location": {"path": "stacks/nodes.yaml", "lines": {"begin": 55, "end": 55}}
//	  }
//	]
//
// Suppressed (and baselined) findings are left out: GitLab has no notion of
// a dismissed finding. A file that could not be read or parsed is an issue
// with check_name "file-error" and severity "blocker". An unknown line is
// written as 1 (GitLab requires a line). No finding is "[]".

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
)

type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Categories  []string       `json:"categories"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

// gitlabSeverity maps a level to GitLab's scale (info, minor, major,
// critical, blocker); blocker is kept for files that could not be read.
func gitlabSeverity(l analyzer.Level) string {
	switch l {
	case analyzer.LevelError:
		return "critical"
	case analyzer.LevelWarning:
		return "major"
	}
	return "minor"
}

// WriteGitLab writes GitLab Code Quality JSON, indented, with a final
// newline.
func WriteGitLab(w io.Writer, r *Report) error {
	issues := []gitlabIssue{}
	for _, f := range r.Findings {
		if f.Suppression != nil {
			continue
		}
		begin := max(f.Loc.Line, 1)
		issues = append(issues, gitlabIssue{Type: "issue", CheckName: f.RuleID, Description: f.Message,
			Categories: []string{"Security"}, Fingerprint: f.Fingerprint(), Severity: gitlabSeverity(f.Level),
			Location: gitlabLocation{Path: f.Loc.File, Lines: gitlabLines{Begin: begin, End: max(f.Loc.EndLine, begin)}}})
	}
	for _, e := range r.Errors {
		sum := sha256.Sum256([]byte("file-error\x00" + e.Loc.File + "\x00" + e.Message))
		begin := max(e.Loc.Line, 1)
		issues = append(issues, gitlabIssue{Type: "issue", CheckName: "file-error", Description: e.Message,
			Categories: []string{"Bug Risk"}, Fingerprint: hex.EncodeToString(sum[:16]), Severity: "blocker",
			Location: gitlabLocation{Path: e.Loc.File, Lines: gitlabLines{Begin: begin, End: begin}}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}
