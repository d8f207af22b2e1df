package cloudformation

import (
	"fmt"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	yaml "go.yaml.in/yaml/v3"
)

const clusterTagPrefix = "kubernetes.io/cluster/"

// build turns the resources into graph facts, in file order.
func (t *template) build() {
	t.clusters = map[string]*graph.Cluster{}
	t.sgs = map[graph.SGKey]*graph.SecurityGroup{}
	for _, r := range t.order {
		if r.exists != graph.No && isClusterType(r.typ) {
			t.buildCluster(r)
		}
	}
	for _, r := range t.order {
		if r.exists == graph.No {
			continue
		}
		switch r.typ {
		case "AWS::EC2::SecurityGroup":
			t.buildSG(r)
		case "AWS::EC2::SecurityGroupIngress":
			t.buildStandaloneRule(r, graph.Ingress)
		case "AWS::EC2::SecurityGroupEgress":
			t.buildStandaloneRule(r, graph.Egress)
		}
	}
	for _, r := range t.order {
		if r.exists == graph.No {
			continue
		}
		t.metadataSuppressions(r)
		for _, a := range t.attachments(r) {
			t.doc.Attachments = append(t.doc.Attachments, graph.Attachment{
				SG: a.member.SG, Certain: a.member.Certain && r.exists == graph.Yes,
				Resource: r.id, ResourceType: r.typ, Property: a.path, Loc: a.member.Loc,
			})
		}
		switch r.typ {
		case "AWS::EKS::Nodegroup":
			t.buildManagedNodeGroup(r)
		case "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::Instance":
			t.buildSelfManaged(r)
		}
	}
	t.buildExports()
	t.buildNested()
	t.markPrivateGroups()
	if t.opaqueRule {
		for _, sg := range t.doc.SGs {
			sg.RulesOpen = true
		}
	}
}

// clusterKeyOf is the scan-wide key of the cluster a name value denotes.
func clusterKeyOf(name graph.Value) string { return graph.ClusterKeyOfName(name) }

func clusterDisplay(name graph.Value) string { return name.String() }

func (t *template) buildCluster(r *resource) {
	name := t.clusterName(r)
	key := clusterKeyOf(name)
	if key == "" {
		key = "cfn:" + t.file + "#" + r.id
	}
	c := &graph.Cluster{
		Key: key, Name: name, Loc: t.loc(r.key), Defined: true, Resource: r.id,
		Version: graph.UnknownValue("not set"), Certain: r.exists == graph.Yes,
		EndpointPublic: graph.Yes, EndpointPrivate: graph.No,
	}
	f := t.clusterRequest(r)
	if v := yamltree.Get(f.request, f.version); v != nil {
		c.Version = t.eval(v)
	}
	vpc, opaque := t.object(yamltree.Get(f.request, f.vpcConfig))
	if sgs := yamltree.Get(vpc, f.securityGroupIDs); sgs != nil {
		c.ControlPlaneSGs, c.ControlPlaneSGsOpen = t.sgMembers(sgs)
	}
	c.EndpointPublic = t.boolProp(vpc, f.publicAccess, graph.Yes)
	c.EndpointPrivate = t.boolProp(vpc, f.privateAccess, graph.No)
	if opaque || f.opaque {
		c.ControlPlaneSGsOpen = true
		c.EndpointPublic, c.EndpointPrivate = graph.Unknown, graph.Unknown
	}
	if graph.VersionBelow(c.Version, 1, 14) != graph.Yes {
		c.ClusterSG = graph.ClusterSGKey(key)
		t.addClusterSG(c, true)
	}
	t.clusters[key] = c
	t.doc.Clusters = append(t.doc.Clusters, c)
}

// boolProp reads a boolean property; def when absent, Unknown when not literal.
func (t *template) boolProp(m *yaml.Node, name string, def graph.Tri) graph.Tri {
	n := yamltree.Get(m, name)
	if n == nil {
		return def
	}
	v := t.eval(n)
	if isNoValue(v) {
		return def
	}
	switch strings.ToLower(v.Str) {
	case "true":
		return graph.TriOf(v.Kind == graph.KindLiteral)
	case "false":
		if v.Kind == graph.KindLiteral {
			return graph.No
		}
	}
	return graph.Unknown
}

// addClusterSG adds the EKS-created cluster security group of c with what
// EKS puts on it: the cluster tag, all traffic from itself, all egress.
// Its rules are known only when the cluster itself is described.
func (t *template) addClusterSG(c *graph.Cluster, defined bool) {
	if _, ok := t.sgs[c.ClusterSG]; ok {
		return
	}
	sg := graph.NewClusterSG(c, clusterDisplay(c.Name), c.Loc, defined)
	t.sgs[c.ClusterSG] = sg
	t.doc.SGs = append(t.doc.SGs, sg)
}

// referencedCluster returns the cluster a node group names, adding a
// not-defined cluster (with its cluster SG, rules unknown) when the
// template does not define it.
func (t *template) referencedCluster(name graph.Value, at *yaml.Node) *graph.Cluster {
	key := clusterKeyOf(name)
	if key == "" {
		return nil
	}
	if c := t.clusters[key]; c != nil {
		return c
	}
	c := &graph.Cluster{Key: key, Name: name, Loc: t.loc(at), Version: graph.UnknownValue("cluster not in this file"),
		EndpointPublic: graph.Unknown, EndpointPrivate: graph.Unknown, ControlPlaneSGsOpen: true,
		ClusterSG: graph.ClusterSGKey(key)}
	t.addClusterSG(c, false)
	t.clusters[key] = c
	t.doc.Clusters = append(t.doc.Clusters, c)
	return c
}

func (t *template) buildSG(r *resource) {
	key := graph.ResourceSGKey(t.file, r.id)
	sg := &graph.SecurityGroup{Key: key, Name: t.displayName(r), Loc: t.loc(r.key), Defined: true, Resource: r.id}
	tags, open := t.list(yamltree.Get(r.props, "Tags"))
	sg.TagsOpen = open || r.opaque
	for _, it := range tags {
		if it.node == nil || it.node.Kind != yaml.MappingNode {
			sg.TagsOpen = true
			continue
		}
		k := yamltree.Get(it.node, "Key")
		sg.Tags = append(sg.Tags, graph.Tag{Key: t.eval(k), Value: t.eval(yamltree.Get(it.node, "Value")),
			Certain: it.certain, Loc: t.loc(k)})
	}
	ingress, inOpen := t.list(yamltree.Get(r.props, "SecurityGroupIngress"))
	for _, it := range ingress {
		sg.Rules = append(sg.Rules, t.rules(it.node, graph.Ingress, []graph.SGMember{{SG: key, Certain: true}}, it.certain, t.loc(it.node), "")...)
	}
	egress, outOpen := t.list(yamltree.Get(r.props, "SecurityGroupEgress"))
	inOpen, outOpen = inOpen || r.opaque, outOpen || r.opaque
	anyCertain := false
	for _, it := range egress {
		anyCertain = anyCertain || it.certain
		sg.Rules = append(sg.Rules, t.rules(it.node, graph.Egress, []graph.SGMember{{SG: key, Certain: true}}, it.certain, t.loc(it.node), "")...)
	}
	// Inline egress replaces the default allow-all; none (or only
	// conditional entries) keeps it, certainly or maybe.
	if !anyCertain && !outOpen {
		sg.Rules = append(sg.Rules, graph.AllEgressIPv4(key, sg.Loc, len(egress) == 0, "default egress rule: all traffic to 0.0.0.0/0"))
	}
	sg.RulesOpen = inOpen || outOpen
	t.sgs[key] = sg
	t.doc.SGs = append(t.doc.SGs, sg)
}

func (t *template) buildStandaloneRule(r *resource, dir graph.Direction) {
	var owners []graph.SGMember
	if g := yamltree.Get(r.props, "GroupId"); g != nil {
		owners = t.sgChoices(t.eval(g), g)
	} else if g := yamltree.Get(r.props, "GroupName"); g != nil {
		owners = t.sgChoices(t.eval(g), g)
	}
	if r.opaque {
		// Its group is unknown, so any group of the template may have
		// more rules than the model sees.
		t.opaqueRule = true
		return
	}
	if len(owners) == 0 {
		t.notify(r.key, "%s %s names no security group the model can follow; it is ignored", r.typ, r.id)
		return
	}
	t.doc.Rules = append(t.doc.Rules, t.rules(r.props, dir, owners, r.exists == graph.Yes, t.loc(r.key), r.id)...)
}

// rules reads one rule (inline entry or standalone properties) for each
// owner group; a peer behind an unknown Fn::If yields one uncertain rule per
// branch.
func (t *template) rules(m *yaml.Node, dir graph.Direction, owners []graph.SGMember, certain bool, loc graph.Location, resID string) []*graph.Rule {
	if m == nil || m.Kind != yaml.MappingNode {
		var out []*graph.Rule
		for _, o := range owners {
			out = append(out, &graph.Rule{SG: o.SG, Direction: dir, Protocol: graph.ProtoUnknown, Certain: false, Loc: loc, Resource: resID})
		}
		return out
	}
	base := graph.Rule{Direction: dir, Certain: certain, Loc: loc, Resource: resID}
	base.Protocol = graph.ProtoUnknown
	if s, ok := t.eval(yamltree.Get(m, "IpProtocol")).Literal(); ok {
		base.Protocol = graph.ParseProtocol(s)
	}
	base.FromPort, base.ToPort, base.PortsKnown = t.ports(m, base.Protocol)
	var peers []graph.Peer
	var peerCertain []bool
	addPeer := func(p graph.Peer, c bool) { peers = append(peers, p); peerCertain = append(peerCertain, c) }
	cidr := func(field string) {
		n := yamltree.Get(m, field)
		if n == nil {
			return
		}
		v := t.eval(n)
		if isNoValue(v) {
			return
		}
		p := graph.Peer{Kind: graph.PeerUnknown, Expr: v.String()}
		if s, ok := v.Literal(); ok {
			if pfx, ok := graph.ParseCIDR(s); ok {
				p = graph.Peer{Kind: graph.PeerCIDR, CIDR: pfx, Expr: s}
			} else {
				// EC2 rejects it; the peer is unknown, and the user is told
				// (0.0.0.0/00 may well have meant the internet).
				t.doc.Notifications = append(t.doc.Notifications, graph.Notification{Level: "warning", Loc: t.loc(n),
					Message: fmt.Sprintf("%s %q is not a CIDR; the rule's source is unknown", field, s)})
			}
		}
		p.Loc = t.loc(n)
		addPeer(p, true)
	}
	group := func(field string) {
		n := yamltree.Get(m, field)
		if n == nil {
			return
		}
		v := t.eval(n)
		if isNoValue(v) {
			return
		}
		expr := v.String()
		for _, c := range t.sgChoices(v, n) {
			addPeer(graph.Peer{Kind: graph.PeerSG, SG: c.SG, Expr: expr}, c.Certain)
		}
	}
	prefix := func(field string) {
		if n := yamltree.Get(m, field); n != nil {
			if v := t.eval(n); !isNoValue(v) {
				addPeer(graph.Peer{Kind: graph.PeerPrefixList, PrefixList: v, Expr: v.String()}, true)
			}
		}
	}
	if dir == graph.Ingress {
		cidr("CidrIp")
		cidr("CidrIpv6")
		group("SourceSecurityGroupId")
		group("SourceSecurityGroupName")
		prefix("SourcePrefixListId")
	} else {
		cidr("CidrIp")
		cidr("CidrIpv6")
		group("DestinationSecurityGroupId")
		prefix("DestinationPrefixListId")
	}
	if len(peers) == 0 {
		addPeer(graph.Peer{Kind: graph.PeerUnknown, Expr: "no source or destination"}, true)
	}
	var out []*graph.Rule
	for _, o := range owners {
		for i, p := range peers {
			r := base
			r.SG = o.SG
			r.Peer = p
			r.Certain = certain && o.Certain && peerCertain[i]
			out = append(out, &r)
		}
	}
	return out
}

// ports reads FromPort/ToPort. For all protocols they are ignored (all
// ports); -1 on TCP/UDP means all ports as well.
func (t *template) ports(m *yaml.Node, proto int) (int, int, bool) {
	if proto == graph.ProtoAll {
		return 0, 65535, true
	}
	from, ok1 := t.intProp(m, "FromPort")
	to, ok2 := t.intProp(m, "ToPort")
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if proto == graph.ProtoTCP || proto == graph.ProtoUDP {
		if from == -1 && to == -1 {
			return 0, 65535, true
		}
		if from < 0 || to > 65535 || from > to {
			return 0, 0, false
		}
	}
	return from, to, true
}

func (t *template) intProp(m *yaml.Node, name string) (int, bool) {
	n := yamltree.Get(m, name)
	if n == nil {
		return 0, false
	}
	s, ok := t.eval(n).Literal()
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	return v, err == nil
}

// sgKeyOf names the security group a scalar value denotes.
func (t *template) sgKeyOf(v graph.Value, at *yaml.Node) (graph.SGKey, bool) {
	switch v.Kind {
	case graph.KindLiteral:
		s := strings.TrimSpace(v.Str)
		if s == "" {
			return "", false
		}
		return graph.SGKey(s), true
	case graph.KindResource:
		return graph.ResourceSGKey(t.file, v.Str), true
	case graph.KindGetAtt:
		r := t.resources[v.Str]
		switch {
		case r != nil && r.typ == "AWS::EC2::SecurityGroup" && v.Attr == "GroupId":
			return graph.ResourceSGKey(t.file, v.Str), true
		case r != nil && isClusterType(r.typ) && v.Attr == "ClusterSecurityGroupId":
			for _, c := range t.clusters {
				if c.Resource == r.id && c.ClusterSG != "" {
					return c.ClusterSG, true
				}
			}
		}
		return graph.ResourceSGKey(t.file, v.Str+"."+v.Attr), true
	case graph.KindParam:
		return graph.ParamSGKey(t.file, v.Str), true
	case graph.KindImport:
		return graph.ImportSGKey(v.Str), true
	}
	if isNoValue(v) {
		return "", false
	}
	return graph.UnknownSGKey(t.loc(at)), true
}

// sgChoices expands a value that may be an unresolved Fn::If into the
// groups of each branch (uncertain), or the one group it names.
func (t *template) sgChoices(v graph.Value, at *yaml.Node) []graph.SGMember {
	if v.Kind == graph.KindChoice {
		a := t.sgChoices(v.Parts[0], at)
		b := t.sgChoices(v.Parts[1], at)
		out := make([]graph.SGMember, 0, len(a)+len(b))
		for _, m := range append(a, b...) {
			m.Certain = false
			out = append(out, m)
		}
		return out
	}
	k, ok := t.sgKeyOf(v, at)
	if !ok {
		return nil
	}
	return []graph.SGMember{{SG: k, Certain: true, Loc: t.loc(at)}}
}

// sgMembers evaluates a list of security groups.
func (t *template) sgMembers(n *yaml.Node) ([]graph.SGMember, bool) {
	items, open := t.list(n)
	var out []graph.SGMember
	for _, it := range items {
		for _, m := range t.sgChoices(it.value, it.node) {
			m.Certain = m.Certain && it.certain
			out = append(out, m)
		}
	}
	return out, open
}

// attached is one group a resource is placed in, through a catalog property.
type attached struct {
	member graph.SGMember
	path   string
	key    *yaml.Node // the property's key node
}

// attachments lists the groups a resource is placed in, using the catalog
// generated from goformation. The open result of a node's own SG list is
// given by attachedSGs.
func (t *template) attachments(r *resource) []attached {
	out, _ := t.attachedSGs(r)
	return out
}

func (t *template) attachedSGs(r *resource) ([]attached, bool) {
	var out []attached
	open := r.opaque && len(sgPropertiesOf(r.typ)) > 0
	for _, p := range sgPropertiesOf(r.typ) {
		found, o := t.walkProperty(r.props, strings.Split(p.Path, "."), true, 0)
		open = open || o
		for _, f := range found {
			members, o := t.sgMembers(f.node)
			open = open || o
			for _, m := range members {
				m.Certain = m.Certain && f.certain
				out = append(out, attached{member: m, path: p.Path, key: f.key})
			}
		}
	}
	return out, open
}

type found struct {
	node, key *yaml.Node
	certain   bool
}

// walkProperty follows a catalog path ("LaunchTemplateData.NetworkInterfaces[].Groups")
// through mappings, lists and Fn::If.
func (t *template) walkProperty(m *yaml.Node, path []string, certain bool, depth int) ([]found, bool) {
	if m == nil || len(path) == 0 || depth > maxEvalDepth {
		return nil, false
	}
	name, isList := strings.CutSuffix(path[0], "[]")
	if m.Kind != yaml.MappingNode {
		if _, _, ok := intrinsic(m); ok {
			return nil, true // a whole structure from an expression we cannot see into
		}
		return nil, false
	}
	v, k := yamltree.Get(m, name), yamltree.Key(m, name)
	if v == nil {
		return nil, false
	}
	if len(path) == 1 {
		return []found{{node: v, key: k, certain: certain}}, false
	}
	var nexts []item
	open := false
	if isList {
		nexts, open = t.list(v)
	} else if fn, arg, ok := intrinsic(v); ok && fn == "Fn::If" {
		nexts, open = t.ifList(arg, v, 1, false)
	} else {
		nexts = []item{{node: v, certain: true}}
	}
	var out []found
	for _, it := range nexts {
		f, o := t.walkProperty(it.node, path[1:], certain && it.certain, depth+1)
		out, open = append(out, f...), open || o
	}
	return out, open
}

func (t *template) buildExports() {
	if t.outputs == nil || t.outputs.Kind != yaml.MappingNode {
		return
	}
	for i := 1; i < len(t.outputs.Content); i += 2 {
		o := t.outputs.Content[i]
		name, ok := t.eval(yamltree.Get(yamltree.Get(o, "Export"), "Name")).Literal()
		if !ok || name == "" {
			continue
		}
		v := t.eval(yamltree.Get(o, "Value"))
		if !t.isSGValue(v) {
			continue
		}
		if k, ok := t.sgKeyOf(v, o); ok {
			t.doc.Aliases[graph.ImportSGKey(name)] = k
		}
	}
}

// isSGValue reports whether a value certainly denotes a security group ID.
func (t *template) isSGValue(v graph.Value) bool {
	switch v.Kind {
	case graph.KindLiteral:
		return strings.HasPrefix(v.Str, "sg-")
	case graph.KindResource:
		r := t.resources[v.Str]
		return r != nil && r.typ == "AWS::EC2::SecurityGroup"
	case graph.KindGetAtt:
		r := t.resources[v.Str]
		return r != nil && ((r.typ == "AWS::EC2::SecurityGroup" && v.Attr == "GroupId") ||
			(isClusterType(r.typ) && v.Attr == "ClusterSecurityGroupId"))
	case graph.KindParam:
		p := t.params[v.Str]
		return p != nil && p.typ == "AWS::EC2::SecurityGroup::Id"
	case graph.KindImport:
		return true
	}
	return false
}
