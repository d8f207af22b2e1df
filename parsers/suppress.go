package parsers

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// ignoreRe finds `# eks-sg-lint:ignore …` in a comment's text (which
// starts with '#'); a further '#' inside the comment may start it too.
var ignoreRe = regexp.MustCompile(`(?:^|[ \t])#\s*eks-sg-lint:ignore\b(.*)$`)

// ruleIDRe is what a rule ID looks like (validated later against the
// registry, so a typo is reported rather than taken as the reason).
var ruleIDRe = regexp.MustCompile(`(?i)^[a-z]+[0-9]{2,}$`)

const ignoreMarker = "eks-sg-lint:ignore"

// commentSuppressions reads `# eks-sg-lint:ignore RULE[,RULE…]
// [until=YYYY-MM-DD] reason` from the real comments of a YAML file: yamltree.Comments takes them from
// the node tree, so the marker inside a quoted string or a block scalar (a
// security-group description anyone with EC2 rights can set) suppresses
// nothing. Each covers its own line and the next (a comment on the line
// above the reported one). A marker in a comment the YAML parser did not
// keep is ignored with a warning rather than silently.
func commentSuppressions(file string, data []byte, docs []*yaml.Node) ([]graph.Suppression, []graph.Notification) {
	if !bytes.Contains(data, []byte(ignoreMarker)) {
		return nil, nil
	}
	kept, lost := yamltree.Comments(data, docs)
	var out []graph.Suppression
	for _, c := range kept {
		if s, ok := parseIgnore(file, c); ok {
			out = append(out, s)
		}
	}
	var notes []graph.Notification
	for _, c := range lost {
		if _, ok := parseIgnore(file, c); ok {
			notes = append(notes, graph.Notification{Level: "warning",
				Loc: graph.Location{File: file, Line: c.Line, Column: c.Column},
				Message: "eks-sg-lint:ignore comment ignored: the YAML parser keeps no comment at this place; " +
					"put it on its own line above the reported line"})
		}
	}
	return out, notes
}

// parseIgnore reads one comment; ok is false when it holds no marker.
func parseIgnore(file string, c yamltree.Comment) (graph.Suppression, bool) {
	m := ignoreRe.FindStringSubmatchIndex(c.Text)
	if m == nil {
		return graph.Suppression{}, false
	}
	text := c.Text
	rest := strings.TrimSpace(text[m[2]:m[3]])
	s := graph.Suppression{Kind: "inSource", File: file, FromLine: c.Line, ToLine: c.Line + 1,
		Loc: graph.Location{File: file, Line: c.Line, Column: c.Column + utf8.RuneCountInString(text[:m[0]])}}
	if text[m[0]] != '#' {
		s.Loc.Column++ // the match starts at the white space before '#'
	}
	for rest != "" {
		word, after, _ := strings.Cut(rest, " ")
		ids := strings.Split(strings.TrimSuffix(word, ","), ",")
		allIDs := true
		for _, id := range ids {
			if !ruleIDRe.MatchString(id) {
				allIDs = false
			}
		}
		if !allIDs {
			break
		}
		for _, id := range ids {
			s.Rules = append(s.Rules, strings.ToUpper(id))
		}
		rest = strings.TrimSpace(after)
	}
	// An expiry may follow the IDs: `until=2027-03-31`.
	if word, after, _ := strings.Cut(rest, " "); strings.HasPrefix(word, "until=") {
		s.Until = strings.TrimPrefix(word, "until=")
		rest = strings.TrimSpace(after)
	}
	// A further comment on the line is not part of the reason.
	if i := strings.Index(" "+rest, " #"); i >= 0 {
		rest = rest[:max(i-1, 0)]
	}
	s.Reason = strings.TrimSpace(rest)
	return s, true
}
