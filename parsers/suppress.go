package parsers

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ignoreRe finds `# eks-sg-lint:ignore …` in a comment: the `#` must start
// the line or follow white space, as YAML requires of comments.
var ignoreRe = regexp.MustCompile(`(?:^|[ \t])#\s*eks-sg-lint:ignore\b(.*)$`)

// ruleIDRe is what a rule ID looks like (validated later against the
// registry, so a typo is reported rather than taken as the reason).
var ruleIDRe = regexp.MustCompile(`(?i)^[a-z]+[0-9]{2,}$`)

// commentSuppressions reads `# eks-sg-lint:ignore RULE[,RULE…]
// [until=YYYY-MM-DD] reason` comments. Each covers its own line and the next (a comment on the line
// above the reported one).
func commentSuppressions(file string, data []byte) []graph.Suppression {
	if !bytes.Contains(data, []byte("eks-sg-lint:ignore")) {
		return nil
	}
	var out []graph.Suppression
	for i, line := range lines(string(data)) {
		m := ignoreRe.FindStringSubmatchIndex(line)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(line[m[2]:m[3]])
		s := graph.Suppression{Kind: "inSource", File: file, FromLine: i + 1, ToLine: i + 2,
			Loc: graph.Location{File: file, Line: i + 1, Column: utf8.RuneCountInString(line[:m[0]]) + 1}}
		if line[m[0]] != '#' {
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
		out = append(out, s)
	}
	return out
}

// lines splits text at LF, CRLF and a lone CR, the line breaks yaml.v3
// counts, so that a comment's line is the line findings use.
func lines(s string) []string {
	var out []string
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
}
