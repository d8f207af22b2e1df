package cloudformation

import (
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
)

func parse(t *testing.T, src string, params map[string]string) *graph.Document {
	t.Helper()
	docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{JSON: strings.HasPrefix(strings.TrimSpace(src), "{")})
	if err != nil {
		t.Fatalf("yaml: %v", err)
	}
	if len(docs) != 1 || !IsTemplate(docs[0]) {
		t.Fatalf("not recognised as a template")
	}
	d, err := Parse("t.yaml", docs[0], Options{Params: params})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return d
}

func findSG(d *graph.Document, name string) *graph.SecurityGroup {
	for _, sg := range d.SGs {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

// tagKey returns the rendered key of the first tag of a group.
func tagKey(t *testing.T, d *graph.Document, sg string) graph.Value {
	t.Helper()
	g := findSG(d, sg)
	if g == nil || len(g.Tags) == 0 {
		t.Fatalf("no tags on %s", sg)
	}
	return g.Tags[0].Key
}

func TestIntrinsicsInTagKeys(t *testing.T) {
	src := `
AWSTemplateFormatVersion: 2010-09-09
Transform: [SomeMacro]
Parameters:
  Name: {Type: String}
  Env: {Type: String, Default: prod}
  Placeholder: {Type: String, Default: "~~/config/name~~"}
Mappings:
  M: {prod: {Prefix: "p-"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref Name, x]
  Long: {"Fn::And": [{Condition: IsProd}, !Not [!Equals [!Ref Env, dev]]]}
Resources:
  Sub: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Sub "a/${Name}/b", Value: v}]}}
  SubList: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Sub ["x-${V}", {V: !Ref Env}], Value: v}]}}
  SubEscape: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Sub "${!Literal}-${AWS::Region}", Value: v}]}}
  Join: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Join ["/", [a, !Ref Env]], Value: v}]}}
  Select: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Select [1, [a, b, c]], Value: v}]}}
  SelectSplit: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Select [1, !Split [",", "a,b,c"]], Value: v}]}}
  FindInMap: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !FindInMap [M, !Ref Env, Prefix], Value: v}]}}
  IfKnown: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !If [IsProd, yes-branch, no-branch], Value: v}]}}
  IfLong: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: {"Fn::If": [Long, long-yes, long-no]}, Value: v}]}}
  IfUnknown: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !If [Unknown, a, b], Value: v}]}}
  Macro: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !Ref Placeholder, Value: v}]}}
  GetAtt: {Type: AWS::EC2::SecurityGroup, Properties: {Tags: [{Key: !GetAtt Stack.Outputs.Name, Value: v}]}}
  Stack: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: x}}
`
	d := parse(t, src, nil)
	cases := map[string]string{
		"Sub": "a/${Name}/b", "SubList": "x-prod", "SubEscape": "${Literal}-${AWS::Region}",
		"Join": "a/prod", "Select": "b", "SelectSplit": "b", "FindInMap": "p-", "IfKnown": "yes-branch",
		"IfLong": "long-yes", "IfUnknown": "If(Unknown, a, b)", "Macro": "${Placeholder}", "GetAtt": "${Stack.Outputs.Name}",
	}
	for sg, want := range cases {
		if got := tagKey(t, d, sg).String(); got != want {
			t.Errorf("%s: tag key %q, want %q", sg, got, want)
		}
	}
	// With a value the parameter becomes concrete.
	d = parse(t, src, map[string]string{"Name": "n1", "Env": "dev"})
	if got := tagKey(t, d, "Sub").String(); got != "a/n1/b" {
		t.Errorf("--param Name: got %q", got)
	}
	if got := tagKey(t, d, "IfKnown").String(); got != "no-branch" {
		t.Errorf("--param Env=dev should flip IsProd: got %q", got)
	}
}

func TestScalarsStayAsWritten(t *testing.T) {
	d := parse(t, `
AWSTemplateFormatVersion: 2010-09-09
Resources:
  C:
    Type: AWS::EKS::Cluster
    Properties: {Name: c, Version: 1.10, ResourcesVpcConfig: {SubnetIds: [s]}}
`, nil)
	if v := d.Clusters[0].Version.String(); v != "1.10" {
		t.Errorf("version %q, want 1.10 as written", v)
	}
}

func TestGetAttShapes(t *testing.T) {
	yaml := `
Resources:
  SG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  R1: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: !GetAtt SG.GroupId, IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8}}
  R2: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: !GetAtt [SG, GroupId], IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8}}
  R3: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {"Fn::GetAtt": "SG.GroupId"}, IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8}}
  R4: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {"Fn::GetAtt": [SG, GroupId]}, IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8}}
  R5: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: {Ref: SG}, IpProtocol: tcp, FromPort: 1, ToPort: 2, CidrIp: 10.0.0.0/8}}
`
	d := parse(t, yaml, nil)
	if len(d.Rules) != 5 {
		t.Fatalf("%d standalone rules, want 5", len(d.Rules))
	}
	for _, r := range d.Rules {
		if r.SG != graph.ResourceSGKey("t.yaml", "SG") {
			t.Errorf("%s: owner %s, want the SG resource", r.Resource, r.SG)
		}
	}
}

func TestRulesAndDefaultEgress(t *testing.T) {
	d := parse(t, `
Resources:
  Inline:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupIngress:
        - {IpProtocol: "-1", SourceSecurityGroupId: !Ref Inline}
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.5}
        - {IpProtocol: icmp, FromPort: -1, ToPort: -1, CidrIpv6: "::/0"}
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Defaulted:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x}
  Added:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref Defaulted, IpProtocol: udp, FromPort: 53, ToPort: 53, DestinationSecurityGroupId: !Ref Inline}
`, nil)
	in := findSG(d, "Inline")
	if len(in.Rules) != 4 {
		t.Fatalf("Inline: %d rules, want 4 (inline egress replaces the default)", len(in.Rules))
	}
	self := in.Rules[0]
	if self.Protocol != graph.ProtoAll || self.Peer.SG != in.Key || !self.PortsKnown || self.FromPort != 0 || self.ToPort != 65535 {
		t.Errorf("self rule: %+v", self)
	}
	if host := in.Rules[1]; host.Peer.CIDR.String() != "10.0.0.5/32" || host.Traffic() != "TCP 22 (SSH)" {
		t.Errorf("host rule: %v %s", host.Peer.CIDR, host.Traffic())
	}
	if v6 := in.Rules[2]; !v6.IsWorldOpen() || v6.Protocol != graph.ProtoICMP {
		t.Errorf("icmpv6 world rule: %+v", v6)
	}
	def := findSG(d, "Defaulted")
	if len(def.Rules) != 1 || def.Rules[0].Implicit == "" || def.Rules[0].Direction != graph.Egress {
		t.Fatalf("Defaulted keeps the default egress: %+v", def.Rules)
	}
	if len(d.Rules) != 1 || d.Rules[0].Peer.SG != in.Key || d.Rules[0].Protocol != graph.ProtoUDP {
		t.Errorf("standalone egress adds: %+v", d.Rules)
	}
}

func TestConditionsAndNoValue(t *testing.T) {
	src := `
Parameters:
  Env: {Type: String, Default: dev}
  Free: {Type: String}
Conditions:
  Prod: !Equals [!Ref Env, prod]
  Maybe: !Equals [!Ref Free, "yes"]
Resources:
  Gone: {Type: AWS::EC2::SecurityGroup, Condition: Prod, Properties: {GroupDescription: x}}
  Maybe: {Type: AWS::EC2::SecurityGroup, Condition: Maybe, Properties: {GroupDescription: x}}
  A: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  B: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds:
          - !Ref A
          - !If [Prod, !Ref B, !Ref "AWS::NoValue"]
          - !If [Maybe, !Ref B, !Ref "AWS::NoValue"]
`
	d := parse(t, src, nil)
	if findSG(d, "Gone") != nil {
		t.Error("a resource whose condition is false must not exist")
	}
	if findSG(d, "Maybe") == nil {
		t.Error("a resource whose condition is unknown may exist")
	}
	var got []string
	for _, a := range d.Attachments {
		got = append(got, graph.ExternalSGName(a.SG)+map[bool]string{true: "!", false: "?"}[a.Certain])
	}
	if strings.Join(got, ",") != "A!,B?" {
		t.Errorf("attachments %v, want A certain and B maybe", got)
	}
}

func TestSplitOfSubListsGroups(t *testing.T) {
	d := parse(t, `
Parameters:
  Extra: {Type: String, Default: ""}
  Open: {Type: String}
Resources:
  NodeSG: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  LT1:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: !Split [",", !Sub "${NodeSG},${Extra}"]
  LT2:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: !Split [",", !Sub "${NodeSG},${Open}"]
`, nil)
	byRes := map[string][]graph.SGKey{}
	for _, a := range d.Attachments {
		byRes[a.Resource] = append(byRes[a.Resource], a.SG)
	}
	if len(byRes["LT1"]) != 1 || byRes["LT1"][0] != graph.ResourceSGKey("t.yaml", "NodeSG") {
		t.Errorf("LT1: %v", byRes["LT1"])
	}
}

func TestExportsAliasImports(t *testing.T) {
	exporter := parse(t, `
Resources:
  C: {Type: AWS::EKS::Cluster, Properties: {Name: prod, ResourcesVpcConfig: {SubnetIds: [s]}}}
Outputs:
  CSG:
    Value: !GetAtt C.ClusterSecurityGroupId
    Export: {Name: !Sub "${AWS::StackName}-CSG"}
`, map[string]string{"AWS::StackName": "net"})
	importer := parse(t, `
Resources:
  LT:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: [!ImportValue net-CSG]
  NG:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: prod
      LaunchTemplate: {Id: !Ref LT}
`, nil)
	importer.File = "u.yaml"
	g := graph.Merge([]*graph.Document{exporter, importer})
	if len(g.NodeGroups) != 1 {
		t.Fatalf("%d node groups", len(g.NodeGroups))
	}
	ng := g.NodeGroups[0]
	c := g.Cluster(ng.ClusterKey)
	if c == nil || !c.Defined {
		t.Fatal("the node group must link to the defined cluster by name")
	}
	if len(ng.SGs) != 1 || ng.SGs[0].SG != c.ClusterSG {
		t.Errorf("imported group %v should resolve to the cluster SG %v", ng.SGs, c.ClusterSG)
	}
}

func TestFragmentAndDetection(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"AWSTemplateFormatVersion: '2010-09-09'\n", true},
		{"Resources:\n  A: {Type: AWS::SNS::Topic}\n", true},
		{"A: {Type: AWS::SNS::Topic}\nB: {Type: Custom::X}\n", true},
		{"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", false},
		{"on: push\njobs: {build: {runs-on: ubuntu-latest}}\n", false},
		{"Resources: {}\n", false},
		{"- a\n- b\n", false},
	} {
		docs, _, err := yamltree.Parse([]byte(tc.src), yamltree.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(docs) == 1 && IsTemplate(docs[0]); got != tc.want {
			t.Errorf("%q: IsTemplate=%v, want %v", tc.src, got, tc.want)
		}
	}
}

func TestBadShapesAreErrorsNotPanics(t *testing.T) {
	for _, src := range []string{
		"AWSTemplateFormatVersion: x\nResources: [a, b]\n",
		"AWSTemplateFormatVersion: x\nResources: {A: 1}\n",
		"AWSTemplateFormatVersion: x\nResources: {A: {Properties: {}}}\n",
	} {
		docs, _, _ := yamltree.Parse([]byte(src), yamltree.Options{})
		_, err := Parse("t.yaml", docs[0], Options{})
		var pe *ParseError
		if err == nil || !asParseError(err, &pe) || pe.Line == 0 {
			t.Errorf("%q: want a positioned error, got %v", src, err)
		}
	}
}

func asParseError(err error, out **ParseError) bool {
	pe, ok := err.(*ParseError)
	*out = pe
	return ok
}

// On main each of these was accepted without a word: the resources under
// a cyclic condition were neither there nor absent, a Type of null, 42 or
// ” was taken as a type nobody models, and a CIDR that does not parse
// became an unknown source silently.
func TestInvalidTemplatesAreNotSilent(t *testing.T) {
	const head = "AWSTemplateFormatVersion: '2010-09-09'\n"
	const sg = "  SG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n"
	for _, tc := range []struct{ name, src, err string }{
		{"cycle of two", head + "Conditions:\n  A: !Not [!Condition B]\n  B: !Condition A\nResources:\n" + sg + "    Condition: A\n",
			"line 3, column 3: condition A depends on itself (A → B → A)"},
		{"unused cycle", head + "Conditions:\n  Used: !Equals [a, a]\n  C: !Or [{Condition: C}, !Condition Used]\nResources:\n" + sg,
			"line 4, column 3: condition C depends on itself (C → C)"},
		{"Type null", head + "Resources:\n  X:\n    Type: null\n", "line 4, column 11: resource X has Type null; it must name a resource type"},
		{"Type 42", head + "Resources:\n  X:\n    Type: 42\n", "line 4, column 11: resource X has Type 42"},
		{"Type empty", head + "Resources:\n  X:\n    Type: ''\n", "line 4, column 11: resource X has Type ''"},
		{"Type empty JSON", `{"Resources": {"X": {"Type": ""}}}`, "line 1, column 30: resource X has Type ''"},
	} {
		docs, _, err := yamltree.Parse([]byte(tc.src), yamltree.Options{JSON: strings.HasPrefix(tc.src, "{")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse("t.yaml", docs[0], Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	src := head + "Resources:\n" + sg + "      SecurityGroupIngress:\n" +
		"        - {IpProtocol: -1, CidrIp: 0.0.0.0/00}\n        - {IpProtocol: -1, CidrIpv6: '::/129'}\n        - {IpProtocol: -1, CidrIp: 10.0.0.0/8}\n"
	docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse("t.yaml", docs[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range doc.Notifications {
		if n.Level == "warning" {
			got = append(got, n.Loc.String()+" "+n.Message)
		}
	}
	want := []string{
		`t.yaml:8:36 CidrIp "0.0.0.0/00" is not a CIDR; the rule's source is unknown`,
		`t.yaml:9:38 CidrIpv6 "::/129" is not a CIDR; the rule's source is unknown`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
