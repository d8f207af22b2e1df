package report

// JSON output (--format json)
//
// WriteJSON writes one JSON object, indented by 2 spaces and followed by a
// newline. The shape is stable: every key below is always present (lists
// are [] when empty, never null; unknown lines and columns are 0; absent
// strings are ""). Keys may be added in later versions, in which case
// "version" stays 1; a change that removes or renames a key increments it.
//
//	{
//	  "version": 1,
//	  "tool": {"name": "eks-sg-lint", "version": "1.0.0"},
//	  "findings": [
//	    {
//	      "rule": "EKSSG002",            // rule ID
//	      "level": "error",              // "error", "warning" or "note"
//	      "message": "node group ...",
//	      "file": "nodes.yaml",          // path as shown in text output
//	      "line": 42,                    // 1-based; 0 when unknown
//	      "column": 7,                   // 1-based, in Unicode code points; 0 when unknown
//	      "endLine": 42,                 // 0 when unknown
//	      "endColumn": 19,               // 0 when unknown
//	      "fingerprint": "3f2a...",      // stable ID, independent of line numbers
//	      "related": [
//	        {"file": "cluster.yaml", "line": 3, "column": 5, "message": "cluster security group"}
//	      ],
//	      "suppression": null            // or {"kind": "inSource"|"external", "justification": "..."}:
//	                                     // silenced, shown for the record, never counted in summary
//	    }
//	  ],
//	  "notifications": [
//	    // things the scan could not decide; never findings
//	    {"level": "note", "rule": "EKSSG004", "message": "...", "file": "nodes.yaml", "line": 10, "column": 3}
//	  ],
//	  "errors": [
//	    // files that could not be read or parsed (exit code 2)
//	    {"file": "broken.yaml", "line": 7, "column": 1, "message": "..."}
//	  ],
//	  "summary": {
//	    "findings": 3,           // number of findings
//	    "errors": 1,             // findings of level error
//	    "warnings": 2,           // findings of level warning
//	    "notes": 0,              // findings of level note
//	    "filesWithFindings": 2,
//	    "filesScanned": 14,
//	    "fileErrors": 1,         // length of "errors"
//	    "suppressed": 0          // findings silenced by suppressions (not in the counts above)
//	  }
//	}
//
// Findings, notifications and errors keep the order of the Report (findings
// are sorted by file, line, column, rule and message).

import (
	"encoding/json"
	"io"
)

// JSONVersion is the "version" of the JSON output shape.
const JSONVersion = 1

type jsonReport struct {
	Version       int                `json:"version"`
	Tool          jsonTool           `json:"tool"`
	Findings      []jsonFinding      `json:"findings"`
	Notifications []jsonNotification `json:"notifications"`
	Errors        []jsonFileError    `json:"errors"`
	Summary       Summary            `json:"summary"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonFinding struct {
	Rule        string           `json:"rule"`
	Level       string           `json:"level"`
	Message     string           `json:"message"`
	File        string           `json:"file"`
	Line        int              `json:"line"`
	Column      int              `json:"column"`
	EndLine     int              `json:"endLine"`
	EndColumn   int              `json:"endColumn"`
	Fingerprint string           `json:"fingerprint"`
	Related     []jsonRelated    `json:"related"`
	Suppression *jsonSuppression `json:"suppression"`
}

type jsonSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonNotification struct {
	Level   string `json:"level"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

type jsonFileError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// WriteJSON writes the report in the JSON shape documented at the top of
// this file.
func WriteJSON(w io.Writer, r *Report) error {
	out := jsonReport{
		Version:       JSONVersion,
		Tool:          jsonTool{Name: r.ToolName, Version: r.Version},
		Findings:      make([]jsonFinding, 0, len(r.Findings)),
		Notifications: make([]jsonNotification, 0, len(r.Notifications)),
		Errors:        make([]jsonFileError, 0, len(r.Errors)),
		Summary:       r.Summarize(),
	}
	for _, f := range r.Findings {
		jf := jsonFinding{
			Rule: f.RuleID, Level: string(f.Level), Message: f.Message,
			File: f.Loc.File, Line: f.Loc.Line, Column: f.Loc.Column,
			EndLine: f.Loc.EndLine, EndColumn: f.Loc.EndColumn,
			Fingerprint: f.Fingerprint(),
			Related:     make([]jsonRelated, 0, len(f.Related)),
		}
		if sup := f.Suppression; sup != nil {
			jf.Suppression = &jsonSuppression{Kind: sup.Kind, Justification: sup.Justification}
		}
		for _, rel := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{
				File: rel.Loc.File, Line: rel.Loc.Line, Column: rel.Loc.Column, Message: rel.Message,
			})
		}
		out.Findings = append(out.Findings, jf)
	}
	for _, n := range r.Notifications {
		out.Notifications = append(out.Notifications, jsonNotification{
			Level: n.Level, Rule: n.Rule, Message: n.Message,
			File: n.Loc.File, Line: n.Loc.Line, Column: n.Loc.Column,
		})
	}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, jsonFileError{
			File: e.Loc.File, Line: e.Loc.Line, Column: e.Loc.Column, Message: e.Message,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out) // Encode adds the trailing newline
}
