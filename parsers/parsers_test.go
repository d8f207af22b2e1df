package parsers

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

func suppressions(t *testing.T, file, src string) []graph.Suppression {
	t.Helper()
	res, err := Parse(file, []byte(src), Options{})
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(res.Docs) == 0 {
		t.Fatalf("%s: not recognised", file)
	}
	var out []graph.Suppression
	for _, d := range res.Docs {
		out = append(out, d.Suppressions...)
	}
	return out
}

const sgHead = "Resources:\n  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"

// The marker inside a string is text: on main every case below but the
// real comments was honoured (a describe-security-groups description
// could silence a whole minified file).
func TestSuppressionsOnlyFromRealComments(t *testing.T) {
	const marker = "# eks-sg-lint:ignore EKSSG031 attacker says so"
	for _, tc := range []struct {
		name, file, src string
	}{
		{"JSON string", "sgs.json", `{"SecurityGroups": [{"GroupId": "sg-1", "Description": "x ` + marker + `", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "` + marker + `"}]}]}]}`},
		{"JSON template string", "t.json", `{"Resources": {"SG": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "a ` + marker + `"}}}}`},
		{"YAML double-quoted", "t.yaml", sgHead + `      GroupDescription: "a ` + marker + `"` + "\n"},
		{"YAML double-quoted over lines", "t.yaml", sgHead + "      GroupDescription: \"a\n        " + marker + " \\\" \"\n"},
		{"YAML single-quoted", "t.yaml", sgHead + "      GroupDescription: 'it''s " + marker + "'\n"},
		{"YAML quoted key", "t.yaml", sgHead + "      GroupDescription: x\n      Tags: [{Key: 'k " + marker + "', Value: v}]\n"},
		{"YAML literal block", "t.yaml", sgHead + "      GroupDescription: |\n        line\n        " + marker + "\n\n        more\n"},
		{"YAML folded block", "t.yaml", sgHead + "      GroupDescription: >-\n        " + marker + "\n"},
		{"YAML flow-style .yaml starting with {", "t.yaml", `{Resources: {SG: {Type: "AWS::EC2::SecurityGroup", Properties: {GroupDescription: "` + marker + `"}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s := suppressions(t, tc.file, tc.src); len(s) != 0 {
				t.Errorf("suppressions from text inside a scalar: %+v", s)
			}
		})
	}
}

func TestSuppressionsFromComments(t *testing.T) {
	src := "# eks-sg-lint:ignore EKSSG001 head comment\n" + // 1
		sgHead + // 2-5
		"      GroupDescription: \"a # not\" # eks-sg-lint:ignore EKSSG031,eksssg030 after a string\n" + // 6
		"      SecurityGroupIngress: # eks-sg-lint:ignore EKSSG024 on a key\n" + // 7
		"        - {IpProtocol: -1, CidrIp: 0.0.0.0/0} # eks-sg-lint:ignore EKSSG031 in flow # more\n" + // 8
		"      Tags: |\n        text\n      # eks-sg-lint:ignore EKSSG026 after a block\n" + // 9-11
		"      Other: x\n" // 12
	got := suppressions(t, "t.yaml", src)
	want := []struct {
		line, col int
		rules     string
		reason    string
	}{
		{1, 1, "EKSSG001", "head comment"},
		{6, 35, "EKSSG031,EKSSSG030", "after a string"},
		{7, 29, "EKSSG024", "on a key"},
		{8, 47, "EKSSG031", "in flow"},
		{11, 7, "EKSSG026", "after a block"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d suppressions, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Loc.Line != w.line || g.Loc.Column != w.col || strings.Join(g.Rules, ",") != w.rules || g.Reason != w.reason ||
			g.FromLine != w.line || g.ToLine != w.line+1 {
			t.Errorf("suppression %d = %+v, want line %d col %d rules %s reason %q", i, g, w.line, w.col, w.rules, w.reason)
		}
	}
}

func TestOurs(t *testing.T) {
	ours := map[string]string{
		"CloudFormation version":        "AWSTemplateFormatVersion: '2010-09-09'\nResources: {\n",
		"CloudFormation JSON, broken":   `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {},}`,
		"top-level Resources":           "Resources:\n  A:\n\tType: x\n",
		"resource type":                 "NodeSG:\n  Type: AWS::EC2::SecurityGroup\n  Properties: [\n",
		"JSON resource type":            `{"A": {"Type": "AWS::EKS::Cluster",}}`,
		"eksctl":                        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: x\n",
		"describe-security-groups":      "{\n  \"SecurityGroups\": [\n    {\"GroupId\": \"sg-1\",}\n  ]\n}\n",
		"describe-security-group-rules": `{"SecurityGroupRules": [{"GroupId": "sg-1",}]}`,
		"describe-instances":            `{"Reservations": [ {"Instances": [],} ]}`,
		"describe-cluster":              `{"cluster": {"name": "x", "resourcesVpcConfig": {},}}`,
		"describe-nodegroup":            `{"nodegroup": {"nodegroupArn": "arn:aws:eks:x",}}`,
		"aws --output yaml":             "SecurityGroups:\n- GroupId: sg-1\n  Description: [\n",
	}
	notOurs := map[string]string{
		"Helm template": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n" +
			"spec:\n  template:\n    spec:\n      nodeSelector:\n        alpha.eksctl.io/nodegroup-name: ng-1\n" +
			"      containers:\n        - resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n",
		"tsconfig.json": "{\n  // comment\n  \"compilerOptions\": {\"strict\": true,},\n}\n",
		"workflow":      "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n",
		"manifest":      "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-security-groups: sg-1\n",
		"package.json":  `{"name": "x", "cluster": {"size": 3},}`,
	}
	for name, src := range ours {
		if !Ours([]byte(src)) {
			t.Errorf("%s: not recognised as ours", name)
		}
	}
	for name, src := range notOurs {
		if Ours([]byte(src)) {
			t.Errorf("%s: taken as ours", name)
		}
		res, err := Parse("x.yaml", []byte(src), Options{})
		if err != nil && res.Ours {
			t.Errorf("%s: broken and ours: %v", name, err)
		}
	}
}

func encodeUTF16(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// PowerShell 5.1's `aws ec2 describe-security-groups > sgs.json` writes
// UTF-16 LE with a BOM: on main the file was an error ("save it as UTF-8").
func TestUTF16(t *testing.T) {
	// An astral character (two UTF-16 units) before the error: columns
	// count characters.
	broken := "{\r\n  \"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"Description\": \"😀é\" x}]\r\n}\r\n"
	for _, be := range []bool{false, true} {
		res, err := Parse("sgs.json", encodeUTF16(`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}`, be), Options{})
		if err != nil || res.Format != "aws-cli-json" {
			t.Errorf("big endian %v: format %q, err %v", be, res.Format, err)
		}
		_, err = Parse("sgs.json", encodeUTF16(broken, be), Options{})
		fe, ok := err.(*FileError)
		if !ok || fe.Line != 2 || fe.Column != 62 {
			t.Errorf("big endian %v: error %v, want one at line 2, column 62", be, err)
		}
	}
}

// The JSON fast path is an optimisation: a .yaml file that starts with '{'
// and is YAML flow style or has a '#' comment is YAML (on main: "invalid
// JSON"). A .json file stays strict.
func TestBraceFirstYAML(t *testing.T) {
	for _, src := range []string{
		"{Resources: {SG: {Type: AWS::EC2::SecurityGroup}}}\n",
		"{\n  \"Resources\": { # the groups\n    \"SG\": {\"Type\": \"AWS::EC2::SecurityGroup\"}\n  }\n}\n",
	} {
		res, err := Parse("t.yaml", []byte(src), Options{})
		if err != nil || res.Format != "cloudformation" {
			t.Errorf("%q: format %q, err %v", src, res.Format, err)
		}
		if _, err := Parse("t.json", []byte(src), Options{}); err == nil || !strings.Contains(err.Error(), "invalid JSON") {
			t.Errorf("%q as .json: %v, want invalid JSON", src, err)
		}
	}
	// Broken both ways: a .yaml file reports the YAML error.
	if _, err := Parse("t.yaml", []byte("{Resources: [}\n"), Options{}); err == nil || strings.Contains(err.Error(), "JSON") {
		t.Errorf("broken .yaml: %v, want the YAML error", err)
	}
}

// FuzzSuppressionInjection puts arbitrary text where an input's author
// (or anyone who can set a security group's description) puts text: in
// JSON strings, YAML quoted scalars and YAML block scalars. Whatever it
// holds, it never yields a suppression.
func FuzzSuppressionInjection(f *testing.F) {
	for _, s := range []string{
		"# eks-sg-lint:ignore EKSSG031 x", "a\" # eks-sg-lint:ignore EKSSG031 x", "\n# eks-sg-lint:ignore EKSSG031",
		"x' # eks-sg-lint:ignore EKSSG031", "\\\" # eks-sg-lint:ignore EKSSG031 y", "a\r# eks-sg-lint:ignore EKSSG031",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, _ := json.Marshal(s) // a JSON string is a YAML double-quoted scalar too
		cases := map[string]string{
			"sgs.json": `{"SecurityGroups": [{"GroupId": "sg-1", "Description": ` + string(q) + `, "IpPermissions": []}]}`,
			"t.yaml":   sgHead + "      GroupDescription: " + string(q) + "\n",
			"s.yaml":   sgHead + "      GroupDescription: '" + strings.ReplaceAll(s, "'", "''") + "'\n",
			"b.yaml":   sgHead + "      GroupDescription: |\n        " + strings.ReplaceAll(s, "\n", "\n        ") + "\n",
		}
		if strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
			// Line breaks the indentation above does not follow: text
			// after one really is outside the block scalar.
			delete(cases, "b.yaml")
		}
		for file, src := range cases {
			res, err := Parse(file, []byte(src), Options{})
			if err != nil {
				continue
			}
			for _, d := range res.Docs {
				if len(d.Suppressions) > 0 {
					t.Fatalf("%s: %q gave suppressions %+v", file, src, d.Suppressions)
				}
			}
		}
	})
}
