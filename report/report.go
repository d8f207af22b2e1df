// Package report is the result of a scan, as every output format sees it,
// and the text and JSON writers. (SARIF lives in package sarif.)
package report

import (
	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// FileError is a file that could not be read or parsed. Any such error
// makes the exit code 2; the other files are still reported.
type FileError struct {
	Loc     graph.Location `json:"location"`
	Message string         `json:"message"`
}

// Report is everything one scan produced.
type Report struct {
	ToolName string
	Version  string
	// Rules are the rules that ran (SARIF lists their metadata).
	Rules         []*analyzer.Analyzer
	Findings      []analyzer.Finding
	Notifications []graph.Notification
	Errors        []FileError
	// Files are the files scanned, as named in output.
	Files []string
	// Roots are the paths the scan was given (files or folders), as named
	// in output; SARIF derives its automationDetails id from them.
	Roots []string
	// Graph is the linked model (for diagrams); nil when not scanned.
	Graph *graph.Graph
}

// Summary counts findings by level and files.
type Summary struct {
	Findings          int `json:"findings"`
	Errors            int `json:"errors"`
	Warnings          int `json:"warnings"`
	Notes             int `json:"notes"`
	FilesWithFindings int `json:"filesWithFindings"`
	FilesScanned      int `json:"filesScanned"`
	FileErrors        int `json:"fileErrors"`
	Suppressed        int `json:"suppressed"`
}

// Summarize counts the report.
func (r *Report) Summarize() Summary {
	s := Summary{FilesScanned: len(r.Files), FileErrors: len(r.Errors)}
	files := map[string]bool{}
	for _, f := range r.Findings {
		if f.Suppression != nil {
			s.Suppressed++
			continue
		}
		s.Findings++
		files[f.Loc.File] = true
		switch f.Level {
		case analyzer.LevelError:
			s.Errors++
		case analyzer.LevelWarning:
			s.Warnings++
		default:
			s.Notes++
		}
	}
	s.FilesWithFindings = len(files)
	return s
}
