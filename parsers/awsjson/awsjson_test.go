package awsjson

import (
	"errors"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

func load(t *testing.T, src string) *yaml.Node {
	t.Helper()
	trimmed := strings.TrimSpace(src)
	docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{JSON: strings.HasPrefix(trimmed, "{")})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if len(docs) != 1 {
		t.Fatalf("load: %d documents", len(docs))
	}
	return docs[0]
}

// parse loads src, checks Detect names kind and parses it.
func parse(t *testing.T, kind, src string) *graph.Document {
	t.Helper()
	doc := load(t, src)
	if got := Detect(doc); got != kind {
		t.Fatalf("Detect = %q, want %q", got, kind)
	}
	d, err := Parse("f.json", doc)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

// parseErr loads src and returns the *Error Parse gives.
func parseErr(t *testing.T, src string) *Error {
	t.Helper()
	doc := load(t, src)
	if Detect(doc) == "" {
		t.Fatalf("not detected")
	}
	_, err := Parse("f.json", doc)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse error = %v (%T), want *Error", err, err)
	}
	return e
}

// lit reports whether v is the literal s.
func lit(v graph.Value, s string) bool {
	got, ok := v.Literal()
	return ok && got == s
}

func sgByKey(d *graph.Document, k string) *graph.SecurityGroup {
	for _, sg := range d.SGs {
		if sg.Key == graph.SGKey(k) {
			return sg
		}
	}
	return nil
}

func rulesOf(sg *graph.SecurityGroup, dir graph.Direction) []*graph.Rule {
	var out []*graph.Rule
	for _, r := range sg.Rules {
		if r.Direction == dir {
			out = append(out, r)
		}
	}
	return out
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{"SecurityGroups": []}`, KindSecurityGroups},
		{`{"SecurityGroups": [], "NextToken": "abc"}`, KindSecurityGroups},
		{`{"SecurityGroupRules": []}`, KindSecurityGroupRules},
		{`{"Reservations": []}`, KindInstances},
		{`{"cluster": {"name": "a", "resourcesVpcConfig": {}}}`, KindCluster},
		{`{"cluster": {"name": "a", "arn": "arn:aws:eks:us-east-1:1:cluster/a"}}`, KindCluster},
		{`{"nodegroup": {"nodegroupName": "n", "clusterName": "a"}}`, KindNodegroup},
		{`{"status_code": 200, "data": {"SecurityGroups": [], "ResponseMetadata": {}}}`, KindSecurityGroups},
		{`{"status_code": 200, "data": {"ResponseMetadata": {}, "cluster": {"name": "a", "resourcesVpcConfig": {}}}}`, KindCluster},
		// YAML output of the CLI reads the same.
		{"SecurityGroups:\n- GroupId: sg-1\n", KindSecurityGroups},
		// Not AWS CLI output: Helm-style values with a "cluster" key, other
		// objects, lists, scalars.
		{"cluster:\n  name: prod\n  endpoint: https://x\n", ""},
		{`{"nodegroup": {"name": "x"}}`, ""},
		{`{"cluster": "prod"}`, ""},
		{`{"status_code": 200, "data": {"other": 1}}`, ""},
		{`[{"SecurityGroups": []}]`, ""},
		{`"SecurityGroups"`, ""},
		{`{}`, ""},
	} {
		if got := Detect(load(t, tc.src)); got != tc.want {
			t.Errorf("Detect(%s) = %q, want %q", tc.src, got, tc.want)
		}
	}
	if Detect(nil) != "" || Detect(&yaml.Node{Kind: yaml.DocumentNode}) != "" {
		t.Error("Detect of an empty document")
	}
}

const sgsJSON = `{
  "SecurityGroups": [
    {
      "GroupName": "nodes",
      "GroupId": "sg-0aaa",
      "IpPermissions": [
        {
          "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
          "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}, {"CidrIp": "10.1.2.3/16"}],
          "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}],
          "PrefixListIds": [{"PrefixListId": "pl-0123"}],
          "UserIdGroupPairs": [{"UserId": "1", "GroupId": "sg-0aaa"}, {"UserId": "1", "GroupId": "sg-0bbb"}]
        },
        {"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": [{"GroupId": "sg-0ccc"}], "PrefixListIds": []},
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": 0, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "udp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "50", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "6", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
      ],
      "IpPermissionsEgress": [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}
      ],
      "Tags": [{"Key": "Name", "Value": "nodes"}, {"Key": "kubernetes.io/cluster/prod", "Value": "owned"}, {"Key": "empty", "Value": ""}, {"Key": "novalue"}]
    },
    {
      "GroupName": "closed",
      "GroupId": "sg-0bbb",
      "IpPermissions": [],
      "IpPermissionsEgress": []
    }
  ]
}`

func TestSecurityGroups(t *testing.T) {
	d := parse(t, KindSecurityGroups, sgsJSON)
	if len(d.SGs) != 2 {
		t.Fatalf("%d groups, want 2", len(d.SGs))
	}
	sg := sgByKey(d, "sg-0aaa")
	if sg == nil || !sg.Defined || sg.Name != "sg-0aaa (nodes)" || sg.TagsOpen || sg.RulesOpen || sg.ClusterSGOf != "" {
		t.Fatalf("group: %+v", sg)
	}
	if sg.Loc.Line != 5 || sg.Loc.Column != 18 {
		t.Errorf("group location %v, want line 5 column 18 (the GroupId value)", sg.Loc)
	}
	if len(sg.Tags) != 4 {
		t.Fatalf("tags: %+v", sg.Tags)
	}
	for i, want := range [][2]string{{"Name", "nodes"}, {"kubernetes.io/cluster/prod", "owned"}, {"empty", ""}, {"novalue", ""}} {
		tg := sg.Tags[i]
		if !lit(tg.Key, want[0]) || tg.Value.Str != want[1] || !tg.Certain || tg.Implicit || tg.Loc.Line != 25 {
			t.Errorf("tag %d: %+v, want %v at line 25", i, tg, want)
		}
	}

	in := rulesOf(sg, graph.Ingress)
	// 6 peers of the first permission, then one rule per peer of the others;
	// the last permission lists no peer at all and allows nothing.
	if len(in) != 6+1+1+1+1+1+1 {
		t.Fatalf("%d ingress rules", len(in))
	}
	type want struct {
		proto, from, to int
		known           bool
		kind            graph.PeerKind
		expr            string
		line            int
	}
	for i, w := range []want{
		{graph.ProtoTCP, 22, 22, true, graph.PeerCIDR, "0.0.0.0/0", 9},
		{graph.ProtoTCP, 22, 22, true, graph.PeerCIDR, "10.1.2.3/16", 9},
		{graph.ProtoTCP, 22, 22, true, graph.PeerCIDR, "2001:db8::/32", 10},
		{graph.ProtoTCP, 22, 22, true, graph.PeerSG, "sg-0aaa", 12},
		{graph.ProtoTCP, 22, 22, true, graph.PeerSG, "sg-0bbb", 12},
		{graph.ProtoTCP, 22, 22, true, graph.PeerPrefixList, "pl-0123", 11},
		{graph.ProtoAll, 0, 65535, true, graph.PeerSG, "sg-0ccc", 14},
		{graph.ProtoICMP, -1, -1, true, graph.PeerCIDR, "10.0.0.0/8", 15},
		{graph.ProtoICMP, 8, 0, true, graph.PeerCIDR, "10.0.0.0/8", 16},
		{graph.ProtoUDP, 0, 65535, true, graph.PeerCIDR, "10.0.0.0/8", 17},
		{50, 0, 65535, true, graph.PeerCIDR, "10.0.0.0/8", 18},
		{graph.ProtoTCP, 443, 443, true, graph.PeerCIDR, "10.0.0.0/8", 19},
	} {
		r := in[i]
		if r.Protocol != w.proto || r.FromPort != w.from || r.ToPort != w.to || r.PortsKnown != w.known ||
			r.Peer.Kind != w.kind || r.Peer.Expr != w.expr || r.Loc.Line != w.line || !r.Certain || r.Implicit != "" || r.SG != "sg-0aaa" {
			t.Errorf("ingress rule %d: %+v, want %+v", i, *r, w)
		}
	}
	// The PrefixListIds list comes after the pairs in the field order the
	// parser reads (CIDRs, IPv6, pairs, prefix lists), whatever the order
	// in the file.
	if in[0].Peer.CIDR.String() != "0.0.0.0/0" || !in[0].IsWorldOpen() || in[1].Peer.CIDR.String() != "10.1.0.0/16" {
		t.Errorf("CIDRs: %v %v", in[0].Peer.CIDR, in[1].Peer.CIDR)
	}
	if !lit(in[5].Peer.PrefixList, "pl-0123") {
		t.Errorf("prefix list: %+v", in[5].Peer)
	}
	if in[0].Loc.Column != 24 {
		t.Errorf("rule location %v, want the peer entry (column 24)", in[0].Loc)
	}
	out := rulesOf(sg, graph.Egress)
	if len(out) != 2 || out[0].Peer.Expr != "0.0.0.0/0" || out[1].Peer.Expr != "::/0" || out[0].Protocol != graph.ProtoAll || out[0].Implicit != "" {
		t.Errorf("egress: %+v", out)
	}

	closed := sgByKey(d, "sg-0bbb")
	if closed == nil || len(closed.Rules) != 0 || closed.RulesOpen || len(closed.Tags) != 0 || closed.TagsOpen {
		t.Errorf("a group with empty permissions and no Tags has no rules (no implicit egress) and no tags: %+v", closed)
	}
}

func TestClusterSGRecognisedByTag(t *testing.T) {
	d := parse(t, KindSecurityGroups, `{"SecurityGroups": [{
  "GroupId": "sg-0c", "GroupName": "eks-cluster-sg-prod-1",
  "IpPermissions": [
    {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0c"}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": "sg-0c"}]}
  ],
  "IpPermissionsEgress": [
    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-0c"}]},
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
  ],
  "Tags": [{"Key": "kubernetes.io/cluster/prod", "Value": "owned"}, {"Key": "aws:eks:cluster-name", "Value": "prod"},
           {"Key": "kubernetes.io/cluster/other", "Value": "owned"}]
}]}`)
	sg := d.SGs[0]
	if sg.ClusterSGOf != "name:prod" {
		t.Errorf("ClusterSGOf = %q", sg.ClusterSGOf)
	}
	if !sg.Tags[0].Implicit || sg.Tags[1].Implicit || sg.Tags[2].Implicit {
		t.Errorf("only the cluster's own tag is EKS's: %+v", sg.Tags)
	}
	if d.Aliases[graph.ClusterSGKey("name:prod")] != "sg-0c" {
		t.Errorf("aliases: %v", d.Aliases)
	}
	implicit := 0
	for _, r := range sg.Rules {
		if r.Implicit != "" {
			implicit++
		}
	}
	// Default: ingress all from itself, egress all to 0.0.0.0/0, ::/0 and
	// itself. Not the user's TCP 443 rules.
	if implicit != 4 {
		for _, r := range sg.Rules {
			t.Logf("%s %s %s implicit=%q", r.Direction, r.Traffic(), r.Peer.Expr, r.Implicit)
		}
		t.Errorf("%d default rules marked, want 4", implicit)
	}
}

func TestSecurityGroupsWrongShapes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"not a list", `{"SecurityGroups": {"GroupId": "sg-1"}}`, 1, 20, "SecurityGroups must be a list"},
		{"null", `{"SecurityGroups": null}`, 1, 20, "SecurityGroups must be a list of security groups, not null"},
		{"string", `{"SecurityGroups": "sg-1"}`, 1, 20, `not the value "sg-1"`},
		{"entry", "{\"SecurityGroups\": [\n  \"sg-1\"]}", 2, 3, "must be an object"},
		{"no id", "{\"SecurityGroups\": [\n  {\"GroupName\": \"x\"}]}", 2, 3, "without a GroupId"},
		{"empty id", "{\"SecurityGroups\": [\n  {\"GroupId\": \"\"}]}", 2, 3, "without a GroupId"},
		{"rules", "{\"SecurityGroupRules\": 7}", 1, 24, "SecurityGroupRules must be a list"},
		{"rule without group", "{\"SecurityGroupRules\": [\n {\"IsEgress\": false}]}", 2, 2, "without a GroupId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseErr(t, tc.src)
			line, col := e.Position()
			if line != tc.line || col != tc.col || !strings.Contains(e.Message(), tc.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", line, col, e.Message(), tc.line, tc.col, tc.msg)
			}
			if !strings.HasPrefix(e.Error(), "line ") {
				t.Errorf("Error() = %q", e.Error())
			}
		})
	}
}

// Wrong values inside a well-formed dump become unknown facts, not errors
// and not panics.
func TestSecurityGroupsWrongValues(t *testing.T) {
	d := parse(t, KindSecurityGroups, `{"SecurityGroups": [
  {"GroupId": "sg-a", "IpPermissions": {"IpProtocol": "tcp"}, "IpPermissionsEgress": "none"},
  {"GroupId": "sg-b",
   "IpPermissions": [
     {"IpProtocol": "banana", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "1.2.3.4/8"}]},
     {"IpProtocol": "tcp", "FromPort": "22", "ToPort": "22", "IpRanges": [{"CidrIp": "not-a-cidr"}]},
     {"IpProtocol": "tcp", "FromPort": "twenty", "ToPort": 22, "IpRanges": [{"CidrIp": "300.1.1.1/8"}]},
     {"IpProtocol": "tcp", "FromPort": 22.0, "ToPort": 70000, "IpRanges": [{"CidrIp": "10.0.0.0/33"}]},
     {"IpProtocol": "tcp", "FromPort": 30, "ToPort": 20, "IpRanges": [{}]},
     {"IpProtocol": "tcp", "IpRanges": "0.0.0.0/0"},
     {"IpProtocol": 300, "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupName": "classic"}, "sg-x", {"UserId": "1"}]},
     {"FromPort": 1, "ToPort": 1, "PrefixListIds": [{"Description": "no id"}]},
     {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1},
     "garbage",
     null
   ],
   "IpPermissionsEgress": [],
   "Tags": [{"Key": "a", "Value": "b"}, "c", {"Value": "no key"}, {"Key": {"x": 1}}]},
  {"GroupId": "sg-c", "Tags": {"Key": "a"}}
]}`)
	a := sgByKey(d, "sg-a")
	if !a.RulesOpen || len(a.Rules) != 0 {
		t.Errorf("IpPermissions as an object: %+v", a)
	}
	b := sgByKey(d, "sg-b")
	if !b.RulesOpen || !b.TagsOpen || len(b.Tags) != 1 {
		t.Errorf("sg-b: RulesOpen %v TagsOpen %v tags %+v", b.RulesOpen, b.TagsOpen, b.Tags)
	}
	in := rulesOf(b, graph.Ingress)
	check := func(i, proto int, known bool, kind graph.PeerKind) {
		t.Helper()
		if i >= len(in) {
			t.Fatalf("only %d rules", len(in))
		}
		r := in[i]
		if r.Protocol != proto || r.PortsKnown != known || r.Peer.Kind != kind {
			t.Errorf("rule %d: proto %d known %v peer %v (%q)", i, r.Protocol, r.PortsKnown, r.Peer.Kind, r.Peer.Expr)
		}
	}
	check(0, graph.ProtoUnknown, false, graph.PeerCIDR) // banana
	check(1, graph.ProtoTCP, true, graph.PeerUnknown)   // "22" is a port; not-a-cidr
	check(2, graph.ProtoTCP, false, graph.PeerUnknown)  // "twenty"; 300.1.1.1
	check(3, graph.ProtoTCP, false, graph.PeerUnknown)  // 70000; /33
	check(4, graph.ProtoTCP, false, graph.PeerUnknown)  // 30-20; no CidrIp
	check(5, graph.ProtoTCP, false, graph.PeerUnknown)  // IpRanges a string
	check(6, graph.ProtoUnknown, false, graph.PeerUnknown)
	check(7, graph.ProtoUnknown, false, graph.PeerUnknown)
	check(8, graph.ProtoUnknown, false, graph.PeerUnknown)
	check(9, graph.ProtoUnknown, false, graph.PeerUnknown)  // no IpProtocol
	check(10, graph.ProtoTCP, true, graph.PeerUnknown)      // no peer lists at all
	check(11, graph.ProtoUnknown, false, graph.PeerUnknown) // "garbage"
	check(12, graph.ProtoUnknown, false, graph.PeerUnknown) // null
	if len(in) != 13 {
		t.Errorf("%d rules, want 13", len(in))
	}
	if in[1].FromPort != 22 || in[1].ToPort != 22 || in[3].FromPort != 0 {
		t.Errorf("ports: %+v / %+v", in[1], in[3])
	}
	if in[6].Peer.Expr != "group named classic" {
		t.Errorf("EC2-Classic pair: %q", in[6].Peer.Expr)
	}
	for _, r := range in {
		if r.IsWorldOpen() {
			t.Errorf("no rule here is world-open: %+v", r)
		}
	}
	c := sgByKey(d, "sg-c")
	if !c.TagsOpen || !c.RulesOpen {
		t.Errorf("Tags as an object, permissions absent: %+v", c)
	}
	if len(d.Notifications) == 0 {
		t.Error("no notification for the unreadable parts")
	}
}

func TestSecurityGroupRules(t *testing.T) {
	d := parse(t, KindSecurityGroupRules, `{"SecurityGroupRules": [
  {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-a", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0"},
  {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-a", "IsEgress": true, "IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv6": "::/0"},
  {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-a", "IsEgress": false, "IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "ReferencedGroupInfo": {"GroupId": "sg-b", "UserId": "1"}},
  {"SecurityGroupRuleId": "sgr-4", "GroupId": "sg-b", "IsEgress": "true", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListId": "pl-1"},
  {"SecurityGroupRuleId": "sgr-5", "GroupId": "sg-b", "IsEgress": "maybe", "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIpv4": "1.1.1.1/32"},
  {"SecurityGroupRuleId": "sgr-6", "GroupId": "sg-b", "IsEgress": false, "IpProtocol": "icmpv6", "FromPort": -1, "ToPort": -1},
  {"SecurityGroupRuleId": "sgr-7", "GroupId": "sg-b", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "CidrIpv4": "1.1.1.1/40"}
]}`)
	if len(d.SGs) != 0 {
		t.Errorf("describe-security-group-rules describes no group: %+v", d.SGs)
	}
	if len(d.Rules) != 6 {
		t.Fatalf("%d rules, want 6 (the one with an unknown direction is skipped)", len(d.Rules))
	}
	for i, w := range []struct {
		sg    string
		dir   graph.Direction
		proto int
		kind  graph.PeerKind
		expr  string
	}{
		{"sg-a", graph.Ingress, graph.ProtoTCP, graph.PeerCIDR, "0.0.0.0/0"},
		{"sg-a", graph.Egress, graph.ProtoAll, graph.PeerCIDR, "::/0"},
		{"sg-a", graph.Ingress, graph.ProtoUDP, graph.PeerSG, "sg-b"},
		{"sg-b", graph.Egress, graph.ProtoTCP, graph.PeerPrefixList, "pl-1"},
		{"sg-b", graph.Ingress, graph.ProtoICMPv6, graph.PeerUnknown, ""},
		{"sg-b", graph.Ingress, graph.ProtoTCP, graph.PeerUnknown, "1.1.1.1/40"},
	} {
		r := d.Rules[i]
		if string(r.SG) != w.sg || r.Direction != w.dir || r.Protocol != w.proto || r.Peer.Kind != w.kind || (w.expr != "" && r.Peer.Expr != w.expr) {
			t.Errorf("rule %d: %+v", i, *r)
		}
		if want := []int{2, 3, 4, 5, 7, 8}[i]; r.Loc.Line != want {
			t.Errorf("rule %d at line %d, want %d (its object)", i, r.Loc.Line, want)
		}
	}
	if !d.Rules[0].IsWorldOpen() || d.Rules[0].FromPort != 443 || d.Rules[1].FromPort != 0 || d.Rules[1].ToPort != 65535 {
		t.Errorf("ports/peer: %+v %+v", d.Rules[0], d.Rules[1])
	}
	if len(d.Notifications) != 1 || !strings.Contains(d.Notifications[0].Message, "sgr-5") {
		t.Errorf("notifications: %+v", d.Notifications)
	}
}

const cluster2024 = `{
  "cluster": {
    "name": "prod",
    "arn": "arn:aws:eks:us-east-2:1:cluster/prod",
    "createdAt": "2024-03-14T11:31:44.348000-04:00",
    "version": "1.29",
    "resourcesVpcConfig": {
      "subnetIds": ["subnet-1"],
      "securityGroupIds": ["sg-cp1", "sg-cp2"],
      "clusterSecurityGroupId": "sg-csg",
      "vpcId": "vpc-1",
      "endpointPublicAccess": false,
      "endpointPrivateAccess": true,
      "publicAccessCidrs": []
    }
  }
}`

func TestCluster(t *testing.T) {
	d := parse(t, KindCluster, cluster2024)
	if len(d.Clusters) != 1 {
		t.Fatalf("clusters: %+v", d.Clusters)
	}
	c := d.Clusters[0]
	if c.Key != "name:prod" || !lit(c.Name, "prod") || !c.Defined || !c.Certain || !lit(c.Version, "1.29") ||
		c.EndpointPublic != graph.No || c.EndpointPrivate != graph.Yes || c.ClusterSG != "sg-csg" || c.ControlPlaneSGsOpen {
		t.Errorf("cluster: %+v", c)
	}
	if c.Loc.Line != 3 {
		t.Errorf("cluster location %v, want the name (line 3)", c.Loc)
	}
	if len(c.ControlPlaneSGs) != 2 || c.ControlPlaneSGs[0].SG != "sg-cp1" || c.ControlPlaneSGs[1].SG != "sg-cp2" ||
		!c.ControlPlaneSGs[0].Certain || c.ControlPlaneSGs[1].Loc.Line != 9 || c.ControlPlaneSGs[1].Loc.Column != 38 {
		t.Errorf("control-plane SGs: %+v", c.ControlPlaneSGs)
	}
	if d.Aliases[graph.ClusterSGKey("name:prod")] != "sg-csg" {
		t.Errorf("aliases: %v", d.Aliases)
	}
	sg := sgByKey(d, "sg-csg")
	if sg == nil || sg.Defined || sg.ClusterSGOf != "name:prod" || !sg.RulesOpen || !sg.TagsOpen || len(sg.Tags) != 1 ||
		!lit(sg.Tags[0].Key, "kubernetes.io/cluster/prod") || !lit(sg.Tags[0].Value, "owned") || !sg.Tags[0].Implicit || !sg.Tags[0].Certain {
		t.Errorf("cluster SG: %+v", sg)
	}
	if len(d.SGs) != 1 {
		t.Errorf("control-plane groups are only referred to: %+v", d.SGs)
	}
}

func TestClusterShapes(t *testing.T) {
	// 2018: no clusterSecurityGroupId, no endpoint flags; 1.10 has no
	// cluster SG.
	d := parse(t, KindCluster, `{"cluster": {"name": "devel", "createdAt": 1527807879.988, "version": "1.10",
  "resourcesVpcConfig": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-6979fe18"], "vpcId": "vpc-1"}}}`)
	c := d.Clusters[0]
	if c.ClusterSG != "" || len(d.SGs) != 0 || c.EndpointPublic != graph.Unknown || c.EndpointPrivate != graph.Unknown || len(c.ControlPlaneSGs) != 1 {
		t.Errorf("2018 shape: %+v, SGs %+v", c, d.SGs)
	}
	// No version and no cluster SG ID: treated as having a cluster SG
	// (RULES.md, version), known by the cluster.
	d = parse(t, KindCluster, `{"status_code": 200, "data": {"cluster": {"name": "x",
  "createdAt": {"__class__": "datetime", "year": 2023}, "resourcesVpcConfig": {"securityGroupIds": []}}}}`)
	c = d.Clusters[0]
	if c.Version.IsKnown() || c.ClusterSG != graph.ClusterSGKey("name:x") || len(d.SGs) != 1 || d.SGs[0].ClusterSGOf != "name:x" || len(d.Aliases) != 0 {
		t.Errorf("unknown version: %+v, SGs %+v", c, d.SGs)
	}
	if len(c.ControlPlaneSGs) != 0 || c.ControlPlaneSGsOpen {
		t.Errorf("an empty securityGroupIds is known to be empty: %+v", c)
	}
	// No resourcesVpcConfig at all (arn detects it): control-plane groups unknown.
	d = parse(t, KindCluster, `{"cluster": {"name": "y", "arn": "arn:aws:eks:us-east-1:1:cluster/y", "version": 1.30}}`)
	if c := d.Clusters[0]; !c.ControlPlaneSGsOpen || !lit(c.Version, "1.30") {
		t.Errorf("no VPC config: %+v", c)
	}
	// Wrong values.
	d = parse(t, KindCluster, `{"cluster": {"name": "z", "version": ["1"], "resourcesVpcConfig": {"securityGroupIds": "sg-1",
  "endpointPublicAccess": "yes", "clusterSecurityGroupId": {"id": "sg-2"}}}}`)
	if c := d.Clusters[0]; !c.ControlPlaneSGsOpen || c.EndpointPublic != graph.Unknown || c.Version.IsKnown() || c.ClusterSG != graph.ClusterSGKey("name:z") {
		t.Errorf("wrong values: %+v", c)
	}
	d = parse(t, KindCluster, `{"cluster": {"name": "w", "resourcesVpcConfig": {"securityGroupIds": ["sg-1", 7, {}, ""]}}}`)
	if c := d.Clusters[0]; !c.ControlPlaneSGsOpen || len(c.ControlPlaneSGs) != 2 {
		t.Errorf("odd list entries: %+v", c)
	}

	for _, tc := range []struct{ src, msg string }{
		{`{"cluster": {"arn": "arn:aws:eks:us-east-1:1:cluster/y"}}`, "cluster without a name"},
		{`{"cluster": {"name": "", "resourcesVpcConfig": {}}}`, "cluster without a name"},
		{`{"cluster": {"name": "a", "resourcesVpcConfig": []}}`, "resourcesVpcConfig must be an object"},
	} {
		if e := parseErr(t, tc.src); !strings.Contains(e.Msg, tc.msg) || e.Line != 1 {
			t.Errorf("%s: %v", tc.src, e)
		}
	}
}

func TestNodegroup(t *testing.T) {
	d := parse(t, KindNodegroup, `{"nodegroup": {
  "nodegroupName": "ng-1",
  "clusterName": "prod",
  "remoteAccess": {"ec2SshKey": "k", "sourceSecurityGroups": ["sg-bastion"]},
  "resources": {"autoScalingGroups": [{"name": "asg"}], "remoteAccessSecurityGroup": "sg-ra"}
}}`)
	if len(d.NodeGroups) != 1 {
		t.Fatalf("node groups: %+v", d.NodeGroups)
	}
	ng := d.NodeGroups[0]
	if ng.Name != "ng-1" || ng.Kind != graph.ManagedNodeGroup || ng.ClusterKey != "name:prod" || ng.SGsOpen || ng.Loc.Line != 2 || !ng.Certain {
		t.Errorf("node group: %+v", ng)
	}
	if len(ng.SGs) != 2 || ng.SGs[0].SG != graph.ClusterSGKey("name:prod") || ng.SGs[1].SG != "sg-ra" {
		t.Fatalf("node SGs: %+v", ng.SGs)
	}
	csg := sgByKey(d, string(graph.ClusterSGKey("name:prod")))
	if csg == nil || csg.ClusterSGOf != "name:prod" || csg.Defined || len(csg.Tags) != 1 || !csg.Tags[0].Implicit {
		t.Errorf("cluster SG: %+v", csg)
	}
	ra := sgByKey(d, "sg-ra")
	if ra == nil || ra.Defined || ra.RemoteAccessOf != ng.Key || len(ra.Rules) != 0 || !ra.RulesOpen {
		t.Errorf("a named remote-access group is left to describe data: %+v", ra)
	}
	if len(d.Notifications) != 0 {
		t.Errorf("sources given: no note expected: %+v", d.Notifications)
	}

	// Named remote-access group, SSH from anywhere: a note, no guessed rule.
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "ng-2", "clusterName": "prod",
  "remoteAccess": {"ec2SshKey": "k", "sourceSecurityGroups": []},
  "resources": {"remoteAccessSecurityGroup": "sg-ra"}}}`)
	if ra := sgByKey(d, "sg-ra"); ra == nil || len(ra.Rules) != 0 || len(d.Notifications) != 1 {
		t.Errorf("named group: %+v, notes %+v", ra, d.Notifications)
	}

	// No group ID yet: EKS's rule is modelled on a group of its own.
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "ng-3", "clusterName": "prod", "status": "CREATING",
  "remoteAccess": {"ec2SshKey": "k"}}}`)
	ng = d.NodeGroups[0]
	if len(ng.SGs) != 2 {
		t.Fatalf("node SGs: %+v", ng.SGs)
	}
	ra = sgByKey(d, string(ng.SGs[1].SG))
	if ra == nil || !ra.Defined || ra.RemoteAccessOf != ng.Key || len(ra.Rules) != 2 || !ra.Rules[0].IsWorldOpen() ||
		ra.Rules[0].Protocol != graph.ProtoTCP || ra.Rules[0].FromPort != 22 || ra.Rules[0].Implicit == "" || ra.Rules[0].Loc.Line != 2 {
		t.Errorf("synthetic remote-access group: %+v", ra)
	}
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "ng-4", "clusterName": "prod",
  "remoteAccess": {"ec2SshKey": "k", "sourceSecurityGroups": ["sg-b1", "sg-b2"]}}}`)
	ra = sgByKey(d, string(d.NodeGroups[0].SGs[1].SG))
	if len(ra.Rules) != 3 || ra.Rules[0].Peer.SG != "sg-b1" || ra.Rules[1].Peer.SG != "sg-b2" || ra.Rules[0].IsWorldOpen() {
		t.Errorf("SSH from the source groups: %+v", ra.Rules)
	}
	// remoteAccess without a key: no group.
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "ng-5", "clusterName": "prod", "remoteAccess": {"sourceSecurityGroups": []}}}`)
	if len(d.NodeGroups[0].SGs) != 1 {
		t.Errorf("no SSH key: %+v", d.NodeGroups[0].SGs)
	}

	// A launch template: its groups are not in this output.
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "ng-lt", "clusterName": "prod",
  "launchTemplate": {"name": "lt", "version": "1", "id": "lt-1"}}}`)
	if ng := d.NodeGroups[0]; !ng.SGsOpen || len(ng.SGs) != 0 || ng.SGsLoc.Line != 2 {
		t.Errorf("launch template: %+v", ng)
	}
	// No cluster name: nothing links it, its SGs are unknown.
	d = parse(t, KindNodegroup, `{"nodegroup": {"nodegroupName": "orphan"}}`)
	if ng := d.NodeGroups[0]; ng.ClusterKey != "" || !ng.SGsOpen {
		t.Errorf("orphan: %+v", ng)
	}

	for _, tc := range []struct{ src, msg string }{
		{`{"nodegroup": {"nodegroupArn": "arn"}}`, "without a nodegroupName"},
		{`{"nodegroup": {"nodegroupName": "n", "remoteAccess": "k"}}`, "remoteAccess must be an object"},
	} {
		if e := parseErr(t, tc.src); !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: %v", tc.src, e)
		}
	}
}

const instancesJSON = `{"Reservations": [
  {"Instances": [
    {"InstanceId": "i-1", "State": {"Name": "running"},
     "SecurityGroups": [{"GroupId": "sg-csg"}, {"GroupId": "sg-node"}],
     "NetworkInterfaces": [{"Groups": [{"GroupId": "sg-node"}, {"GroupId": "sg-extra"}]}],
     "Tags": [{"Key": "eks:cluster-name", "Value": "prod"}, {"Key": "eks:nodegroup-name", "Value": "ng-1"}]},
    {"InstanceId": "i-2", "State": {"Name": "running"},
     "SecurityGroups": [{"GroupId": "sg-node"}, {"GroupId": "sg-csg"}],
     "Tags": [{"Key": "eks:cluster-name", "Value": "prod"}, {"Key": "eks:nodegroup-name", "Value": "ng-1"}]}
  ]},
  {"Instances": [
    {"InstanceId": "i-3", "State": {"Name": "terminated"}, "SecurityGroups": [],
     "Tags": [{"Key": "eks:cluster-name", "Value": "prod"}, {"Key": "eks:nodegroup-name", "Value": "ng-1"}]},
    {"InstanceId": "i-4", "SecurityGroups": [{"GroupId": "sg-self"}],
     "Tags": [{"Key": "kubernetes.io/cluster/prod", "Value": "owned"}, {"Key": "aws:autoscaling:groupName", "Value": "asg-a"}]},
    {"InstanceId": "i-5", "SecurityGroups": [{"GroupId": "sg-eksctl"}],
     "Tags": [{"Key": "alpha.eksctl.io/cluster-name", "Value": "dev"}, {"Key": "alpha.eksctl.io/nodegroup-name", "Value": "ng-x"}]},
    {"InstanceId": "i-6", "SecurityGroups": [{"GroupId": "sg-lone"}],
     "Tags": [{"Key": "kubernetes.io/cluster/dev", "Value": "shared"}]},
    {"InstanceId": "i-7", "SecurityGroups": [{"GroupId": "sg-web"}], "Tags": [{"Key": "Name", "Value": "web"}]},
    {"InstanceId": "i-8", "SecurityGroups": [{"GroupId": "sg-web"}],
     "Tags": [{"Key": "kubernetes.io/cluster/a", "Value": "owned"}, {"Key": "kubernetes.io/cluster/b", "Value": "owned"}]}
  ]}
]}`

func TestInstances(t *testing.T) {
	d := parse(t, KindInstances, instancesJSON)
	byName := map[string]*graph.NodeGroup{}
	for _, ng := range d.NodeGroups {
		byName[ng.Name] = ng
	}
	if len(d.NodeGroups) != 4 {
		for _, ng := range d.NodeGroups {
			t.Logf("%s %s %s", ng.Key, ng.Name, ng.ClusterKey)
		}
		t.Fatalf("%d node groups, want 4", len(d.NodeGroups))
	}
	ng := byName["ng-1"]
	if ng == nil || ng.Kind != graph.ManagedNodeGroup || ng.ClusterKey != "name:prod" || ng.Key != managedNodeGroupKey("prod", "ng-1") || ng.SGsOpen {
		t.Fatalf("ng-1: %+v", ng)
	}
	certain := map[graph.SGKey]bool{}
	for _, m := range ng.SGs {
		certain[m.SG] = m.Certain
	}
	// The terminated instance does not count; sg-extra is on i-1 only.
	if len(ng.SGs) != 3 || !certain["sg-csg"] || !certain["sg-node"] || certain["sg-extra"] {
		t.Errorf("ng-1 SGs: %+v", ng.SGs)
	}
	if ng.Loc.Line != 3 {
		t.Errorf("ng-1 at %v, want its first instance", ng.Loc)
	}
	if asg := byName["asg-a"]; asg == nil || asg.Kind != graph.SelfManagedNodeGroup || asg.ClusterKey != "name:prod" || asg.ClusterLink != "its kubernetes.io/cluster tag" {
		t.Errorf("asg-a: %+v", asg)
	}
	if x := byName["ng-x"]; x == nil || x.Kind != graph.SelfManagedNodeGroup || x.ClusterKey != "name:dev" {
		t.Errorf("eksctl node group: %+v", x)
	}
	if lone := byName["i-6"]; lone == nil || lone.Kind != graph.InstanceNodes || lone.ClusterKey != "name:dev" || len(lone.SGs) != 1 || !lone.SGs[0].Certain {
		t.Errorf("lone instance: %+v", lone)
	}
	// Attachments: every live instance, linked to a cluster or not; each
	// group once per instance.
	count := map[string]int{}
	for _, a := range d.Attachments {
		count[a.Resource]++
		if a.ResourceType != "AWS::EC2::Instance" || !a.Certain {
			t.Errorf("attachment %+v", a)
		}
	}
	if count["i-1"] != 3 || count["i-2"] != 2 || count["i-3"] != 0 || count["i-7"] != 1 || count["i-8"] != 1 {
		t.Errorf("attachments per instance: %v", count)
	}
	if len(d.Notifications) != 1 || !strings.Contains(d.Notifications[0].Message, "i-8") {
		t.Errorf("notifications: %+v", d.Notifications)
	}
	if len(d.SGs) != 0 {
		t.Errorf("describe-instances describes no group: %+v", d.SGs)
	}

	// Unreadable groups leave the node group open.
	d = parse(t, KindInstances, `{"Reservations": [{"Instances": [
  {"InstanceId": "i-1", "SecurityGroups": "sg-1", "Tags": [{"Key": "eks:cluster-name", "Value": "p"}]},
  {"Tags": [{"Key": "eks:cluster-name", "Value": "p"}], "SecurityGroups": [{"GroupName": "x"}]}
]}]}`)
	if len(d.NodeGroups) != 2 || !d.NodeGroups[0].SGsOpen || !d.NodeGroups[1].SGsOpen || !strings.HasPrefix(d.NodeGroups[1].Name, "instance at line") {
		t.Errorf("open node groups: %+v", d.NodeGroups)
	}

	for _, tc := range []struct{ src, msg string }{
		{`{"Reservations": {}}`, "Reservations must be a list"},
		{`{"Reservations": [1]}`, "each entry of Reservations"},
		{`{"Reservations": [{"Instances": {}}]}`, "Instances must be a list"},
		{`{"Reservations": [{"Instances": ["i-1"]}]}`, "each entry of Instances"},
	} {
		if e := parseErr(t, tc.src); !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: %v", tc.src, e)
		}
	}
}

// TestNoPanicOnMutations replaces every node of each well-formed sample, in
// turn, with values of every shape: parsing must return a document or an
// *Error, never panic.
func TestNoPanicOnMutations(t *testing.T) {
	samples := []string{sgsJSON, cluster2024, instancesJSON,
		`{"SecurityGroupRules": [{"GroupId": "sg-a", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "ReferencedGroupInfo": {"GroupId": "sg-b"}}]}`,
		`{"nodegroup": {"nodegroupName": "n", "clusterName": "c", "remoteAccess": {"ec2SshKey": "k", "sourceSecurityGroups": ["sg-1"]}, "resources": {"remoteAccessSecurityGroup": "sg-2"}, "launchTemplate": {"id": "lt"}}}`,
	}
	replacements := []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"},
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "banana"},
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: "-1"},
		{Kind: yaml.MappingNode, Tag: "!!map"},
		{Kind: yaml.SequenceNode, Tag: "!!seq"},
		{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: "x"}}},
	}
	for _, src := range samples {
		doc := load(t, src)
		var nodes []*yaml.Node
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			nodes = append(nodes, n)
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(doc.Content[0])
		for _, n := range nodes {
			saved := *n
			for _, r := range replacements {
				*n = *r
				n.Line, n.Column = saved.Line, saved.Column
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("panic with node at %d:%d replaced by %s: %v", saved.Line, saved.Column, shape(r), p)
						}
					}()
					if Detect(doc) == "" {
						return
					}
					d, err := Parse("f.json", doc)
					if err != nil {
						var e *Error
						if !errors.As(err, &e) {
							t.Fatalf("error of type %T: %v", err, err)
						}
					} else if d == nil {
						t.Fatal("nil document without an error")
					}
				}()
			}
			*n = saved
		}
	}
}

func TestParseUndetected(t *testing.T) {
	_, err := Parse("f.json", load(t, `{"other": 1}`))
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 {
		t.Errorf("Parse of an undetected document: %v", err)
	}
}
