package awsjson

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	yaml "go.yaml.in/yaml/v3"
)

// EKS tags the cluster security group it creates with aws:eks:cluster-name
// (and kubernetes.io/cluster/<name>: owned); the tag is how tools find it
// (`aws ec2 describe-security-groups --filters Name=tag:aws:eks:cluster-name,Values=<name>`).
const eksClusterNameTag = "aws:eks:cluster-name"

// securityGroups reads `aws ec2 describe-security-groups`.
func (p *parser) securityGroups(root *yaml.Node) error {
	n := rawGet(root, "SecurityGroups")
	items, ok := list(n)
	if !ok || n == nil || isNull(n) {
		return errorAt(n, "SecurityGroups must be a list of security groups, not %s", shape(n))
	}
	for _, it := range items {
		if it.Kind != yaml.MappingNode {
			return errorAt(it, "each entry of SecurityGroups must be an object, not %s", shape(it))
		}
		idNode := mapGet(it, "GroupId")
		gid, ok := id(idNode)
		if !ok {
			return errorAt(it, "security group without a GroupId")
		}
		p.securityGroup(it, gid, idNode)
	}
	return nil
}

// sgName is how messages call a described group: `sg-0abc (name)`.
func sgName(gid string, m *yaml.Node) string {
	if name, ok := id(mapGet(m, "GroupName")); ok && name != gid {
		return fmt.Sprintf("%s (%s)", gid, name)
	}
	return gid
}

func (p *parser) securityGroup(m *yaml.Node, gid string, idNode *yaml.Node) {
	key := graph.SGKey(gid)
	sg := &graph.SecurityGroup{Key: key, Name: sgName(gid, m), Loc: p.loc(idNode), Defined: true}

	tags, ok := readTags(mapGet(m, "Tags"))
	if !ok {
		sg.TagsOpen = true
		p.note(mapGet(m, "Tags"), "security group %s: some Tags entries are not {\"Key\": …, \"Value\": …} objects; its tags are not fully known", gid)
	}
	cluster := ""
	for _, t := range tags {
		if t.key == eksClusterNameTag && t.value != "" {
			cluster = t.value
		}
	}
	for _, t := range tags {
		sg.Tags = append(sg.Tags, graph.Tag{Key: graph.Lit(t.key), Value: graph.Lit(t.value), Certain: true,
			// On the cluster SG, EKS put the cluster tag there itself.
			Implicit: cluster != "" && t.key == graph.ClusterTagPrefix+cluster,
			Loc:      p.loc(t.keyNode)})
	}
	if cluster != "" {
		// The aws:eks:cluster-name tag identifies the EKS-created cluster
		// SG of that cluster, so node groups that know the cluster only by
		// name (describe-nodegroup, a template) resolve to this group.
		ck := graph.ClusterKeyForName(cluster)
		sg.ClusterSGOf = ck
		p.doc.Aliases[graph.ClusterSGKey(ck)] = key
	}

	for _, side := range []struct {
		field string
		dir   graph.Direction
	}{{"IpPermissions", graph.Ingress}, {"IpPermissionsEgress", graph.Egress}} {
		n := mapGet(m, side.field)
		perms, ok := list(n)
		switch {
		case n == nil:
			// The API always lists both (empty when there are none);
			// a dump without one (trimmed with --query) leaves it unknown.
			sg.RulesOpen = true
			continue
		case !ok:
			sg.RulesOpen = true
			p.note(n, "security group %s: %s is %s, not a list; its %s rules are unknown", gid, side.field, shape(n), side.dir)
			continue
		}
		for _, perm := range perms {
			rules, open := p.permission(key, side.dir, perm)
			sg.Rules = append(sg.Rules, rules...)
			sg.RulesOpen = sg.RulesOpen || open
		}
	}
	if sg.ClusterSGOf != "" {
		markClusterSGDefaults(sg)
	}
	p.doc.SGs = append(p.doc.SGs, sg)
}

// markClusterSGDefaults marks the rules EKS creates on a cluster SG (AWS,
// "Default cluster security group": inbound all traffic from itself; outbound
// all traffic to 0.0.0.0/0 or ::/0, and to itself for EFA). A described rule
// equal to a default one is that rule: EC2 keeps no duplicates.
func markClusterSGDefaults(sg *graph.SecurityGroup) {
	for _, r := range sg.Rules {
		if r.Protocol != graph.ProtoAll {
			continue
		}
		self := r.Peer.Kind == graph.PeerSG && r.Peer.SG == sg.Key
		world := r.IsWorldOpen()
		switch {
		case r.Direction == graph.Ingress && self:
			r.Implicit = "EKS default rule: all traffic from the cluster security group itself"
		case r.Direction == graph.Egress && world:
			r.Implicit = "EKS default rule: all traffic to " + r.Peer.CIDR.String()
		case r.Direction == graph.Egress && self:
			r.Implicit = "EKS default rule: all traffic to the cluster security group itself (EFA)"
		}
	}
}

// permission reads one IpPermissions entry: one rule per peer, each located
// at its peer entry. open is true when part of it could not be read.
func (p *parser) permission(owner graph.SGKey, dir graph.Direction, perm *yaml.Node) ([]*graph.Rule, bool) {
	if perm.Kind != yaml.MappingNode {
		return []*graph.Rule{unknownRule(owner, dir, p.loc(perm), "entry is "+shape(perm))}, true
	}
	base := p.ruleBase(owner, dir, perm)
	var out []*graph.Rule
	open := false
	add := func(peer graph.Peer, at *yaml.Node) {
		r := base
		r.Peer, r.Loc, r.Site = peer, p.loc(at), base.Loc
		out = append(out, &r)
	}
	listed := false
	for _, f := range []struct{ list, field string }{
		{"IpRanges", "CidrIp"}, {"Ipv6Ranges", "CidrIpv6"},
		{"UserIdGroupPairs", "GroupId"}, {"PrefixListIds", "PrefixListId"},
	} {
		n := mapGet(perm, f.list)
		if n == nil {
			continue
		}
		listed = true
		entries, ok := list(n)
		if !ok {
			open = true
			add(graph.Peer{Kind: graph.PeerUnknown, Expr: fmt.Sprintf("%s is %s", f.list, shape(n))}, n)
			continue
		}
		for _, e := range entries {
			peer := p.peer(f.field, e)
			if v := mapGet(e, f.field); v != nil {
				peer.Loc = p.loc(v) // the CidrIp itself: the line that opens the group
			}
			if peer.Kind == graph.PeerUnknown && e.Kind != yaml.MappingNode {
				open = true
			}
			add(peer, e)
		}
	}
	if !listed {
		// A permission always names its peers (the lists are present,
		// possibly empty); one that names none is not readable.
		add(graph.Peer{Kind: graph.PeerUnknown, Expr: "no IpRanges, Ipv6Ranges, UserIdGroupPairs or PrefixListIds"}, perm)
		open = true
	}
	return out, open
}

// ruleBase reads the protocol and ports of a permission or of a
// describe-security-group-rules entry (same field names).
func (p *parser) ruleBase(owner graph.SGKey, dir graph.Direction, m *yaml.Node) graph.Rule {
	r := graph.Rule{SG: owner, Direction: dir, Certain: true, Loc: p.loc(m)}
	r.Protocol = protocolNumber(mapGet(m, "IpProtocol"))
	r.FromPort, r.ToPort, r.PortsKnown = ports(m, r.Protocol)
	return r
}

func unknownRule(owner graph.SGKey, dir graph.Direction, loc graph.Location, why string) *graph.Rule {
	return &graph.Rule{SG: owner, Direction: dir, Protocol: graph.ProtoUnknown, Certain: true, Loc: loc,
		Peer: graph.Peer{Kind: graph.PeerUnknown, Expr: why}}
}

// peer reads one entry of IpRanges (CidrIp), Ipv6Ranges (CidrIpv6),
// UserIdGroupPairs (GroupId) or PrefixListIds (PrefixListId).
func (p *parser) peer(field string, e *yaml.Node) graph.Peer {
	if e.Kind != yaml.MappingNode {
		return graph.Peer{Kind: graph.PeerUnknown, Expr: "entry is " + shape(e)}
	}
	v, ok := id(mapGet(e, field))
	switch {
	case !ok && field == "GroupId":
		// EC2-Classic pairs may name the group only.
		if name, ok := id(mapGet(e, "GroupName")); ok {
			return graph.Peer{Kind: graph.PeerUnknown, Expr: "group named " + name}
		}
		return graph.Peer{Kind: graph.PeerUnknown, Expr: "pair without GroupId"}
	case !ok:
		return graph.Peer{Kind: graph.PeerUnknown, Expr: "entry without " + field}
	}
	return peerOf(field, v)
}

// peerOf builds a peer from a field name and its value.
func peerOf(field, v string) graph.Peer {
	switch field {
	case "GroupId":
		return graph.Peer{Kind: graph.PeerSG, SG: graph.SGKey(v), Expr: v}
	case "PrefixListId":
		return graph.Peer{Kind: graph.PeerPrefixList, PrefixList: graph.Lit(v), Expr: v}
	}
	if pfx, ok := graph.ParseCIDR(v); ok {
		return graph.Peer{Kind: graph.PeerCIDR, CIDR: pfx, Expr: v}
	}
	return graph.Peer{Kind: graph.PeerUnknown, Expr: v}
}

// protocolNumber normalises IpProtocol as EC2 reports it: "-1", "tcp",
// "udp", "icmp", "icmpv6" or a protocol number; anything else is unknown.
func protocolNumber(n *yaml.Node) int {
	s, ok := str(n)
	if !ok {
		return graph.ProtoUnknown
	}
	return graph.ParseProtocol(s)
}

// ports reads FromPort/ToPort. All protocols: all ports (EC2 omits them,
// or reports -1). TCP/UDP: the range, -1/-1 meaning all. ICMP: type and
// code as given (-1 is every type). Other protocols carry no ports.
func ports(m *yaml.Node, proto int) (int, int, bool) {
	switch proto {
	case graph.ProtoAll:
		return 0, 65535, true
	case graph.ProtoUnknown:
		return 0, 0, false
	case graph.ProtoTCP, graph.ProtoUDP, graph.ProtoICMP, graph.ProtoICMPv6:
	default:
		return 0, 65535, true
	}
	from, ok1 := integer(mapGet(m, "FromPort"))
	to, ok2 := integer(mapGet(m, "ToPort"))
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	if proto == graph.ProtoICMP || proto == graph.ProtoICMPv6 {
		if from < -1 || from > 255 || to < -1 || to > 255 {
			return 0, 0, false
		}
		return from, to, true
	}
	if from == -1 && to == -1 {
		return 0, 65535, true
	}
	if from < 0 || to > 65535 || from > to {
		return 0, 0, false
	}
	return from, to, true
}

// securityGroupRules reads `aws ec2 describe-security-group-rules`: each
// rule is a standalone rule of its group (whose tags and other rules stay
// unknown unless describe-security-groups describes it).
func (p *parser) securityGroupRules(root *yaml.Node) error {
	n := rawGet(root, "SecurityGroupRules")
	items, ok := list(n)
	if !ok || n == nil || isNull(n) {
		return errorAt(n, "SecurityGroupRules must be a list of rules, not %s", shape(n))
	}
	for _, it := range items {
		if it.Kind != yaml.MappingNode {
			return errorAt(it, "each entry of SecurityGroupRules must be an object, not %s", shape(it))
		}
		gid, ok := id(mapGet(it, "GroupId"))
		if !ok {
			return errorAt(it, "security group rule without a GroupId")
		}
		dir := graph.Ingress
		switch boolean(mapGet(it, "IsEgress")) {
		case graph.Yes:
			dir = graph.Egress
		case graph.Unknown:
			ruleID, _ := id(mapGet(it, "SecurityGroupRuleId"))
			p.note(it, "security group rule %s of %s: IsEgress is %s, so its direction is unknown; the rule is ignored", ruleID, gid, shape(mapGet(it, "IsEgress")))
			continue
		}
		r := p.ruleBase(graph.SGKey(gid), dir, it)
		r.Peer = graph.Peer{Kind: graph.PeerUnknown, Expr: "no CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupInfo"}
		for _, f := range []struct {
			n     *yaml.Node
			field string
		}{
			{mapGet(it, "CidrIpv4"), "CidrIp"}, {mapGet(it, "CidrIpv6"), "CidrIpv6"},
			{mapGet(it, "PrefixListId"), "PrefixListId"}, {mapGet(mapGet(it, "ReferencedGroupInfo"), "GroupId"), "GroupId"},
		} {
			if v, ok := id(f.n); ok {
				r.Peer = peerOf(f.field, v)
				break
			}
		}
		p.doc.Rules = append(p.doc.Rules, &r)
	}
	return nil
}
