package report

// Checkstyle XML (--format checkstyle), which reviewdog and many CI
// plug-ins read:
//
//	<checkstyle version="4.3">
//	  <file name="stacks/nodes.yaml">
//	    <error line="55" column="11" severity="warning" message="…" source="eks-sg-lint.EKSSG031"></error>
//	  </file>
//	</checkstyle>
//
// One <file> per file with findings or a file error, in the report's
// order; severity is error, warning or info (for note). Suppressed (and
// baselined) findings are left out; a file error has source
// "eks-sg-lint.file-error". Unknown lines and columns are left out.

import (
	"encoding/xml"
	"io"
)

type checkstyleRoot struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// WriteCheckstyle writes Checkstyle XML with an XML declaration and a
// final newline.
func WriteCheckstyle(w io.Writer, r *Report) error {
	var files []checkstyleFile
	index := map[string]int{}
	add := func(file string, e checkstyleError) {
		i, ok := index[file]
		if !ok {
			i = len(files)
			index[file] = i
			files = append(files, checkstyleFile{Name: file})
		}
		files[i].Errors = append(files[i].Errors, e)
	}
	for _, f := range r.Findings {
		if f.Suppression != nil {
			continue
		}
		sev := string(f.Level)
		if sev == "note" {
			sev = "info"
		}
		add(f.Loc.File, checkstyleError{Line: f.Loc.Line, Column: f.Loc.Column, Severity: sev, Message: f.Message, Source: "eks-sg-lint." + f.RuleID})
	}
	for _, e := range r.Errors {
		add(e.Loc.File, checkstyleError{Line: e.Loc.Line, Column: e.Loc.Column, Severity: "error", Message: e.Message, Source: "eks-sg-lint.file-error"})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(checkstyleRoot{Version: "4.3", Files: files}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
