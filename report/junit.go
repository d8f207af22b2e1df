package report

// JUnit XML (--format junit)
//
// WriteJUnit writes the test-report XML that GitLab (artifacts:reports:
// junit), Jenkins, Azure DevOps and CircleCI show as test results: one
// <testsuite> per scanned file, named by its path, and in it one
// <testcase> per finding, named "RULE path:line:col", whose <failure>
// (type = level) holds the message and the rule's page. A file without
// findings has one passing test case, "eks-sg-lint", so every scanned file
// is counted; a file that could not be read or parsed has one test case
// with an <error>. Suppressed (and baselined) findings are <skipped> test
// cases, with the justification. Order is the report's (files sorted,
// findings by line).
//
//	<testsuites name="eks-sg-lint" tests="3" failures="1" errors="0" skipped="1">
//	  <testsuite name="stacks/nodes.yaml" tests="2" failures="1" errors="0" skipped="1">
//	    <testcase classname="stacks/nodes.yaml" name="EKSSG031 stacks/nodes.yaml:55:11" file="stacks/nodes.yaml" line="55">
//	      <failure type="warning" message="security group …">…</failure>
//	    </testcase>
//	    …
//
// encoding/xml escapes markup and replaces characters XML cannot hold.

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes JUnit XML with an XML declaration and a final newline.
func WriteJUnit(w io.Writer, r *Report) error {
	suites := map[string]*junitSuite{}
	var order []string
	suite := func(file string) *junitSuite {
		if s, ok := suites[file]; ok {
			return s
		}
		s := &junitSuite{Name: file}
		suites[file] = s
		order = append(order, file)
		return s
	}
	for _, f := range r.Files {
		suite(f)
	}
	for _, f := range r.Findings {
		s := suite(f.Loc.File)
		c := junitCase{ClassName: f.Loc.File, Name: f.RuleID + " " + f.Loc.String(), File: f.Loc.File, Line: f.Loc.Line}
		if f.Suppression != nil {
			c.Skipped = &junitSkipped{Message: "suppressed (" + f.Suppression.Kind + "): " + f.Suppression.Justification}
			s.Skipped++
		} else {
			c.Failure = &junitProblem{Type: string(f.Level), Message: f.Message, Text: junitDetail(f)}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	for _, e := range r.Errors {
		s := suite(e.Loc.File)
		s.Cases = append(s.Cases, junitCase{ClassName: e.Loc.File, Name: "eks-sg-lint " + e.Loc.String(), File: e.Loc.File, Line: e.Loc.Line,
			Error: &junitProblem{Type: "file-error", Message: e.Message, Text: e.Loc.String() + ": " + e.Message}})
		s.Errors++
	}
	out := junitSuites{Name: "eks-sg-lint", Suites: []junitSuite{}}
	for _, name := range order {
		s := suites[name]
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitCase{ClassName: name, Name: "eks-sg-lint", File: name})
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitDetail is a failure's body: where, the message, related locations
// and the rule's page.
func junitDetail(f analyzer.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s %s\n", f.Loc, f.Level, f.RuleID, f.Message)
	for _, rel := range f.Related {
		fmt.Fprintf(&b, "    %s: %s\n", rel.Loc, rel.Message)
	}
	if a := analyzer.ByID(f.RuleID); a != nil {
		fmt.Fprintf(&b, "See %s\n", a.HelpURI())
	}
	return b.String()
}
