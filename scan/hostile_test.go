package scan

// Hostile and broken input through the whole driver (scan.Run): every case
// is scanned together with a well-formed companion template, and must give
// a clear, positioned message for the broken file, keep every result of the
// companion, never panic, and finish in bounded time and memory.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// hostileDeadline is generous: it turns a hang or an exponential blow-up
// into a failure instead of a stuck test run; it is not a speed assertion.
const hostileDeadline = 2 * time.Minute

// scanWithin runs Run and fails the test if it does not return before the
// deadline (the scan goroutine is abandoned).
func scanWithin(t *testing.T, paths []string, opts Options) *report.Report {
	t.Helper()
	done := make(chan *report.Report, 1)
	panicked := make(chan any, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				panicked <- r
			}
		}()
		done <- Run(paths, opts)
	}()
	timer := time.NewTimer(hostileDeadline)
	defer timer.Stop()
	select {
	case rep := <-done:
		return rep
	case r := <-panicked:
		t.Fatalf("scan.Run panicked: %v", r)
	case <-timer.C:
		t.Fatalf("scan.Run did not return within %v", hostileDeadline)
	}
	return nil
}

// companion is scanned next to every hostile file: its one finding (EKSSG026
// on line 14) must survive whatever happens to the other file.
const companion = "companion.yaml"

func checkCompanion(t *testing.T, rep *report.Report) {
	t.Helper()
	found := false
	for _, f := range rep.Findings {
		if f.Loc.File == companion {
			if f.RuleID != "EKSSG026" || f.Loc.Line != 14 {
				t.Errorf("companion: unexpected finding %s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("companion: its EKSSG026 finding is gone")
	}
	for _, e := range rep.Errors {
		if e.Loc.File == companion {
			t.Errorf("companion: error %s: %s", e.Loc, e.Message)
		}
	}
	listed := false
	for _, f := range rep.Files {
		listed = listed || f == companion
	}
	if !listed {
		t.Errorf("companion not in the files scanned: %v", rep.Files)
	}
}

// checkSane holds for every report: no internal error (a recovered panic),
// every error names a file and says something, every location that has a
// line has a file.
func checkSane(t *testing.T, rep *report.Report) {
	t.Helper()
	for _, e := range rep.Errors {
		if strings.Contains(e.Message, "internal error") {
			t.Errorf("internal error: %s: %s", e.Loc, e.Message)
		}
		if e.Loc.File == "" || strings.TrimSpace(e.Message) == "" {
			t.Errorf("error without a file or a message: %+v", e)
		}
		if e.Loc.Line < 0 || e.Loc.Column < 0 {
			t.Errorf("error with a negative position: %+v", e)
		}
	}
	for _, n := range rep.Notifications {
		if strings.Contains(n.Message, "internal error") || n.Level == "error" {
			t.Errorf("internal error notification: %s: [%s] %s", n.Loc, n.Rule, n.Message)
		}
		if n.Loc.Line > 0 && n.Loc.File == "" {
			t.Errorf("notification with a line but no file: %+v", n)
		}
	}
	for _, f := range rep.Findings {
		if f.Loc.File == "" || f.Loc.Line <= 0 {
			t.Errorf("finding without a position: %+v", f)
		}
	}
}

// hostile is one broken input.
type hostile struct {
	name string
	file string // base name; the extension matters for walking, not parsing
	data string
	// err is a regexp the file's one error must match; "" means the file
	// must not be an error.
	err string
	// line is where the error must be: 0 means any line ≥ 1 (the input has
	// positions), -1 means no line (e.g. an unreadable file).
	line int
	// findings are findings of the file that must be present, as
	// "LINE RULE"; absent are ones that must not be.
	findings, absent []string
	// notes are regexps that some notification about the file must match.
	notes []string
	// check, when set, inspects the report further.
	check func(t *testing.T, rep *report.Report)
	// long cases are skipped with -short.
	long bool
}

func (h hostile) fileName() string {
	if h.file != "" {
		return h.file
	}
	return "hostile.yaml"
}

// runHostile scans each case's file together with the companion, both named
// on the command line.
func runHostile(t *testing.T, cases []hostile) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, companion), tagged)
			name := c.fileName()
			write(t, filepath.Join(dir, name), c.data)
			rep := scanWithin(t, []string{companion, name}, Options{WorkDir: dir})
			checkHostile(t, c, rep)
		})
	}
}

func checkHostile(t *testing.T, c hostile, rep *report.Report) {
	t.Helper()
	name := c.fileName()
	checkSane(t, rep)
	checkCompanion(t, rep)
	var errs []report.FileError
	for _, e := range rep.Errors {
		if e.Loc.File == name {
			errs = append(errs, e)
		} else if e.Loc.File != companion {
			t.Errorf("error for an unexpected file: %s: %s", e.Loc, e.Message)
		}
	}
	switch {
	case c.err == "" && len(errs) > 0:
		t.Errorf("unexpected error: %s: %s", errs[0].Loc, errs[0].Message)
	case c.err != "" && len(errs) != 1:
		t.Errorf("want one error matching %q, got %v", c.err, errs)
	case c.err != "":
		e := errs[0]
		if !regexp.MustCompile(c.err).MatchString(e.Message) {
			t.Errorf("error %q does not match %q", e.Message, c.err)
		}
		switch {
		case c.line == -1 && e.Loc.Line != 0:
			t.Errorf("error at line %d, want none: %s", e.Loc.Line, e.Message)
		case c.line == 0 && e.Loc.Line <= 0:
			t.Errorf("error without a line: %q", e.Message)
		case c.line > 0 && e.Loc.Line != c.line:
			t.Errorf("error at %s, want line %d: %s", e.Loc, c.line, e.Message)
		}
	}
	got := map[string]bool{}
	for _, f := range fileFindings(rep, name) {
		got[f] = true
	}
	for _, f := range c.findings {
		if !got[f] {
			t.Errorf("finding %s:%s missing", name, f)
		}
	}
	for _, f := range c.absent {
		if got[f] {
			t.Errorf("unexpected finding %s:%s", name, f)
		}
	}
	for _, re := range c.notes {
		found := false
		for _, n := range rep.Notifications {
			if n.Loc.File == name && regexp.MustCompile(re).MatchString(n.Message) {
				found = true
			}
		}
		if !found {
			t.Errorf("no notification for %s matches %q; notifications:\n%s", name, re, notesOf(rep))
		}
	}
	if c.check != nil {
		c.check(t, rep)
	}
	if t.Failed() {
		t.Logf("report:\nerrors: %v\nfindings:\n%s\nnotifications:\n%s", rep.Errors, strings.Join(fileFindings(rep, ""), "\n"), notesOf(rep))
	}
}

// fileFindings lists a file's findings (all files' when name is "") as
// "LINE RULE", sorted.
func fileFindings(rep *report.Report, name string) []string {
	out := []string{}
	for _, f := range rep.Findings {
		if name == "" {
			out = append(out, fmt.Sprintf("%s:%d %s %s", f.Loc.File, f.Loc.Line, f.RuleID, f.Message))
		} else if f.Loc.File == name {
			out = append(out, fmt.Sprintf("%d %s", f.Loc.Line, f.RuleID))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		var a, b int
		fmt.Sscan(out[i], &a)
		fmt.Sscan(out[j], &b)
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}

func notesOf(rep *report.Report) string {
	var b strings.Builder
	for _, n := range rep.Notifications {
		fmt.Fprintf(&b, "  %s: %s: [%s] %s\n", n.Loc, n.Level, n.Rule, n.Message)
	}
	return b.String()
}

// ---- CloudFormation: wrong shapes at every level ----

// cfnBase is a template with two findings (EKSSG031 on line 15, EKSSG026
// on line 21) and a standalone ingress rule, Hostile, whose properties each
// case appends (indented by six spaces): a wrong value in one rule must
// leave the rest of the template analysed.
const cfnBase = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  ClusterName: {Type: String, Default: hostile}
  Unknown: {Type: String}
  SGList: {Type: "List<AWS::EC2::SecurityGroup::Id>"}
Conditions:
  Maybe: !Equals [!Ref Unknown, "yes"]
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
      Tags: [{Key: !Sub "kubernetes.io/cluster/${ClusterName}", Value: owned}]
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  NodeLaunchConfig:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-0123456789abcdef0
      InstanceType: m5.large
      SecurityGroups: [!Ref NodeSecurityGroup]
  NodeGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "3"
      LaunchConfigurationName: !Ref NodeLaunchConfig
      Tags: [{Key: !Sub "kubernetes.io/cluster/${ClusterName}", Value: owned, PropagateAtLaunch: "true"}]
  Hostile:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref NodeSecurityGroup
`

// cfnBaseFindings are cfnBase's own findings.
var cfnBaseFindings = []string{"15 EKSSG031", "21 EKSSG026"}

// withRule is cfnBase with the Hostile rule's remaining properties.
func withRule(props ...string) string {
	var b strings.Builder
	b.WriteString(cfnBase)
	for _, p := range props {
		b.WriteString("      " + p + "\n")
	}
	return b.String()
}

// plus returns cfnBase's findings and more.
func plus(more ...string) []string {
	out := append(append([]string(nil), cfnBaseFindings...), more...)
	sort.SliceStable(out, func(i, j int) bool {
		var a, b int
		fmt.Sscan(out[i], &a)
		fmt.Sscan(out[j], &b)
		return a < b || a == b && out[i] < out[j]
	})
	return out
}

func TestHostileCloudFormationValues(t *testing.T) {
	// The Hostile rule starts on line 29; its properties from line 33
	// (EKSSG031 points at its CidrIp, the fourth, on line 36).
	runHostile(t, []hostile{
		{name: "base", data: withRule("IpProtocol: tcp", "FromPort: 443", "ToPort: 443", "CidrIp: 10.0.0.0/8"),
			findings: cfnBaseFindings},
		{name: "world rule for comparison", data: withRule("IpProtocol: tcp", "FromPort: 80", "ToPort: 80", "CidrIp: 0.0.0.0/0"),
			findings: plus("36 EKSSG031")},
		{name: "ports as strings", data: withRule("IpProtocol: tcp", `FromPort: "80"`, `ToPort: "80"`, "CidrIp: 0.0.0.0/0"),
			findings: plus("36 EKSSG031")},
		{name: "ports as lists", data: withRule("IpProtocol: tcp", "FromPort: [80]", "ToPort: [80, 81]", "CidrIp: 0.0.0.0/0")},
		{name: "ports as mappings", data: withRule("IpProtocol: tcp", "FromPort: {a: 1}", "ToPort: {}", "CidrIp: 0.0.0.0/0")},
		{name: "ports as floats", data: withRule("IpProtocol: tcp", "FromPort: 80.0", "ToPort: 8.0e1", "CidrIp: 0.0.0.0/0")},
		{name: "ports -1 on tcp", data: withRule("IpProtocol: tcp", `FromPort: "-1"`, `ToPort: "-1"`, "CidrIp: 0.0.0.0/0"),
			findings: plus("36 EKSSG031")},
		{name: "ports out of range", data: withRule("IpProtocol: tcp", "FromPort: 70000", "ToPort: 70000", "CidrIp: 0.0.0.0/0")},
		{name: "ports reversed", data: withRule("IpProtocol: tcp", "FromPort: 443", "ToPort: 22", "CidrIp: 0.0.0.0/0")},
		{name: "ports huge", data: withRule("IpProtocol: tcp", "FromPort: 99999999999999999999999", "ToPort: -99999999999999999999", "CidrIp: 0.0.0.0/0")},
		{name: "ports missing", data: withRule("IpProtocol: tcp", "CidrIp: 0.0.0.0/0")},
		{name: "ports null", data: withRule("IpProtocol: tcp", "FromPort: ~", "ToPort: null", "CidrIp: 0.0.0.0/0")},
		{name: "ports from unknown parameter", data: withRule("IpProtocol: tcp", "FromPort: !Ref Unknown", "ToPort: !Ref Unknown", "CidrIp: 0.0.0.0/0")},
		{name: "protocol banana", data: withRule("IpProtocol: banana", "FromPort: 22", "ToPort: 22", "CidrIp: 0.0.0.0/0")},
		{name: "protocol number out of range", data: withRule("IpProtocol: 300", "FromPort: 22", "ToPort: 22", "CidrIp: 0.0.0.0/0")},
		{name: "protocol a list", data: withRule("IpProtocol: [tcp]", "FromPort: 22", "ToPort: 22", "CidrIp: 0.0.0.0/0")},
		{name: "protocol missing", data: withRule("FromPort: 22", "ToPort: 22", "CidrIp: 0.0.0.0/0")},
		{name: "protocol 6 (tcp by number)", data: withRule("IpProtocol: 6", "FromPort: 8080", "ToPort: 8080", "CidrIp: 0.0.0.0/0"),
			findings: plus("36 EKSSG031")},
		{name: "cidr not an address", data: withRule("IpProtocol: -1", "CidrIp: not-a-cidr")},
		{name: "cidr bad octet", data: withRule("IpProtocol: -1", "CidrIp: 300.1.1.1/8")},
		{name: "cidr bad prefix", data: withRule("IpProtocol: -1", "CidrIp: 10.0.0.0/99")},
		{name: "cidr empty", data: withRule("IpProtocol: -1", `CidrIp: ""`)},
		{name: "cidr a list", data: withRule("IpProtocol: -1", "CidrIp: [0.0.0.0/0]")},
		{name: "cidr v6 in v4 field", data: withRule("IpProtocol: -1", "CidrIp: ::/0"),
			findings: plus("34 EKSSG031")},
		{name: "GroupId a list", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: 10.0.0.0/8"), "GroupId: !Ref NodeSecurityGroup", "GroupId: [!Ref NodeSecurityGroup]", 1)},
		{name: "GroupId a mapping", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: 10.0.0.0/8"), "GroupId: !Ref NodeSecurityGroup", "GroupId: {a: b}", 1)},
		{name: "Ref to a list parameter where a group is expected", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !Ref SGList")},
		{name: "Ref with a list argument", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !Ref [a, b]")},
		{name: "Ref with a mapping argument", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: {Ref: {a: b}}")},
		{name: "Ref to nothing", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !Ref Nowhere")},
		{name: "GetAtt with 3 elements", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !GetAtt [NodeSecurityGroup, GroupId, Extra]")},
		{name: "GetAtt with 1 element", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !GetAtt [NodeSecurityGroup]")},
		{name: "GetAtt without a dot", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !GetAtt NodeSecurityGroup")},
		{name: "GetAtt of a mapping", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: {Fn::GetAtt: {a: b}}")},
		{name: "GetAtt nested lists", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !GetAtt [[NodeSecurityGroup], [GroupId]]")},
		{name: "If with 1 element", data: withRule("IpProtocol: -1", "CidrIp: !If [Maybe]")},
		{name: "If with 0 elements", data: withRule("IpProtocol: -1", "CidrIp: !If []")},
		{name: "If with 4 elements", data: withRule("IpProtocol: -1", "CidrIp: !If [Maybe, 0.0.0.0/0, 10.0.0.0/8, x]")},
		{name: "If of a scalar", data: withRule("IpProtocol: -1", "CidrIp: !If Maybe")},
		{name: "If with a list condition name", data: withRule("IpProtocol: -1", "CidrIp: !If [[Maybe], 0.0.0.0/0, 10.0.0.0/8]")},
		{name: "If on an undefined condition", data: withRule("IpProtocol: -1", "CidrIp: !If [Nope, 0.0.0.0/0, 10.0.0.0/8]")},
		{name: "Sub with a non-map second argument", data: withRule("IpProtocol: -1", `CidrIp: !Sub ["${A}/0", [A, 0.0.0.0]]`)},
		{name: "Sub with a scalar second argument", data: withRule("IpProtocol: -1", `CidrIp: !Sub ["${A}/0", A]`)},
		{name: "Sub with 3 elements", data: withRule("IpProtocol: -1", `CidrIp: !Sub ["${A}/0", {A: 0.0.0.0}, x]`)},
		{name: "Sub of a mapping", data: withRule("IpProtocol: -1", "CidrIp: !Sub {a: b}")},
		{name: "Sub with a list template", data: withRule("IpProtocol: -1", "CidrIp: !Sub [[a], {}]")},
		{name: "Sub with unterminated placeholders", data: withRule("IpProtocol: -1", `CidrIp: !Sub "${A${B${"`)},
		{name: "Sub var referencing itself", data: withRule("IpProtocol: -1", `CidrIp: !Sub ["${A}", {A: !Sub "${A}"}]`)},
		{name: "Join malformed", data: withRule("IpProtocol: -1", "CidrIp: !Join [a]")},
		{name: "Join with a mapping list", data: withRule("IpProtocol: -1", "CidrIp: !Join ['', {a: b}]")},
		{name: "Select with a bad index", data: withRule("IpProtocol: -1", "CidrIp: !Select [x, [0.0.0.0/0]]")},
		{name: "Select with a negative index", data: withRule("IpProtocol: -1", "CidrIp: !Select [-1, [0.0.0.0/0]]")},
		{name: "Select with a huge index", data: withRule("IpProtocol: -1", "CidrIp: !Select [99999999999999999999, [0.0.0.0/0]]")},
		{name: "Split with an empty separator", data: withRule("IpProtocol: -1", "CidrIp: !Select [0, !Split ['', '0.0.0.0/0']]")},
		{name: "FindInMap without Mappings", data: withRule("IpProtocol: -1", "CidrIp: !FindInMap [a, b, c]")},
		{name: "FindInMap with 1 element", data: withRule("IpProtocol: -1", "CidrIp: !FindInMap [a]")},
		{name: "Base64 of a list", data: withRule("IpProtocol: -1", "CidrIp: !Base64 [a]")},
		{name: "ImportValue of a list", data: withRule("IpProtocol: -1", "SourceSecurityGroupId: !ImportValue [a]")},
		{name: "unknown intrinsic", data: withRule("IpProtocol: -1", "CidrIp: !Banana 0.0.0.0/0")},
		{name: "long-form Fn:: with extra keys", data: withRule("IpProtocol: -1", "CidrIp: {Fn::Sub: 0.0.0.0/0, Ref: x}")},
		{name: "Equals with 1 element in a condition", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: !If [Maybe, 0.0.0.0/0, 10.0.0.0/8]"),
			`Maybe: !Equals [!Ref Unknown, "yes"]`, "Maybe: !Equals [x]", 1)},
		{name: "condition referring to itself", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: !If [Maybe, 0.0.0.0/0, 10.0.0.0/8]"),
			`Maybe: !Equals [!Ref Unknown, "yes"]`, "Maybe: !And [!Condition Maybe, {Condition: Maybe}]", 1),
			err: `condition Maybe depends on itself \(Maybe → Maybe\)`, line: 7},
		{name: "condition a list", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: !If [Maybe, 0.0.0.0/0, 10.0.0.0/8]"),
			`Maybe: !Equals [!Ref Unknown, "yes"]`, "Maybe: [a, b]", 1)},
		{name: "Not with 2 elements", data: strings.Replace(withRule("IpProtocol: -1", "CidrIp: !If [Maybe, 0.0.0.0/0, 10.0.0.0/8]"),
			`Maybe: !Equals [!Ref Unknown, "yes"]`, "Maybe: !Not [a, b]", 1)},
		{name: "resource Condition a list", data: withRule("IpProtocol: -1", "CidrIp: 0.0.0.0/0") + "    Condition: [Maybe]\n"},
	})
}

// cfnHeader starts the templates of the structural cases.
const cfnHeader = "AWSTemplateFormatVersion: \"2010-09-09\"\n"

func TestHostileCloudFormationShapes(t *testing.T) {
	sgWith := func(props string) string {
		return cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n" + props
	}
	clusterWith := func(vpc string) string {
		return cfnHeader + "Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: shapes\n      ResourcesVpcConfig:\n" + vpc
	}
	runHostile(t, []hostile{
		{name: "Resources as a list", data: cfnHeader + "Resources:\n  - SG:\n      Type: AWS::EC2::SecurityGroup\n",
			err: "Resources must be a mapping", line: 3},
		{name: "Resources as a string", data: cfnHeader + "Resources: none\n", err: "Resources must be a mapping", line: 2},
		{name: "Resources null", data: cfnHeader + "Resources:\n", err: "Resources must be a mapping", line: 2},
		{name: "Resources empty", data: cfnHeader + "Resources: {}\n"},
		{name: "resource as a list", data: cfnHeader + "Resources:\n  SG: [a, b]\n", err: "resource SG must be a mapping", line: 3},
		{name: "resource as a string", data: cfnHeader + "Resources:\n  SG: AWS::EC2::SecurityGroup\n", err: "resource SG must be a mapping", line: 3},
		{name: "resource null", data: cfnHeader + "Resources:\n  SG:\n", err: "resource SG must be a mapping", line: 3},
		{name: "resource without Type", data: cfnHeader + "Resources:\n  SG:\n    Properties: {}\n", err: "resource SG has no Type", line: 3},
		{name: "Type a list", data: cfnHeader + "Resources:\n  SG:\n    Type: [AWS::EC2::SecurityGroup]\n", err: "resource SG has no Type", line: 3},
		{name: "Type a mapping", data: cfnHeader + "Resources:\n  SG:\n    Type: {a: b}\n", err: "resource SG has no Type", line: 3},
		{name: "Type unknown", data: cfnHeader + "Resources:\n  SG:\n    Type: Banana::Split\n"},
		{name: "resource key a list", data: cfnHeader + "Resources:\n  ? [a, b]\n  : Type: AWS::EC2::SecurityGroup\n"},
		{name: "resource key a mapping", data: cfnHeader + "Resources:\n  ? {a: b}\n  : Type: AWS::EC2::SecurityGroup\n"},
		{name: "resource key empty", data: cfnHeader + "Resources:\n  \"\": {Type: AWS::EC2::SecurityGroup}\n"},
		// CloudFormation rejects these templates: say so, at the value.
		{name: "Properties a string", data: cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: none\n",
			err: "Properties of resource SG must be a mapping", line: 5},
		{name: "Properties a list", data: cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: [a]\n",
			err: "Properties of resource SG must be a mapping", line: 5},
		{name: "Properties null", data: cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"},
		{name: "Properties an If on an unknown condition", data: cfnHeader + "Parameters: {P: {Type: String}}\nConditions: {C: !Equals [!Ref P, x]}\nResources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: !If [C, {GroupDescription: a}, {GroupDescription: b}]\n",
			notes: []string{`^Properties of AWS::EC2::SecurityGroup SG is an expression the model cannot follow`}},
		{name: "Properties an If with 1 element", data: cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: !If [C]\n",
			notes: []string{`cannot follow`}},
		{name: "Properties a Ref", data: cfnHeader + "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: !Ref X\n",
			notes: []string{`cannot follow`}},
		{name: "Properties an If chain on itself", data: cfnHeader + "Conditions: {C: !Equals [a, a]}\nResources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties: &p !If [C, !If [C, !Ref AWS::NoValue, x], y]\n"},
		{name: "Parameters a list", data: cfnHeader + "Parameters: [a]\nResources: {SG: {Type: AWS::EC2::SecurityGroup}}\n", err: "Parameters must be a mapping", line: 2},
		{name: "parameter a string", data: cfnHeader + "Parameters: {P: String}\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupName: !Ref P}}}\n"},
		{name: "parameter Default a mapping", data: cfnHeader + "Parameters: {P: {Type: String, Default: {a: b}}}\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupName: !Ref P}}}\n"},
		{name: "parameter Type a list", data: cfnHeader + "Parameters: {P: {Type: [String]}}\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupName: !Ref P}}}\n"},
		{name: "list parameter default with nested lists", data: cfnHeader + "Parameters: {P: {Type: CommaDelimitedList, Default: [[a], {b: c}]}}\nResources: {C: {Type: AWS::EKS::Cluster, Properties: {Name: x, ResourcesVpcConfig: {SecurityGroupIds: !Ref P}}}}\n"},
		{name: "Conditions a list", data: cfnHeader + "Conditions: [a]\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Condition: a}}\n"},
		{name: "Mappings a string", data: cfnHeader + "Mappings: none\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupName: !FindInMap [a, b, c]}}}\n"},
		{name: "Mappings with a list where a map is expected", data: cfnHeader + "Mappings: {a: [b]}\nResources: {SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupName: !FindInMap [a, b, c]}}}\n"},
		{name: "Outputs a list", data: cfnHeader + "Resources: {SG: {Type: AWS::EC2::SecurityGroup}}\nOutputs: [a]\n"},
		{name: "Output Export Name a mapping", data: cfnHeader + "Resources: {SG: {Type: AWS::EC2::SecurityGroup}}\nOutputs: {O: {Value: !Ref SG, Export: {Name: {a: b}}}}\n"},
		{name: "Output Export a list", data: cfnHeader + "Resources: {SG: {Type: AWS::EC2::SecurityGroup}}\nOutputs: {O: {Value: !Ref SG, Export: [a]}}\n"},
		{name: "Transform a mapping", data: cfnHeader + "Transform: {Name: AWS::Include}\nResources: {SG: {Type: AWS::EC2::SecurityGroup}}\n"},
		{name: "AWSTemplateFormatVersion a list, no Resources", data: "AWSTemplateFormatVersion: [a]\n"},
		{name: "Metadata eks-sg-lint a string", data: cfnHeader + "Resources: {SG: {Type: AWS::EC2::SecurityGroup, Metadata: {eks-sg-lint: x}}}\n",
			notes: []string{"has no ignore list"}},
		{name: "Metadata eks-sg-lint ignore a mapping of lists", data: cfnHeader + "Resources: {SG: {Type: AWS::EC2::SecurityGroup, Metadata: {eks-sg-lint: {ignore: [[a], {rule: [b]}, {id: {c: d}, reason: [e]}]}}}}\n"},
		{name: "Tags as a map", data: sgWith("      Tags: {kubernetes.io/cluster/shapes: owned}\n")},
		{name: "Tags a string", data: sgWith("      Tags: kubernetes.io/cluster/shapes\n")},
		{name: "Tags entries strings", data: sgWith("      Tags: [a, b]\n")},
		{name: "Tags entry Key a list", data: sgWith("      Tags: [{Key: [a], Value: {b: c}}]\n")},
		{name: "Tags entry without Key", data: sgWith("      Tags: [{Value: owned}]\n")},
		{name: "ingress a map", data: sgWith("      SecurityGroupIngress: {IpProtocol: -1, CidrIp: 0.0.0.0/0}\n")},
		{name: "ingress a string", data: sgWith("      SecurityGroupIngress: all\n")},
		{name: "ingress entries strings", data: sgWith("      SecurityGroupIngress: [a, 1, ~]\n")},
		{name: "ingress nested lists", data: sgWith("      SecurityGroupIngress: [[{IpProtocol: -1, CidrIp: 0.0.0.0/0}]]\n")},
		{name: "egress a map", data: sgWith("      SecurityGroupEgress: {IpProtocol: -1, CidrIp: 0.0.0.0/0}\n")},
		{name: "SecurityGroupIds a map", data: clusterWith("        SecurityGroupIds: {a: sg-1}\n")},
		{name: "SecurityGroupIds a string", data: clusterWith("        SecurityGroupIds: sg-1\n")},
		{name: "SecurityGroupIds nested lists", data: clusterWith("        SecurityGroupIds: [[sg-1, [sg-2]], {a: b}, ~, \"\"]\n")},
		{name: "ResourcesVpcConfig a list", data: cfnHeader + "Resources: {C: {Type: AWS::EKS::Cluster, Properties: {Name: x, ResourcesVpcConfig: [a]}}}\n"},
		{name: "endpoint flags as lists", data: clusterWith("        EndpointPrivateAccess: [true]\n        EndpointPublicAccess: {a: b}\n")},
		{name: "cluster Name a list", data: cfnHeader + "Resources: {C: {Type: AWS::EKS::Cluster, Properties: {Name: [a]}}}\n"},
		{name: "cluster Name referring to itself", data: cfnHeader + "Resources: {C: {Type: AWS::EKS::Cluster, Properties: {Name: !Sub \"${C}-x\"}}}\n"},
		{name: "cluster Version a mapping", data: cfnHeader + "Resources: {C: {Type: AWS::EKS::Cluster, Properties: {Name: x, Version: {a: b}}}}\n"},
		{name: "nodegroup with everything wrong", data: cfnHeader + "Resources:\n  NG:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: [a]\n      NodegroupName: {a: b}\n      LaunchTemplate: [x]\n      RemoteAccess: [y]\n"},
		{name: "nodegroup RemoteAccess sources a string", data: cfnHeader + "Resources:\n  NG:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: x\n      RemoteAccess: {Ec2SshKey: k, SourceSecurityGroups: sg-1}\n"},
		{name: "nodegroup launch template referring to itself", data: cfnHeader + "Resources:\n  NG:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: x\n      LaunchTemplate: {Id: !Ref NG}\n"},
		{name: "ASG with everything wrong", data: cfnHeader + "Resources:\n  ASG:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LaunchTemplate: sg\n      MixedInstancesPolicy: [a]\n      LaunchConfigurationName: [b]\n      Tags: {a: b}\n"},
		{name: "instance user data a mapping", data: cfnHeader + "Resources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: {Fn::Base64: {a: b}}\n      SecurityGroupIds: [sg-1]\n      NetworkInterfaces: {a: b}\n"},
		{name: "launch template data a list", data: cfnHeader + "Resources:\n  LT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData: [a]\n"},
		{name: "launch template interfaces a map", data: cfnHeader + "Resources:\n  LT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData: {NetworkInterfaces: {Groups: [sg-1]}}\n"},
		{name: "launch template data an If chain", data: cfnHeader + "Parameters: {P: {Type: String}}\nConditions: {C: !Equals [!Ref P, x]}\nResources:\n  LT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData: !If [C, !If [C, {SecurityGroupIds: [sg-1]}, [x]], !If [C, y, {Fn::If: [C, z]}]]\n"},
		{name: "standalone rule without Properties", data: cfnHeader + "Resources: {R: {Type: AWS::EC2::SecurityGroupIngress}}\n",
			notes: []string{"names no security group"}},
		{name: "standalone rule GroupId null", data: cfnHeader + "Resources: {R: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: ~, IpProtocol: -1, CidrIp: 0.0.0.0/0}}}\n"},
		{name: "fragment with a non-mapping resource", data: "A: {Type: AWS::EC2::SecurityGroup}\nB: [x]\n"},
	})
}

// eksctlBase is a ClusterConfig whose node group opens SSH to the world
// (EKSSG031 twice on line 8, IPv4 and IPv6); cases append to it.
const eksctlBase = `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: hostile-eksctl
  region: eu-north-1
managedNodeGroups:
  - name: mng
    ssh: {allow: true}
`

func TestHostileEksctl(t *testing.T) {
	head := "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: x}\n"
	runHostile(t, []hostile{
		{name: "base", data: eksctlBase, findings: []string{"8 EKSSG031"}},
		{name: "nodeGroups a map", data: eksctlBase + "nodeGroups: {ng-1: {name: a}}\n", err: `nodeGroups must be a list .*not a mapping`, line: 9},
		{name: "nodeGroups a string", data: eksctlBase + "nodeGroups: ng-1\n", err: `nodeGroups must be a list`, line: 9},
		{name: "nodeGroups entries strings", data: eksctlBase + "nodeGroups: [ng-1]\n", err: `nodeGroups\[0\] must be a mapping`, line: 9},
		{name: "managedNodeGroups a map", data: head + "managedNodeGroups: {a: b}\n", err: `managedNodeGroups must be a list`, line: 4},
		{name: "ssh a string", data: head + "nodeGroups:\n  - name: ng\n    ssh: yes-please\n", err: `nodeGroups\[0\]\.ssh must be a mapping .*not the string "yes-please"`, line: 6},
		{name: "ssh a boolean", data: head + "nodeGroups:\n  - name: ng\n    ssh: true\n", err: `ssh must be a mapping .*not the boolean true`, line: 6},
		{name: "ssh.allow a list", data: head + "nodeGroups:\n  - name: ng\n    ssh: {allow: [true]}\n", err: `ssh\.allow must be a boolean`, line: 6},
		{name: "ssh.allow banana", data: head + "nodeGroups:\n  - name: ng\n    ssh:\n      allow: banana\n", err: `ssh\.allow must be a boolean .*"banana"`, line: 7},
		{name: "ssh source groups a string", data: head + "nodeGroups:\n  - name: ng\n    ssh:\n      allow: true\n      sourceSecurityGroupIds: sg-1\n", err: `sourceSecurityGroupIds must be a list`, line: 8},
		{name: "attachIDs a string", data: head + "nodeGroups:\n  - name: ng\n    securityGroups:\n      attachIDs: sg-1\n", err: `nodeGroups\[0\]\.securityGroups\.attachIDs must be a list`, line: 7},
		{name: "attachIDs entries mappings", data: head + "nodeGroups:\n  - name: ng\n    securityGroups:\n      attachIDs: [{a: b}]\n", err: `attachIDs\[0\] must be a string`, line: 7},
		{name: "attachIDs templated", data: head + "nodeGroups:\n  - name: ng\n    securityGroups: {attachIDs: \"${SGS}\"}\n"},
		{name: "securityGroups a list", data: head + "nodeGroups:\n  - name: ng\n    securityGroups: [sg-1]\n", err: `securityGroups must be a mapping`, line: 6},
		{name: "metadata a list", data: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: [x]\n", err: `metadata must be a mapping`, line: 3},
		{name: "metadata name a mapping", data: "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: {a: b}}\n", err: `metadata\.name must be a string`, line: 3},
		{name: "tags a list", data: head + "nodeGroups:\n  - name: ng\n    tags: [a, b]\n", err: `nodeGroups\[0\]\.tags must be a mapping of strings`, line: 6},
		{name: "tag value a list", data: head + "nodeGroups:\n  - name: ng\n    tags: {a: [b]}\n", err: `tags\.a must be a string`, line: 6},
		{name: "vpc a string", data: head + "vpc: vpc-1\n", err: `vpc must be a mapping`, line: 4},
		{name: "clusterEndpoints a list", data: head + "vpc:\n  clusterEndpoints: [true]\n", err: `vpc\.clusterEndpoints must be a mapping`, line: 5},
		{name: "controlPlaneSecurityGroupIDs a mapping", data: head + "vpc:\n  controlPlaneSecurityGroupIDs: {a: sg-1}\n", err: `controlPlaneSecurityGroupIDs must be a list`, line: 5},
		{name: "remote networks a mapping", data: head + "remoteNetworkConfig:\n  remoteNodeNetworks: {cidrs: [10.0.0.0/8]}\n", err: `remoteNodeNetworks must be a list`, line: 5},
		{name: "remote cidrs that do not parse", data: head + "remoteNetworkConfig:\n  remoteNodeNetworks: [{cidrs: [banana, 10.0.0.0/99, ~]}]\n"},
		{name: "extraCIDRs that do not parse", data: head + "vpc:\n  extraCIDRs: [banana, \"\", 300.0.0.0/8]\n  cidr: not-a-cidr\n"},
		{name: "merge keys in a loop", data: head + "x: &a {b: 1}\nnodeGroups:\n  - <<: [*a, *a, *a]\n    name: ng\n"},
		{name: "kind with a list apiVersion", data: "apiVersion: [eksctl.io/v1alpha5]\nkind: ClusterConfig\n", file: "not-ours.yaml"},
	})
}

func TestHostileAWSJSON(t *testing.T) {
	sg := func(perm string) string {
		return `{"SecurityGroups": [{"GroupId": "sg-0hostile", "GroupName": "h",
  "IpPermissions": [` + perm + `],
  "IpPermissionsEgress": []}]}
`
	}
	runHostile(t, []hostile{
		{name: "base", file: "sgs.json", data: sg(`{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "SecurityGroups an object", file: "sgs.json", data: `{"SecurityGroups": {"GroupId": "sg-1"}}`,
			err: `SecurityGroups must be a list of security groups, not an object`, line: 1},
		{name: "SecurityGroups a string", file: "sgs.json", data: "{\n  \"SecurityGroups\": \"sg-1\"\n}\n",
			err: `SecurityGroups must be a list .*not the value "sg-1"`, line: 2},
		{name: "SecurityGroups null", file: "sgs.json", data: "{\n  \"SecurityGroups\": null\n}\n", err: `SecurityGroups must be a list .*not null`, line: 2},
		{name: "SecurityGroups entries strings", file: "sgs.json", data: "{\"SecurityGroups\": [\n  \"sg-1\"\n]}\n", err: `each entry of SecurityGroups must be an object`, line: 2},
		{name: "group without GroupId", file: "sgs.json", data: "{\"SecurityGroups\": [\n  {\"GroupName\": \"x\"}\n]}\n", err: `security group without a GroupId`, line: 2},
		{name: "GroupId a number", file: "sgs.json", data: "{\"SecurityGroups\": [\n  {\"GroupId\": 12}\n]}\n"},
		{name: "GroupId an object", file: "sgs.json", data: "{\"SecurityGroups\": [\n  {\"GroupId\": {\"a\": 1}}\n]}\n", err: `without a GroupId`, line: 2},
		{name: "IpPermissions a string", file: "sgs.json", data: "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\",\n  \"IpPermissions\": \"all\"}]}\n",
			notes: []string{`IpPermissions is the value "all", not a list; its ingress rules are unknown`}},
		{name: "IpPermissions an object", file: "sgs.json", data: "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\",\n  \"IpPermissions\": {\"IpProtocol\": \"-1\"}}]}\n",
			notes: []string{`IpPermissions is an object, not a list`}},
		{name: "permission a string", file: "sgs.json", data: sg(`"all"`)},
		{name: "FromPort x", file: "sgs.json", data: sg(`{"IpProtocol": "tcp", "FromPort": "x", "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "ports floats and huge", file: "sgs.json", data: sg(`{"IpProtocol": "tcp", "FromPort": 22.5, "ToPort": 1e300, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "ports out of range", file: "sgs.json", data: sg(`{"IpProtocol": "tcp", "FromPort": 70000, "ToPort": -5, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "protocol banana", file: "sgs.json", data: sg(`{"IpProtocol": "banana", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "protocol a list", file: "sgs.json", data: sg(`{"IpProtocol": ["tcp"], "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}`)},
		{name: "IpRanges an object", file: "sgs.json", data: sg(`{"IpProtocol": "-1", "IpRanges": {"CidrIp": "0.0.0.0/0"}}`)},
		{name: "CidrIp that does not parse", file: "sgs.json", data: sg(`{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "banana"}, {"CidrIp": "10.0.0.0/99"}, {"CidrIp": 5}, "x", null]}`)},
		{name: "UserIdGroupPairs wrong", file: "sgs.json", data: sg(`{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": ["sg-1"]}, {"UserId": "1"}, 7]}`)},
		{name: "Tags an object", file: "sgs.json", data: "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": [], \"IpPermissionsEgress\": [],\n  \"Tags\": {\"kubernetes.io/cluster/x\": \"owned\"}}]}\n",
			notes: []string{`its tags are not fully known`}},
		{name: "rules output with wrong shapes", file: "rules.json", data: `{"SecurityGroupRules": [{"GroupId": "sg-1", "IsEgress": "maybe", "IpProtocol": 6, "FromPort": [1], "CidrIpv4": {"a": 1}}, 5]}`,
			err: `each entry of SecurityGroupRules must be an object, not the value "5"`, line: 1},
		{name: "rules output an object", file: "rules.json", data: `{"SecurityGroupRules": {"GroupId": "sg-1"}}`, err: `SecurityGroupRules must be a list of rules, not an object`, line: 1},
		{name: "Reservations a string", file: "instances.json", data: `{"Reservations": "none"}`, err: `Reservations must be a list of reservations, not the value "none"`, line: 1},
		{name: "instances with wrong shapes", file: "instances.json", data: `{"Reservations": [{"Instances": {"InstanceId": "i-1"}}, {"Instances": [5, {"SecurityGroups": "sg-1", "Tags": {"a": "b"}}]}]}`,
			err: `Instances must be a list of instances, not an object`, line: 1},
		{name: "describe-cluster with wrong shapes", file: "cluster.json", data: `{"cluster": {"name": ["x"], "arn": "arn:aws:eks:x", "resourcesVpcConfig": {"securityGroupIds": "sg-1", "clusterSecurityGroupId": 5, "endpointPrivateAccess": "maybe"}}}`,
			err: `cluster without a name`, line: 1},
		{name: "describe-cluster vpc config a list", file: "cluster.json", data: `{"cluster": {"name": "x", "resourcesVpcConfig": []}}`, err: `resourcesVpcConfig must be an object, not a list`, line: 1},
		{name: "describe-nodegroup with wrong shapes", file: "ng.json", data: `{"nodegroup": {"nodegroupName": 5, "clusterName": {"a": 1}, "remoteAccess": "yes", "resources": [1]}}`,
			err: `remoteAccess must be an object, not the value "yes"`, line: 1},
		{name: "placebo wrapper with data a list", file: "placebo.json", data: `{"status_code": 200, "data": [{"SecurityGroups": []}]}`,
			notes: []string{"not a CloudFormation template, eksctl config or AWS CLI output; skipped"}},
	})
}

// ---- Encodings, sizes, bombs and the file system ----

// binary is every byte value, repeated: not UTF-8 (0x80 is the first bad
// byte, on line 3 after the line breaks 0x0a and 0x0d).
func binary() string {
	var b []byte
	for i := 0; i < 1024; i++ {
		b = append(b, byte(i))
	}
	return string(b)
}

func utf16(s string, bigEndian bool) string {
	var b []byte
	if bigEndian {
		b = append(b, 0xFE, 0xFF)
	} else {
		b = append(b, 0xFF, 0xFE)
	}
	for _, r := range s {
		if bigEndian {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return string(b)
}

// taggedFinding is where the one finding of `tagged` is.
var taggedFinding = []string{"14 EKSSG026"}

// other is `tagged` for another cluster, so that it does not link up with
// the companion.
var other = strings.ReplaceAll(tagged, "prod", "other")

func TestHostileEncodings(t *testing.T) {
	runHostile(t, []hostile{
		// Named but not ours (no CloudFormation, eksctl or AWS CLI marker):
		// skipped with a word, as pre-commit names every staged file.
		{name: "binary named .yaml", data: binary(), notes: []string{`does not parse \(invalid UTF-8 byte 0x80.*\) and is not a CloudFormation`}},
		{name: "binary named .json", file: "x.json", data: binary(), notes: []string{`does not parse \(invalid UTF-8 byte 0x80`}},
		{name: "binary that starts like JSON", file: "x.json", data: "{\"Resources\": \x00\x01\x02\xff}", err: `invalid UTF-8 byte 0xff`, line: 1},
		{name: "NUL bytes in YAML", data: "Resources:\n  A: {Type: AWS::EC2::SecurityGroup}\n\x00\x00\n", err: `control character U\+0000`, line: 3},
		{name: "NUL bytes in JSON", file: "x.json", data: "{\"Resources\": {}}\n\x00", err: `invalid JSON`, line: 2},
		{name: "Latin-1 in a comment", data: "# caf\xe9\n" + other, err: `invalid UTF-8 byte 0xe9`, line: 1},
		{name: "Latin-1 in a value", data: strings.Replace(other, "GroupDescription: nodes", "GroupDescription: n\xf6des", 1), err: `invalid UTF-8 byte 0xf6`, line: 6},
		{name: "truncated UTF-8 sequence at the end", data: other + "# \xe2\x82", err: `invalid UTF-8 byte 0xe2`, line: 35},
		{name: "UTF-8 BOM", data: "\ufeff" + other, findings: taggedFinding},
		{name: "UTF-8 BOM JSON", file: "x.json", data: "\ufeff{\"Resources\": {\"A\": {\"Type\": \"AWS::EC2::SecurityGroup\"}}}"},
		{name: "two BOMs", data: "\ufeff\ufeff" + other},
		// What PowerShell 5.1 writes for `aws … > sgs.json`: decoded.
		{name: "UTF-16 LE", data: utf16(other, false), findings: taggedFinding},
		{name: "UTF-16 BE", data: utf16(other, true), findings: taggedFinding},
		{name: "UTF-16 LE JSON", file: "x.json", data: utf16(`{"Resources": {}}`, false)},
		{name: "UTF-16 LE, odd length", data: utf16(other, false) + "x", err: `invalid UTF-16: the file ends in half a character`, line: 35},
		{name: "UTF-16 LE, unpaired surrogate", data: utf16("Resources:\n  A: x", false) + "\x00\xd8", err: `invalid UTF-16: unpaired surrogate 0xd800`, line: 2},
		{name: "UTF-16 without a BOM", data: utf16(other, false)[2:], err: `control character U\+0000`, line: 1},
		{name: "CRLF", data: strings.ReplaceAll(other, "\n", "\r\n"), findings: taggedFinding},
		{name: "CR only", data: strings.ReplaceAll(other, "\n", "\r"), findings: taggedFinding},
		{name: "mixed line endings", data: strings.Replace(strings.ReplaceAll(other, "\n", "\r\n"), "\r\n", "\n", 5), findings: taggedFinding},
		{name: "NEL line breaks in YAML", data: strings.Replace(other, "\n", "\u0085", 2)},
		{name: "LS and PS in JSON strings", file: "x.json", data: "{\"Resources\": {\"A\": {\"Type\": \"AWS::EC2::SecurityGroup\", \"Properties\": {\"GroupDescription\": \"a\u2028b\u2029c\u0085\"}}}}"},
		{name: "empty .yaml", data: "", notes: []string{"not a CloudFormation template"}},
		{name: "empty .json", file: "x.json", data: "", notes: []string{"not a CloudFormation template"}},
		{name: "whitespace only", data: " \n\t\n\r\n", notes: []string{"not a CloudFormation template"}},
		{name: "whitespace only JSON", file: "x.json", data: " \n\t\n", notes: []string{"not a CloudFormation template"}},
		{name: "comments only", data: "# nothing\n  # here\n", notes: []string{"not a CloudFormation template"}},
		{name: "document markers only", data: "---\n...\n---\n", notes: []string{"not a CloudFormation template"}},
		{name: "null document", data: "~\n", notes: []string{"not a CloudFormation template"}},
		{name: "empty JSON object", file: "x.json", data: "{}", notes: []string{"not a CloudFormation template"}},
		{name: "empty JSON array", file: "x.json", data: "[]", notes: []string{"not a CloudFormation template"}},
		{name: "JSON scalar", file: "x.json", data: `"Resources"`, notes: []string{"not a CloudFormation template"}},
		{name: "two JSON values", file: "x.json", data: "{}\n{}", notes: []string{`does not parse \(invalid JSON`}},
		{name: "two JSON values, ours", file: "x.json", data: "{\"Resources\": {}}\n{}", err: `invalid JSON`, line: 2},
		{name: "many YAML documents, one a template", data: "a: 1\n---\n" + other + "---\n- x\n", findings: []string{"16 EKSSG026"}},
		{name: "YAML document after a broken one", data: "a: [\n---\n" + other, err: `did not find expected node content`, line: 2},
		{name: "tab indentation", data: "Resources:\n\tA: {Type: AWS::EC2::SecurityGroup}\n", err: `found character that cannot start any token`, line: 2},
		{name: "very long line", data: "Description: " + strings.Repeat("x", 1<<20) + "\n" + other, findings: []string{"15 EKSSG026"}},
		{name: "very long key", file: "x.json", data: `{"` + strings.Repeat("k", 5000) + `": 1, "Resources": {"A": {"Type": "AWS::EC2::SecurityGroup"}}}`},
	})
}

// TestHostileCRLF: every single-file fixture, the examples and the
// CloudFormation corpus give the very same findings (lines, columns,
// messages) with CRLF and with lone-CR line endings as with LF.
func TestHostileCRLF(t *testing.T) {
	var files []string
	for _, glob := range []string{"../testdata/rules/*/*.yaml", "../testdata/rules/*/*.json", "../testdata/examples/*.yaml", corpusDir + "/cloudformation/*"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d files", len(files))
	}
	scanAs := func(t *testing.T, name string, data []byte) *report.Report {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return scanWithin(t, []string{name}, Options{WorkDir: dir})
	}
	render := func(rep *report.Report) string {
		var b strings.Builder
		for _, f := range rep.Findings {
			fmt.Fprintf(&b, "%+v %s %s\n", f.Loc, f.RuleID, f.Message)
			for _, r := range f.Related {
				fmt.Fprintf(&b, "  related %+v %s\n", r.Loc, r.Message)
			}
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(&b, "error %+v %s\n", e.Loc, e.Message)
		}
		for _, n := range rep.Notifications {
			fmt.Fprintf(&b, "note %+v %s %s\n", n.Loc, n.Rule, n.Message)
		}
		return b.String()
	}
	total := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("\r")) {
			continue
		}
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			want := render(scanAs(t, name, data))
			total += strings.Count(want, "\n")
			for ending, eol := range map[string][]byte{"CRLF": []byte("\r\n"), "CR": []byte("\r")} {
				got := render(scanAs(t, name, bytes.ReplaceAll(data, []byte("\n"), eol)))
				if got != want {
					t.Errorf("%s changes the output:\n--- LF\n%s--- %s\n%s", ending, want, ending, got)
				}
			}
		})
	}
	if total == 0 {
		t.Error("no output at all to compare")
	}
}

// memoryGrowth runs f and returns how many bytes the heap allocated
// meanwhile (an upper bound of the growth; nothing else runs).
func memoryGrowth(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// maxBombAlloc bounds what a scan of one bomb may allocate in total.
const maxBombAlloc = 200 << 20

// billionLaughs is the classic: ten levels of ten aliases (10^9 nodes).
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("Resources: {A: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: *l9}}}\n")
	return b.String()
}

// nested is n levels of open, then n of close.
func nested(n int, open, close string) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

// ifDAG is Fn::If nested n deep where both branches are the level below,
// shared through aliases: the expanded value has 2^n leaves.
func ifDAG(n int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  P: {Type: String}\nConditions:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  C%d: !Equals [!Ref P, x%d]\n", i, i)
	}
	b.WriteString("Metadata:\n  a0: &a0 !If [C0, !Ref NodeSG, sg-0]\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d !If [C%d, *a%d, *a%d]\n", i, i, i, i-1, i-1)
	}
	fmt.Fprintf(&b, `Resources:
  NodeSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: dag
      ResourcesVpcConfig:
        SecurityGroupIds: [*a%d]
`, n-1)
	return b.String()
}

// ifChain is Fn::If nested n deep inside SecurityGroupIds, each level on
// its own unknown condition.
func ifChain(n int) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  P: {Type: String}\nConditions:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  C%d: !Equals [!Ref P, x%d]\n", i, i)
	}
	expr := "!Ref NodeSG"
	for i := 0; i < n; i++ {
		expr = fmt.Sprintf("!If [C%d, %s, sg-%d]", i, expr, i)
	}
	list := "[!Ref NodeSG]"
	for i := 0; i < n; i++ {
		list = fmt.Sprintf("!If [C%d, %s, [sg-%d, !Ref NodeSG]]", i, list, i)
	}
	fmt.Fprintf(&b, `Resources:
  NodeSG:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
      SecurityGroupIngress:
        - {IpProtocol: -1, SourceSecurityGroupId: %s}
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: chain
      ResourcesVpcConfig:
        EndpointPrivateAccess: true
        SecurityGroupIds: [%s]
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: %s
  NG:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: !Ref Cluster, LaunchTemplate: {Id: !Ref LT}}
`, expr, expr, list)
	return b.String()
}

// wideIf is an instance whose SecurityGroupIds is an Fn::If between two
// lists of n references each (to parameters, half of them shared).
func wideIf(n int) string {
	var b strings.Builder
	b.WriteString(cfnHeader + "Parameters:\n  P: {Type: String}\n")
	for i := 0; i < n*3/2; i++ {
		fmt.Fprintf(&b, "  G%d: {Type: AWS::EC2::SecurityGroup::Id}\n", i)
	}
	b.WriteString("Conditions: {C: !Equals [!Ref P, x]}\nResources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroupIds: !If\n        - C\n")
	for _, from := range []int{0, n / 2} {
		b.WriteString("        -")
		for i := from; i < from+n; i++ {
			if i == from {
				b.WriteString(" [")
			} else {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "!Ref G%d", i)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestHostileBombs(t *testing.T) {
	cases := []hostile{
		{name: "billion laughs", data: billionLaughs(), err: `alias expansion exceeds 100000 nodes`, line: 0},
		{name: "billion laughs in eksctl merge keys", data: strings.Replace(billionLaughs(), "AWSTemplateFormatVersion: \"2010-09-09\"", "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig", 1),
			err: `alias expansion exceeds`, line: 0},
		{name: "one big anchor, many aliases", data: "AWSTemplateFormatVersion: x\nbig: &big [" + strings.Repeat("x, ", 50000) + "x]\n" +
			"copies: [" + strings.Repeat("*big, ", 10) + "*big]\nResources: {}\n", err: `alias expansion exceeds`, line: 3},
		{name: "alias cycle", data: "a: &a [*a]\nResources: {}\n", err: `.`, line: 0},
		{name: "100000-deep flow sequences", data: "Resources: " + nested(100000, "[", "]") + "\n", err: `nesting exceeds maximum depth`, line: 1},
		{name: "100000-deep flow mappings", data: "Resources: " + nested(100000, "{a: ", "}") + "\n", err: `nesting exceeds maximum depth`, line: 1},
		{name: "100000-deep JSON arrays", file: "x.json", data: nested(100000, "[", "]"), notes: []string{`does not parse \(.*nesting exceeds maximum depth`}},
		{name: "100000-deep JSON arrays, ours", file: "x.json", data: `{"Resources": ` + nested(100000, "[", "]") + "}", err: `nesting exceeds maximum depth`, line: 1},
		{name: "100000-deep JSON objects", file: "x.json", data: nested(100000, `{"Resources":`, "}"), err: `nesting exceeds maximum depth`, line: 1},
		{name: "100000-deep unclosed JSON", file: "x.json", data: `{"Resources": ` + strings.Repeat("[", 100000), err: `invalid JSON|nesting exceeds`, line: 1},
		{name: "5000-deep YAML (over our limit, under yaml.v3's)", data: "Resources: " + nested(5000, "[", "]") + "\n", err: `nesting exceeds maximum depth of 1000`, line: 1},
		{name: "5000-deep JSON", file: "x.json", data: `{"Resources": ` + nested(5000, "[", "]") + "}", err: `nesting exceeds maximum depth of 1000`, line: 1},
		{name: "900-deep intrinsics", data: cfnHeader + "Resources:\n  C:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: " +
			strings.Repeat("{\"Fn::Sub\": [\"${A}\", {A: ", 330) + "x" + strings.Repeat("}]}", 330) + "\n"},
		{name: "900-deep Fn::If in a security group list", data: cfnHeader + "Resources:\n  C:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: deep\n      ResourcesVpcConfig: {SecurityGroupIds: " +
			strings.Repeat("!If [c, [", 450) + "sg-1" + strings.Repeat("], []]", 450) + "}\n"},
		{name: "30 nested Fn::If on unknown conditions", data: ifChain(30)},
		{name: "Fn::If doubling through aliases", data: ifDAG(12), check: func(t *testing.T, rep *report.Report) {
			// 2^12 branches are too many to follow: the groups are
			// unknown (and few), not 4096 choices compared pairwise.
			for _, c := range rep.Graph.Clusters {
				if c.DisplayName() != "dag" {
					continue
				}
				if len(c.ControlPlaneSGs) == 0 || len(c.ControlPlaneSGs) > 128 {
					t.Errorf("%d control-plane groups", len(c.ControlPlaneSGs))
				}
				for _, m := range c.ControlPlaneSGs {
					if !strings.HasPrefix(string(m.SG), "unknown:") || m.Certain {
						t.Errorf("control-plane group %+v, want an uncertain unknown one", m)
					}
				}
				return
			}
			t.Error("cluster dag not found")
		}},
		{name: "Fn::If between two long lists of references", data: wideIf(20000), long: true},
		{name: "many duplicate keys", data: other + strings.Repeat("Description: x\n", 20000),
			findings: taggedFinding, notes: []string{`duplicate key "Description"`}},
		{name: "a 300000-item list", file: "x.json", data: `{"AWSTemplateFormatVersion": "x", "Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"Tags": [` +
			strings.Repeat(`{"Key": "a", "Value": "b"},`, 300000) + `{"Key": "a", "Value": "b"}]}}}}`, long: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.long && testing.Short() {
				t.Skip("long")
			}
			dir := t.TempDir()
			write(t, filepath.Join(dir, companion), tagged)
			write(t, filepath.Join(dir, c.fileName()), c.data)
			var rep *report.Report
			grew := memoryGrowth(func() {
				rep = scanWithin(t, []string{companion, c.fileName()}, Options{WorkDir: dir})
			})
			// The input itself may be big (allocation is linear in it);
			// what matters is that nothing expands.
			if limit := uint64(maxBombAlloc + 150*len(c.data)); grew > limit {
				t.Errorf("the scan allocated %d MB (limit %d MB)", grew>>20, limit>>20)
			}
			t.Logf("allocated %d MB", grew>>20)
			checkHostile(t, c, rep)
		})
	}
}

// TestHostileTruncated cuts real files at several offsets and scans all
// the pieces in one scan with the companion: a truncated JSON file is
// always an error at a line; a truncated YAML file either still parses
// or is an error at a line; nothing else is disturbed.
func TestHostileTruncated(t *testing.T) {
	sources := []string{
		corpusDir + "/cloudformation/aws-cloudformation-templates__EKS__template.yaml",
		corpusDir + "/cloudformation/aws-cloudformation-templates__EKS__template.json",
		corpusDir + "/cloudformation/eksctl__builder-testdata__launch_template-ssh_enabled.resources-fragment.json",
		corpusDir + "/cloudformation/checkov__EKSNodeGroupRemoteAccess-FAILED.yml",
		corpusDir + "/eksctl/eksctl__examples__05-advanced-nodegroups.yaml",
		corpusDir + "/sg-json/cloud-custodian__test_lambda_add_security_group__ec2.DescribeSecurityGroups_1.placebo.json",
		corpusDir + "/sg-json/aws-cli__eks-describe-cluster__2024.json",
		"../testdata/examples/cluster-with-nodes.yaml",
		"../testdata/rules/EKSSG031/eksctl-ssh-open-to-world.yaml",
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	paths := []string{companion}
	isJSON := map[string]bool{}
	for _, src := range sources {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.TrimRight(data, " \t\r\n")
		// Lines, and a cut inside a multi-byte character where there is one.
		offsets := []int{1, 2, len(data) - 1}
		for k := 1; k < 8; k++ {
			offsets = append(offsets, len(data)*k/8)
		}
		for i, r := range string(data) {
			if r >= 0x80 {
				offsets = append(offsets, i+1)
				break
			}
		}
		ext := filepath.Ext(src)
		for _, off := range offsets {
			name := fmt.Sprintf("%s.cut%05d%s", strings.TrimSuffix(filepath.Base(src), ext), off, ext)
			write(t, filepath.Join(dir, name), string(data[:off]))
			paths = append(paths, name)
			isJSON[name] = ext == ".json"
		}
	}
	rep := scanWithin(t, paths, Options{WorkDir: dir})
	checkSane(t, rep)
	checkCompanion(t, rep)
	errs := map[string]report.FileError{}
	for _, e := range rep.Errors {
		if _, dup := errs[e.Loc.File]; dup {
			t.Errorf("two errors for %s", e.Loc.File)
		}
		errs[e.Loc.File] = e
		if e.Loc.Line <= 0 {
			t.Errorf("%s: error without a line: %s", e.Loc.File, e.Message)
		}
	}
	// A piece that still carries a marker of our inputs is an error; one
	// cut before any marker (a lone "{") is not ours and skipped with a
	// note, as any file named on the command line that is not ours.
	for name, js := range isJSON {
		if _, ok := errs[name]; !js || ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if parsers.Ours(data) {
			t.Errorf("%s: truncated JSON is not an error", name)
			continue
		}
		skipped := false
		for _, n := range rep.Notifications {
			skipped = skipped || n.Loc.File == name && strings.Contains(n.Message, "does not parse")
		}
		if !skipped {
			t.Errorf("%s: truncated JSON without markers is neither an error nor a skip note", name)
		}
	}
	t.Logf("%d pieces, %d errors, %d findings", len(paths)-1, len(rep.Errors), len(rep.Findings))
}

func TestHostileMaxFileSize(t *testing.T) {
	const limit = 4096
	if len(tagged) > limit {
		t.Fatal("companion too big")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	big := other + "# " + strings.Repeat("x", limit) + "\n"
	exact := other + strings.Repeat("#", limit-len(other)-1) + "\n"
	write(t, filepath.Join(dir, "big.yaml"), big)
	write(t, filepath.Join(dir, "exact.yaml"), exact)
	write(t, filepath.Join(dir, "sub", "big.yaml"), big)
	write(t, filepath.Join(dir, "sub", "small.yaml"), strings.ReplaceAll(tagged, "prod", "small"))

	// Named on the command line: an error without a line.
	rep := scanWithin(t, []string{companion, "big.yaml", "exact.yaml"}, Options{WorkDir: dir, MaxFileSize: limit})
	checkSane(t, rep)
	checkCompanion(t, rep)
	if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "big.yaml" || rep.Errors[0].Loc.Line != 0 ||
		!strings.Contains(rep.Errors[0].Message, "file is larger than 4096 bytes; raise --max-file-size") {
		t.Errorf("errors: %v", rep.Errors)
	}
	if got := fileFindings(rep, "exact.yaml"); strings.Join(got, ",") != "14 EKSSG026" {
		t.Errorf("a file of exactly the limit must be scanned; findings %v", got)
	}

	// In a walked folder: skipped with a note, not an error.
	rep = scanWithin(t, []string{companion, "sub"}, Options{WorkDir: dir, MaxFileSize: limit})
	checkSane(t, rep)
	checkCompanion(t, rep)
	if len(rep.Errors) != 0 {
		t.Errorf("errors: %v", rep.Errors)
	}
	if got := fileFindings(rep, "sub/small.yaml"); len(got) != 1 {
		t.Errorf("sub/small.yaml findings %v", got)
	}
	found := false
	for _, n := range rep.Notifications {
		found = found || n.Loc.File == "sub/big.yaml" && strings.Contains(n.Message, "larger than 4096 bytes") && strings.Contains(n.Message, "skipped")
	}
	if !found {
		t.Errorf("no note for sub/big.yaml:\n%s", notesOf(rep))
	}

	// An endless device is not read at all: only regular files are.
	if _, err := os.Stat("/dev/zero"); err == nil {
		var rep *report.Report
		grew := memoryGrowth(func() {
			rep = scanWithin(t, []string{companion, "/dev/zero"}, Options{WorkDir: dir})
		})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "/dev/zero" || !strings.Contains(rep.Errors[0].Message, "not a regular file (character device)") {
			t.Errorf("/dev/zero: errors %v", rep.Errors)
		}
		if grew > maxBombAlloc {
			t.Errorf("reading /dev/zero allocated %d MB", grew>>20)
		}
	}
}

func TestHostileFileSystem(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	write(t, filepath.Join(dir, "d", "a.yaml"), other)
	write(t, filepath.Join(dir, "d", "sub", "b.json"), `{"Resources": {"SG": {"Type": "AWS::EC2::SecurityGroup"}}}`)

	t.Run("missing path", func(t *testing.T) {
		rep := scanWithin(t, []string{companion, "nope.yaml", "nodir/"}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 2 {
			t.Fatalf("errors %v", rep.Errors)
		}
		for _, e := range rep.Errors {
			if e.Loc.Line != 0 || !strings.Contains(e.Message, "no such file") {
				t.Errorf("error %s: %s", e.Loc, e.Message)
			}
		}
	})

	t.Run("folder and file given twice", func(t *testing.T) {
		rep := scanWithin(t, []string{companion, "d", "d/", "./d", filepath.Join(dir, "d"), "d/a.yaml", "d/a.yaml", "d/sub/../a.yaml", companion}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 0 {
			t.Errorf("errors %v", rep.Errors)
		}
		if got := strings.Join(rep.Files, ","); got != "companion.yaml,d/a.yaml,d/sub/b.json" {
			t.Errorf("files %s", got)
		}
		if got := fileFindings(rep, "d/a.yaml"); strings.Join(got, ",") != "14 EKSSG026" {
			t.Errorf("d/a.yaml findings %v: a file scanned twice must not report twice", got)
		}
	})

	t.Run("symlink loops", func(t *testing.T) {
		loop := filepath.Join(dir, "loop")
		write(t, filepath.Join(loop, "a.yaml"), strings.ReplaceAll(tagged, "prod", "loop"))
		symlink(t, loop, filepath.Join(loop, "self"))
		symlink(t, "..", filepath.Join(loop, "up"))
		symlink(t, "x.yaml", filepath.Join(loop, "y.yaml")) // y -> x -> y
		symlink(t, "y.yaml", filepath.Join(loop, "x.yaml"))
		rep := scanWithin(t, []string{companion, "loop"}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 0 {
			t.Errorf("errors %v", rep.Errors)
		}
		if got := fileFindings(rep, "loop/a.yaml"); len(got) != 1 {
			t.Errorf("loop/a.yaml findings %v", got)
		}
		// Named explicitly, a file symlink loop is an error without a line.
		rep = scanWithin(t, []string{companion, "loop/x.yaml"}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "loop/x.yaml" || rep.Errors[0].Loc.Line != 0 ||
			!strings.Contains(rep.Errors[0].Message, "symbolic links") {
			t.Errorf("errors %v", rep.Errors)
		}
	})

	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		if runtime.GOOS == "windows" {
			t.Skip("no POSIX modes")
		}
		u := filepath.Join(dir, "unreadable")
		write(t, filepath.Join(u, "secret.yaml"), other)
		write(t, filepath.Join(u, "closed", "c.yaml"), other)
		write(t, filepath.Join(u, "open.yaml"), strings.ReplaceAll(tagged, "prod", "open"))
		for _, p := range []string{filepath.Join(u, "secret.yaml"), filepath.Join(u, "closed")} {
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(p, 0o755) })
		}
		rep := scanWithin(t, []string{companion, "unreadable", "unreadable/secret.yaml"}, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		errs := map[string]string{}
		for _, e := range rep.Errors {
			errs[e.Loc.File] = e.Message
			if e.Loc.Line != 0 {
				t.Errorf("%s: line %d for an unreadable file", e.Loc.File, e.Loc.Line)
			}
		}
		for _, f := range []string{"unreadable/secret.yaml", "unreadable/closed"} {
			if !strings.Contains(errs[f], "permission denied") {
				t.Errorf("%s: error %q, want permission denied (all errors %v)", f, errs[f], rep.Errors)
			}
		}
		if got := fileFindings(rep, "unreadable/open.yaml"); len(got) != 1 {
			t.Errorf("unreadable/open.yaml findings %v", got)
		}
	})
}

// TestHostileParserPanic provokes a panic inside one file's parse: the
// per-file ParamsFor hook runs inside parseOne, so a hook that panics for
// one file stands in for a parser bug without changing production code.
func TestHostileParserPanic(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	write(t, filepath.Join(dir, "boom.yaml"), other)
	write(t, filepath.Join(dir, "after.yaml"), strings.ReplaceAll(tagged, "prod", "after"))
	rep := scanWithin(t, []string{companion, "boom.yaml", "after.yaml"}, Options{WorkDir: dir,
		ParamsFor: func(abs string) map[string]string {
			if filepath.Base(abs) == "boom.yaml" {
				panic("kaboom")
			}
			return nil
		}})
	checkCompanion(t, rep)
	if len(rep.Errors) != 1 {
		t.Fatalf("errors %v", rep.Errors)
	}
	e := rep.Errors[0]
	if e.Loc.File != "boom.yaml" || !strings.Contains(e.Message, "internal error while parsing: kaboom") || !strings.Contains(e.Message, "please report this file") {
		t.Errorf("error %s: %s", e.Loc, e.Message)
	}
	if got := fileFindings(rep, "after.yaml"); strings.Join(got, ",") != "14 EKSSG026" {
		t.Errorf("after.yaml findings %v", got)
	}
	if got := fileFindings(rep, "boom.yaml"); len(got) != 0 {
		t.Errorf("boom.yaml findings %v", got)
	}
	listed := false
	for _, f := range rep.Files {
		listed = listed || f == "boom.yaml"
	}
	if !listed {
		t.Errorf("boom.yaml is not among the files scanned: %v", rep.Files)
	}
}

// TestHostileRulePanic runs a rule that panics (after reporting once)
// among the real rules: the others' findings stay, a notification names
// the rule, and nothing of the broken rule leaks out half-done.
func TestHostileRulePanic(t *testing.T) {
	boom := &analyzer.Analyzer{ID: "EKSSG999", Name: "boom", Level: analyzer.LevelError,
		Run: func(p *analyzer.Pass) {
			for _, ng := range p.Graph.NodeGroups {
				if ng.Name == "NodeGroup" {
					var m map[string]int
					m["x"]++ //nolint:govet,staticcheck // a deliberate nil map write: a real runtime panic
				}
			}
		}}
	rules := append([]*analyzer.Analyzer{boom}, analyzer.All()...)
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	write(t, filepath.Join(dir, "x.yaml"), other)
	rep := scanWithin(t, []string{companion, "x.yaml"}, Options{WorkDir: dir, Rules: rules})
	checkCompanion(t, rep)
	if got := fileFindings(rep, "x.yaml"); strings.Join(got, ",") != "14 EKSSG026" {
		t.Errorf("x.yaml findings %v", got)
	}
	var internal []string
	for _, n := range rep.Notifications {
		if n.Level == "error" {
			internal = append(internal, n.Rule+": "+n.Message)
		}
	}
	if len(internal) != 1 || !regexp.MustCompile(`^EKSSG999: internal error in rule EKSSG999: .*nil map`).MatchString(internal[0]) {
		t.Errorf("internal error notifications %q", internal)
	}

	// analyzer.Run directly, the panicking rule in the middle.
	g := rep.Graph
	all := analyzer.All()
	mid := append(append(append([]*analyzer.Analyzer(nil), all[:5]...), boom), all[5:]...)
	want, wantNotes := analyzer.Run(g, all)
	got, gotNotes := analyzer.Run(g, mid)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings differ with a panicking rule among them:\n%v\nwant\n%v", got, want)
	}
	if len(gotNotes) != len(wantNotes)+1 {
		t.Errorf("%d notifications, want %d + 1", len(gotNotes), len(wantNotes))
	}
}

// conditionalNodeSG is a node security group whose whole Properties is an
// Fn::If: both branches tag the group for the cluster, the first one only
// when the parameter says so.
const conditionalNodeSG = `AWSTemplateFormatVersion: "2010-09-09"
Parameters: {P: {Type: String}}
Conditions: {C: !Equals [!Ref P, tagged]}
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: cond
      ResourcesVpcConfig: !If
        - C
        - {SubnetIds: [a], SecurityGroupIds: [!Ref Shared]}
        - {SubnetIds: [a], SecurityGroupIds: [!Ref Shared]}
  Shared:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: shared}
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {VPCSecurityGroups: [!Ref Shared]}
  NodeSG:
    Type: AWS::EC2::SecurityGroup
    Properties: !If
      - C
      - {GroupDescription: a, Tags: [{Key: kubernetes.io/cluster/cond, Value: owned}]}
      - {GroupDescription: b}
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {SecurityGroupIds: [!Ref NodeSG]}
  NG:
    Type: AWS::EKS::Nodegroup
    Properties: {ClusterName: !Ref Cluster, LaunchTemplate: {Id: !Ref LT}}
`

// TestHostileConditionalObjects: a whole Properties (or ResourcesVpcConfig)
// written as an Fn::If takes its branch when the condition is known, and is
// unknown, not empty, when it is not. (It used to be read as empty: no tags
// and no rules, "proving" EKSSG001 and the port rules.)
func TestHostileConditionalObjects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		params map[string]string
		want   []string // findings as "LINE RULE"
		note   bool     // the "cannot follow" notification
	}{
		// Unknown: nothing proven about NodeSG or the control plane.
		{name: "unknown condition", want: []string{"28 EKSSG026"}, note: true},
		// True: NodeSG is tagged; Shared (control plane) is attached to Db.
		{name: "true", params: map[string]string{"P": "tagged"},
			want: []string{"18 EKSSG011", "19 EKSSG021", "19 EKSSG022", "19 EKSSG023", "28 EKSSG026"}},
		// False: NodeSG has no tag, which is now proven.
		{name: "false", params: map[string]string{"P": "no"},
			want: []string{"18 EKSSG011", "19 EKSSG001", "19 EKSSG021", "19 EKSSG022", "19 EKSSG023", "28 EKSSG026"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "cond.yaml"), conditionalNodeSG)
			rep := scanWithin(t, []string{"cond.yaml"}, Options{WorkDir: dir, Params: tc.params})
			checkSane(t, rep)
			if len(rep.Errors) != 0 {
				t.Fatalf("errors %v", rep.Errors)
			}
			got := fileFindings(rep, "cond.yaml")
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("findings %v, want %v\n%s", got, tc.want, strings.Join(fileFindings(rep, ""), "\n"))
			}
			notes := 0
			for _, n := range rep.Notifications {
				if strings.Contains(n.Message, "is an expression the model cannot follow") {
					notes++
					if n.Loc.Line != 21 {
						t.Errorf("note at %s: %s", n.Loc, n.Message)
					}
				}
			}
			if tc.note != (notes == 1) {
				t.Errorf("%d notes about NodeSG's Properties:\n%s", notes, notesOf(rep))
			}
		})
	}
}
