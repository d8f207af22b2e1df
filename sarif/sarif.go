// Package sarif writes a report as SARIF 2.1.0 for GitHub code scanning and
// other SARIF consumers.
package sarif

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/internal/jsonindent"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

const (
	// SchemaURI is the $schema of the output.
	SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	// InformationURI is the tool's home page.
	InformationURI = "https://github.com/eks-sg-lint/eks-sg-lint"
	// SrcRoot is the uriBaseId of relative paths; originalUriBaseIds maps
	// it to the working directory.
	SrcRoot = "%SRCROOT%"
	// FingerprintKey is the partialFingerprints key of analyzer.Finding
	// Fingerprint values.
	FingerprintKey = "eksSgLint/v1"
)

// MaxResults is the most results GitHub code scanning accepts in one run
// (it rejects a run with more, and shows the 5,000 most severe).
const MaxResults = 25000

// maxResults is MaxResults; tests lower it.
var maxResults = MaxResults

// getwd is os.Getwd; relative paths are relative to it.
var getwd = os.Getwd

// Write writes r as a SARIF 2.1.0 log with one run, indented by 2 spaces
// and followed by a newline. Equal reports give byte-identical output (in
// the same working directory).
func Write(w io.Writer, r *report.Report) error {
	log, err := newLog(r)
	if err != nil {
		return err
	}
	return encode(w, log)
}

// newLog is the SARIF log of r.
func newLog(r *report.Report) (*gosarif.Report, error) {
	log, err := gosarif.New(gosarif.Version210)
	if err != nil {
		return nil, err
	}
	log.Schema = SchemaURI

	cwd, _ := getwd()
	paths := pathMapper{cwd: cwd}

	driver := gosarif.NewDriver(r.ToolName).WithInformationURI(InformationURI)
	if r.Version != "" {
		driver.WithVersion(r.Version)
		if sv, ok := semanticVersion(r.Version); ok {
			driver.WithSemanticVersion(sv)
		}
	}
	for _, a := range r.Rules {
		driver.AddRule(rule(a))
	}
	// A finding of a rule missing from r.Rules still gets a descriptor, so
	// that its ruleIndex is valid.
	for _, f := range r.Findings {
		if ruleIndex(driver, f.RuleID) < 0 {
			driver.AddRule(gosarif.NewRule(f.RuleID).WithDescription(f.RuleID).
				WithDefaultConfiguration(gosarif.NewReportingConfiguration().WithLevel(level(string(f.Level)))))
		}
	}

	run := gosarif.NewRun(*gosarif.NewTool(driver))
	run.WithColumnKind("unicodeCodePoints")
	run.WithAutomationDetails(gosarif.NewRunAutomationDetails().WithID(AutomationID(r.Roots)))

	// Past maxResults the most severe are kept, in the report's order.
	kept, left := keptResults(r.Findings)
	for i, f := range r.Findings {
		if !kept[i] {
			continue
		}
		res := gosarif.NewRuleResult(f.RuleID).
			WithLevel(level(string(f.Level))).
			WithMessage(gosarif.NewTextMessage(f.Message)).
			WithPartialFingerPrints(map[string]any{FingerprintKey: f.Fingerprint()})
		if pl := paths.physical(f.Loc); pl != nil {
			res.AddLocation(gosarif.NewLocationWithPhysicalLocation(pl))
		}
		for i, rel := range f.Related {
			loc := gosarif.NewLocation().WithId(i + 1).WithDescriptionText(rel.Message)
			if pl := paths.physical(rel.Loc); pl != nil {
				loc.WithPhysicalLocation(pl)
			}
			res.AddRelatedLocation(loc)
		}
		if sup := f.Suppression; sup != nil {
			// Shown as dismissed in code scanning, not lost.
			// go-sarif writes every field, so guid and location must be
			// valid values rather than null (the schema rejects null).
			s := gosarif.NewSuppression(sup.Kind).WithStatus("accepted").
				WithJustifcation(sup.Justification).WithGuid(stableGUID(f.Fingerprint() + sup.Kind))
			at := sup.Loc
			if at.IsZero() {
				at = f.Loc // an external suppression without a position
			}
			if pl := paths.physical(at); pl != nil {
				s.WithLocation(gosarif.NewLocationWithPhysicalLocation(pl))
			} else {
				s.WithLocation(gosarif.NewLocation())
			}
			res.AddSuppression(s)
		}
		// AddResult sets ruleIndex from the driver's rules.
		run.AddResult(res)
	}

	inv := gosarif.NewInvocation().WithExecutionSuccess(len(r.Errors) == 0)
	if left.Total() > 0 {
		inv.AddTToolExecutionNotification(gosarif.NewNotification().WithLevel("warning").WithTextMessage(
			fmt.Sprintf("%s are not in this SARIF run: GitHub code scanning accepts at most %d results per run, "+
				"so the %d most severe were kept. eks-sg-lint --format json lists every finding.",
				left, maxResults, maxResults)))
	}
	for _, e := range r.Errors {
		n := gosarif.NewNotification().WithLevel("error").WithTextMessage(e.Message)
		if pl := paths.physical(e.Loc); pl != nil {
			n.AddLocation(gosarif.NewLocationWithPhysicalLocation(pl))
		}
		inv.AddTToolExecutionNotification(n)
	}
	for _, nt := range r.Notifications {
		n := gosarif.NewNotification().WithLevel(level(nt.Level)).WithTextMessage(nt.Message)
		if nt.Rule != "" {
			ref := gosarif.NewReportingDescriptorReference().WithId(nt.Rule)
			if i := ruleIndex(driver, nt.Rule); i >= 0 {
				ref.WithIndex(i)
			}
			n.WithAssociatedRule(ref)
		}
		if pl := paths.physical(nt.Loc); pl != nil {
			n.AddLocation(gosarif.NewLocationWithPhysicalLocation(pl))
		}
		inv.AddTToolExecutionNotification(n)
	}
	run.AddInvocations(inv)

	if cwd != "" {
		run.WithOriginalUriBaseIds(map[string]*gosarif.ArtifactLocation{
			SrcRoot: gosarif.NewSimpleArtifactLocation(dirURI(cwd)),
		})
	}
	log.AddRun(run)
	return log, nil
}

// encode writes log as JSON indented by 2 spaces, followed by a newline:
// the bytes of an Encoder with SetIndent("", "  "), whose re-indenting
// pass over the whole document took most of the time of writing SARIF.
// go-sarif's PrettyWrite escapes <, > and & and adds no final newline;
// the same structures are encoded with an Encoder instead.
func encode(w io.Writer, log *gosarif.Report) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return err
	}
	return jsonindent.Write(w, compact.Bytes(), "  ")
}

// keptResults marks the findings that go into the run: all of them, or
// the maxResults most severe (report.MostSevereFirst); left counts the
// others.
func keptResults(findings []analyzer.Finding) (kept []bool, left report.LeftOut) {
	kept = make([]bool, len(findings))
	for n, i := range report.MostSevereFirst(findings) {
		if n < maxResults {
			kept[i] = true
		} else {
			left.Add(findings[i])
		}
	}
	return kept, left
}

// AutomationID is the run's automationDetails.id, which code scanning
// uses as the analysis category: alerts of one category are closed when a
// later upload of that category no longer has them, so the id must be the
// same for every scan of the same paths and differ between scans of
// different paths (two workflows scanning two folders). It is
// "eks-sg-lint/" followed by the scanned paths, as given and named in
// output ("." for the working directory), sorted and joined with ",", and
// a final "/" (the whole id is the category; SARIF's run part is empty).
// Paths that make it longer than 200 characters are replaced by a hash.
// The upload action's `category` input overrides it.
func AutomationID(roots []string) string {
	rs := append([]string(nil), roots...)
	if len(rs) == 0 {
		rs = []string{"."}
	}
	sort.Strings(rs)
	rs = slices.Compact(rs)
	joined := strings.Join(rs, ",")
	if len(joined) > 200 || strings.ContainsFunc(joined, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		h := sha256.Sum256([]byte(strings.Join(rs, "\x00")))
		joined = "paths-" + hex.EncodeToString(h[:8])
	}
	return "eks-sg-lint/" + joined + "/"
}

// rule is the reportingDescriptor of a rule.
func rule(a *analyzer.Analyzer) *gosarif.ReportingDescriptor {
	short := a.Short
	if short == "" {
		short = a.Name
	}
	if short == "" {
		short = a.ID
	}
	d := gosarif.NewRule(a.ID).WithDescription(short)
	if a.Name != "" {
		d.WithName(a.Name)
	}
	if a.Full != "" {
		d.WithFullDescription(gosarif.NewMultiformatMessageString(a.Full))
	}
	if a.Help != "" {
		// help.text is the rule's one-paragraph Help; help.markdown is the
		// rule's page (docs/rules/<ID>.md), the same text `eks-sg-lint
		// explain` prints and helpUri points at. SARIF requires text
		// whenever help is present, so a rule without Help has neither.
		md, ok := docs.Rule(a.ID)
		if !ok {
			md = a.Help
		}
		d.WithTextHelp(a.Help).WithMarkdownHelp(md)
	}
	d.WithHelpURI(a.HelpURI())
	d.WithDefaultConfiguration(gosarif.NewReportingConfiguration().WithLevel(level(string(a.Level))))
	tags := make([]string, 0, len(a.Tags)+1)
	seen := map[string]bool{}
	for _, t := range append(append([]string(nil), a.Tags...), "security") {
		if !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	props := gosarif.Properties{"tags": tags}
	if a.SecuritySeverity != "" {
		props["security-severity"] = a.SecuritySeverity
	}
	d.WithProperties(props)
	return d
}

func ruleIndex(driver *gosarif.ToolComponent, id string) int {
	for i, d := range driver.Rules {
		if d.ID == id {
			return i
		}
	}
	return -1
}

// level maps a level to a SARIF level; anything unknown is "warning", the
// SARIF default.
func level(l string) string {
	switch l {
	case "error", "warning", "note", "none":
		return l
	}
	return "warning"
}

// semverRE is SemVer 2.0.0 (https://semver.org), with an optional "v".
var semverRE = regexp.MustCompile(`^v?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)$`)

// semanticVersion returns v without its "v" prefix when it is a semantic
// version.
func semanticVersion(v string) (string, bool) {
	m := semverRE.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// pathMapper turns display paths into artifact locations.
type pathMapper struct{ cwd string }

// physical is the physicalLocation of loc, nil without a file. The region
// is left out when the line is unknown; endLine defaults to startLine and
// endColumn is left out when unknown.
func (p pathMapper) physical(loc graph.Location) *gosarif.PhysicalLocation {
	if loc.File == "" {
		return nil
	}
	pl := gosarif.NewPhysicalLocation().WithArtifactLocation(p.artifact(loc.File))
	if loc.Line > 0 {
		reg := gosarif.NewRegion().WithStartLine(loc.Line)
		if loc.Column > 0 {
			reg.WithStartColumn(loc.Column)
		}
		end := loc.EndLine
		if end < loc.Line {
			end = loc.Line
		}
		reg.WithEndLine(end)
		if loc.EndColumn > 0 && (end > loc.Line || loc.EndColumn >= loc.Column) {
			reg.WithEndColumn(loc.EndColumn)
		}
		pl.WithRegion(reg)
	}
	return pl
}

// artifact is a relative URI against %SRCROOT% for a path inside the
// working directory, or an absolute file:// URI.
func (p pathMapper) artifact(file string) *gosarif.ArtifactLocation {
	if strings.HasPrefix(file, "https://") {
		// a module's own file at its release tag (graph.Origin); no path
		// of a scanned file starts so (cleaned paths hold no "//")
		return gosarif.NewSimpleArtifactLocation(file)
	}
	if isAbs(file) {
		return gosarif.NewSimpleArtifactLocation(fileURI(file))
	}
	rel := filepath.ToSlash(file)
	rel = strings.TrimPrefix(rel, "./")
	if rel == ".." || strings.HasPrefix(rel, "../") {
		// Outside the working directory: not under %SRCROOT%.
		if p.cwd != "" {
			return gosarif.NewSimpleArtifactLocation(fileURI(filepath.Join(p.cwd, filepath.FromSlash(rel))))
		}
		return gosarif.NewSimpleArtifactLocation(escapePath(rel))
	}
	return gosarif.NewSimpleArtifactLocation(escapePath(rel)).WithUriBaseId(SrcRoot)
}

// isAbs reports whether file is absolute on this system or is a Windows
// drive path (reports may be written on another system than scanned).
func isAbs(file string) bool {
	if filepath.IsAbs(file) || strings.HasPrefix(file, "/") {
		return true
	}
	return len(file) >= 3 && isLetter(file[0]) && file[1] == ':' && (file[2] == '/' || file[2] == '\\')
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// escapePath percent-encodes a relative slash-separated path as a URI
// reference: each segment is escaped as a URL path segment, and ':' too, so
// that a first segment is never taken for a scheme.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// fileURI is the file:// URI of an absolute path.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		// A Windows drive path: C:\x -> /C:/x.
		p = "/" + strings.ReplaceAll(p, `\`, "/")
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String()
}

// dirURI is the file:// URI of a directory, ending in '/'.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// stableGUID derives a UUID (version 5 layout) from a string, so the same
// suppressed finding keeps the same GUID across runs.
func stableGUID(s string) string {
	h := sha256.Sum256([]byte(s))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
