// Package graph is the model every parser writes and every rule reads:
// clusters, node groups, security groups, their rules, tags and attachments,
// each with the source location it came from.
package graph

import "fmt"

// Location is a position in a scanned file. Lines and columns are 1-based;
// columns count Unicode code points (as the yaml node tree does).
type Location struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine,omitempty"`
	EndColumn int    `json:"endColumn,omitempty"`
	// Origin is where the fact was really written when the location is a
	// stand-in: a Terraform module modelled from built-in knowledge (or
	// read from .terraform/modules) is located at the caller's `module`
	// argument or block, its own file and line kept here. A finding at
	// such a location lists the origin as a related location.
	Origin *Origin `json:"-"`
}

// Origin is a module's own file and line behind a stand-in location.
type Origin struct {
	File string
	Line int
	// What says what the file is ("terraform-aws-modules/eks/aws v20.37.2, modelled").
	What string
}

// IsZero reports whether no position is known.
func (l Location) IsZero() bool { return l.File == "" && l.Line == 0 }

func (l Location) String() string {
	switch {
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Less orders locations by file, line and column.
func (l Location) Less(o Location) bool {
	if l.File != o.File {
		return l.File < o.File
	}
	if l.Line != o.Line {
		return l.Line < o.Line
	}
	return l.Column < o.Column
}

// Tri is a three-valued truth: facts the files do not settle are Unknown.
type Tri int8

const (
	Unknown Tri = iota
	Yes
	No
)

func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	}
	return "unknown"
}

// TriOf converts a bool.
func TriOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// And is Kleene conjunction.
func (t Tri) And(o Tri) Tri {
	if t == No || o == No {
		return No
	}
	if t == Yes && o == Yes {
		return Yes
	}
	return Unknown
}

// Or is Kleene disjunction.
func (t Tri) Or(o Tri) Tri {
	if t == Yes || o == Yes {
		return Yes
	}
	if t == No && o == No {
		return No
	}
	return Unknown
}

// Not is Kleene negation.
func (t Tri) Not() Tri {
	switch t {
	case Yes:
		return No
	case No:
		return Yes
	}
	return Unknown
}
