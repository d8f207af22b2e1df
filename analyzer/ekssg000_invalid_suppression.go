package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// InvalidSuppression is EKSSG000: the driver reports it while applying
// suppressions (it reads no graph facts, so its Run does nothing).
var InvalidSuppression = register(&Analyzer{
	ID:    "EKSSG000",
	Name:  "invalid-suppression",
	Level: LevelWarning,
	Short: "A suppression has no reason, names an unknown rule, or has expired.",
	Full: "Suppressions (`# eks-sg-lint:ignore EKSSG024 <reason>` comments, CloudFormation resource Metadata " +
		"`eks-sg-lint: {ignore: [...]}`) must name known rules and say why, so a reviewer can tell a " +
		"deliberate exception from a silenced problem. A suppression without a reason still applies; one " +
		"naming an unknown rule silences nothing. A comment may carry an expiry after the rule IDs " +
		"(`until=2027-03-31`): after that date (UTC) it silences nothing and is reported as expired.",
	Help:             "Give the suppression a reason after the rule IDs, fix any misspelt rule ID, and fix or renew an expired suppression.",
	SecuritySeverity: "4.0",
	Tags:             []string{"suppression"},
	Run:              func(*Pass) {},
})

// ApplySuppressions marks the findings that in-source suppressions (or,
// failing those, external ones from the config) cover, and returns them
// with an EKSSG000 finding for every invalid suppression.
func ApplySuppressions(fs []Finding, sups []graph.Suppression, external func(Finding) *Suppression) []Finding {
	var invalid []Finding
	report := func(s graph.Suppression, format string, args ...any) {
		// Identity: what the suppression says and what is wrong with it.
		ids := about("suppression="+strings.Join(s.Rules, ","), "reason="+s.Reason, "problem="+format)
		if len(args) > 0 {
			ids = append(ids, fmt.Sprint(args[0]))
		}
		invalid = append(invalid, Finding{RuleID: InvalidSuppression.ID, Level: InvalidSuppression.Level, Loc: s.Loc,
			Message: fmt.Sprintf(format, args...), Identity: ids})
	}
	for _, s := range sups {
		if len(s.Rules) == 0 {
			report(s, "suppression names no rule; write `eks-sg-lint:ignore EKSSG0NN <reason>`.")
			continue
		}
		for _, id := range s.Rules {
			if ByID(id) == nil {
				report(s, "suppression names unknown rule %s; known rules: %s.", id, knownIDs())
			}
		}
		if strings.TrimSpace(s.Reason) == "" {
			report(s, "suppression of %s gives no reason; add one after the rule IDs so reviewers know why.", strings.Join(s.Rules, ", "))
		}
		if s.Until != "" {
			until, err := time.Parse(time.DateOnly, s.Until)
			switch {
			case err != nil:
				report(s, "suppression of %s: until=%s is not a date (YYYY-MM-DD); it silences nothing.", strings.Join(s.Rules, ", "), s.Until)
			case Today().After(until):
				report(s, "suppression of %s expired on %s; its findings are reported again. Fix them, or renew the suppression with a later until= date.", strings.Join(s.Rules, ", "), s.Until)
			}
		}
	}
	today := Today()
	for i := range fs {
		f := &fs[i]
		for _, s := range sups {
			if s.Until != "" {
				// Valid through the date it names (UTC); a date that is not
				// one silences nothing.
				if until, err := time.Parse(time.DateOnly, s.Until); err != nil || today.After(until) {
					continue
				}
			}
			if s.File == f.Loc.File && f.Loc.Line >= s.FromLine && f.Loc.Line <= s.ToLine && contains(s.Rules, f.RuleID) {
				f.Suppression = &Suppression{Kind: s.Kind, Justification: s.Reason, Loc: s.Loc}
				break
			}
		}
		if f.Suppression == nil && external != nil {
			f.Suppression = external(*f)
		}
	}
	fs = append(fs, invalid...)
	SortFindings(fs)
	distinguishIdentities(fs)
	return fs
}

// Today is the date suppressions expire against (UTC, at midnight); a
// variable so that tests can move it.
var Today = func() time.Time {
	y, m, d := time.Now().UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func knownIDs() string {
	var ids []string
	for _, a := range registry {
		ids = append(ids, a.ID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}
