package terraform

import (
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const clusterTagPrefix = "kubernetes.io/cluster/"

// builder writes the evaluated instances of one root module into a graph
// document.
type builder struct {
	ev       *evaluator
	doc      *graph.Document
	byType   map[string][]*instance
	clusters map[*instance]*graph.Cluster
	byKey    map[string]*graph.Cluster
	sgs      map[graph.SGKey]*graph.SecurityGroup
	ngs      map[*instance]*graph.NodeGroup
	// cur is the stand-in of the instance being built, which locations
	// in a modelled or downloaded module are read against.
	cur *standIn
}

func (ev *evaluator) build() *graph.Document {
	b := &builder{ev: ev, doc: &graph.Document{File: ev.root, Aliases: map[graph.SGKey]graph.SGKey{}},
		byType: map[string][]*instance{}, clusters: map[*instance]*graph.Cluster{}, byKey: map[string]*graph.Cluster{},
		sgs: map[graph.SGKey]*graph.SecurityGroup{}, ngs: map[*instance]*graph.NodeGroup{}}
	for _, s := range ev.scopes {
		if s.path == "" { // the root module's variables are what --var sets
			for name := range s.mod.variables {
				b.doc.DeclaredVars = append(b.doc.DeclaredVars, name)
			}
			sort.Strings(b.doc.DeclaredVars)
		}
	}
	for _, s := range ev.scopes {
		for _, addr := range s.mod.resOrder {
			for _, in := range s.res[addr].instances {
				t := in.cfg.typ
				if in.cfg.data {
					t = "data." + t
				}
				b.byType[t] = append(b.byType[t], in)
			}
		}
	}
	for _, in := range b.byType["aws_eks_cluster"] {
		b.cur = in.s.stand
		b.cluster(in)
	}
	for _, in := range b.byType["aws_security_group"] {
		b.cur = in.s.stand
		b.securityGroup(in)
	}
	for _, in := range b.byType["aws_security_group_rule"] {
		b.cur = in.s.stand
		b.legacyRule(in)
	}
	for _, in := range b.byType["aws_vpc_security_group_ingress_rule"] {
		b.cur = in.s.stand
		b.vpcRule(in, graph.Ingress)
	}
	for _, in := range b.byType["aws_vpc_security_group_egress_rule"] {
		b.cur = in.s.stand
		b.vpcRule(in, graph.Egress)
	}
	for _, in := range b.byType["aws_eks_node_group"] {
		b.cur = in.s.stand
		b.managedNodeGroup(in)
	}
	for _, in := range b.byType["aws_ec2_tag"] {
		b.cur = in.s.stand
		b.ec2Tag(in)
	}
	for _, in := range b.byType["aws_autoscaling_group"] {
		b.cur = in.s.stand
		b.selfManaged(in)
	}
	for _, in := range b.byType["aws_instance"] {
		b.cur = in.s.stand
		b.selfManaged(in)
	}
	b.cur = nil
	b.attachments()
	b.cur = nil
	return b.doc
}

func (b *builder) loc(r hcl.Range) graph.Location { return b.ev.l.locIn(b.cur, r) }

func (b *builder) value(v cty.Value) (graph.Value, bool) { return b.ev.syms.value(b.ev.root, v) }

func (b *builder) notify(at hcl.Range, format string, args ...any) {
	b.ev.notifyIn(b.cur, "note", at, format, args...)
}

// clusterKeyOf is the scan-wide key of the cluster a name denotes.
func clusterKeyOf(name graph.Value) string {
	if s, ok := name.Literal(); ok {
		if s == "" {
			return ""
		}
		return graph.ClusterKeyForName(s)
	}
	if k := name.Key(); k != "" {
		return "sym:" + k
	}
	return ""
}

func (b *builder) cluster(in *instance) {
	v := in.view()
	nameV, _, _ := v.get("name")
	name, absent := b.value(nameV)
	if absent {
		name = graph.UnknownValue("no name")
	}
	if name.Kind == graph.KindUnknown {
		// An unknown name is still this cluster's name: node groups that
		// refer to aws_eks_cluster.x.name find it.
		name = b.ev.syms.symbolValue(b.ev.root, symbol{kind: symResource, scope: in.s.path, addr: in.addr, attr: "name"})
	}
	key := clusterKeyOf(name)
	if key == "" {
		key = "tf:" + b.ev.root + "#" + in.full()
	}
	c := &graph.Cluster{Key: key, Name: name, Loc: b.loc(in.cfg.rng), Defined: true, Resource: in.full(),
		Version: graph.UnknownValue("not set"), Certain: in.certain, EndpointPublic: graph.Yes, EndpointPrivate: graph.No}
	if ver, _, ok := v.get("version"); ok {
		if gv, absent := b.value(ver); !absent {
			c.Version = gv
		}
	}
	vpcs, open := v.nested("vpc_config")
	if open || len(vpcs) > 1 {
		c.ControlPlaneSGsOpen = true
		c.EndpointPublic, c.EndpointPrivate = graph.Unknown, graph.Unknown
	}
	if len(vpcs) == 1 {
		vc := vpcs[0]
		found, _ := walkPath(vc, "security_group_ids")
		for _, f := range found {
			members, o := b.sgList(f.val, f.at)
			for _, m := range members {
				m.Certain = m.Certain && f.certain
				c.ControlPlaneSGs = append(c.ControlPlaneSGs, m)
			}
			c.ControlPlaneSGsOpen = c.ControlPlaneSGsOpen || o
		}
		if !open {
			c.EndpointPublic = b.boolArg(vc, "endpoint_public_access", graph.Yes)
			c.EndpointPrivate = b.boolArg(vc, "endpoint_private_access", graph.No)
		}
	}
	if graph.VersionBelow(c.Version, 1, 14) != graph.Yes {
		c.ClusterSG = graph.ClusterSGKey(key)
		b.addClusterSG(c, true)
	}
	b.clusters[in] = c
	if b.byKey[key] == nil {
		b.byKey[key] = c
	}
	b.doc.Clusters = append(b.doc.Clusters, c)
}

// boolArg reads a boolean argument; def when not set, Unknown when not known.
func (b *builder) boolArg(v *view, name string, def graph.Tri) graph.Tri {
	val, _, ok := v.get(name)
	if !ok || val.IsNull() {
		return def
	}
	if !val.IsKnown() {
		return graph.Unknown
	}
	gv, _ := b.value(val)
	switch s, _ := gv.Literal(); strings.ToLower(s) {
	case "true":
		return graph.Yes
	case "false":
		return graph.No
	}
	return graph.Unknown
}

// addClusterSG adds the EKS-created cluster security group with what EKS
// puts on it: the cluster tag, all traffic from itself, all egress. Its
// rules are known only when the cluster itself is described.
func (b *builder) addClusterSG(c *graph.Cluster, defined bool) {
	if _, ok := b.sgs[c.ClusterSG]; ok {
		return
	}
	sg := graph.NewClusterSG(c, c.Name.String(), c.Loc, defined)
	b.sgs[c.ClusterSG] = sg
	b.doc.SGs = append(b.doc.SGs, sg)
}

// referencedCluster returns the cluster a node group names, adding one
// not described here (its cluster SG's rules unknown) when the module
// does not define it.
func (b *builder) referencedCluster(name graph.Value, at hcl.Range) *graph.Cluster {
	key := clusterKeyOf(name)
	if key == "" {
		return nil
	}
	if c := b.byKey[key]; c != nil {
		return c
	}
	c := &graph.Cluster{Key: key, Name: name, Loc: b.loc(at), Version: graph.UnknownValue("cluster not in this module"),
		EndpointPublic: graph.Unknown, EndpointPrivate: graph.Unknown, ControlPlaneSGsOpen: true,
		ClusterSG: graph.ClusterSGKey(key)}
	b.addClusterSG(c, false)
	b.byKey[key] = c
	b.doc.Clusters = append(b.doc.Clusters, c)
	return c
}

func (b *builder) sgKeyOfInstance(in *instance) graph.SGKey {
	return graph.SGKey("tf:" + b.ev.root + "#" + in.full())
}

func (b *builder) securityGroup(in *instance) {
	key := b.sgKeyOfInstance(in)
	sg := &graph.SecurityGroup{Key: key, Name: in.full(), Loc: b.loc(in.cfg.rng), Defined: true, Resource: in.full()}
	v := in.view()
	sg.Tags, sg.TagsOpen = b.resourceTags(in, v)
	self := []graph.SGMember{{SG: key, Certain: true}}
	for _, dir := range []graph.Direction{graph.Ingress, graph.Egress} {
		blocks, open := v.nested(dir.String())
		sg.RulesOpen = sg.RulesOpen || open
		for _, rb := range blocks {
			sg.Rules = append(sg.Rules, b.rules(rb, dir, self, rb.certain && in.certain, b.loc(rb.rng), "", inlineFields)...)
		}
	}
	// No default egress: the AWS provider removes the rule AWS adds.
	b.sgs[key] = sg
	b.doc.SGs = append(b.doc.SGs, sg)
}

// resourceTags reads `tags` merged over the provider's default_tags (the
// resource's own win, as in the provider).
func (b *builder) resourceTags(in *instance, v *view) ([]graph.Tag, bool) {
	var out []graph.Tag
	open := false
	own, at, ok := v.get("tags")
	ownKeys := map[string]bool{}
	if ok {
		tags, o := b.tagMap(own, at, v.keyRanges("tags"))
		open = o
		for _, t := range tags {
			ownKeys[t.Key.Key()] = true
			t.Certain = t.Certain && in.certain
			out = append(out, t)
		}
	}
	if dt := in.s.defaultTags[in.cfg.provider]; dt != nil {
		tags, o := b.tagMap(dt.tags, dt.rng, dt.keys)
		open = open || o
		for _, t := range tags {
			if k := t.Key.Key(); k != "" && ownKeys[k] {
				continue
			}
			t.Certain = t.Certain && in.certain
			out = append(out, t)
		}
	}
	return out, open
}

// tagMap reads a map of tags; each tag is located at its key when the
// map is written as an object.
func (b *builder) tagMap(val cty.Value, at hcl.Range, keyAt map[string]hcl.Range) ([]graph.Tag, bool) {
	if val == cty.NilVal || val.IsNull() {
		return nil, false
	}
	if !val.IsKnown() || !(val.Type().IsMapType() || val.Type().IsObjectType()) {
		return nil, true
	}
	var out []graph.Tag
	open := !val.IsWhollyKnown()
	for it := val.ElementIterator(); it.Next(); {
		k, e := it.Element()
		key, _ := b.value(k)
		value, absent := b.value(e)
		if absent {
			continue // a null tag is not set
		}
		loc := b.loc(at)
		if r, ok := keyAt[k.AsString()]; ok {
			loc = b.loc(r)
		}
		out = append(out, graph.Tag{Key: key, Value: value, Certain: true, Loc: loc})
	}
	return out, open
}

// sgKeyOf names the security group a value denotes.
func (b *builder) sgKeyOf(v cty.Value, at hcl.Range) (graph.SGKey, bool) {
	if v == cty.NilVal || v.IsNull() {
		return "", false
	}
	if !v.IsKnown() || !v.Type().Equals(cty.String) {
		return graph.UnknownSGKey(b.loc(at)), true
	}
	if sym := b.ev.syms.only(v); sym != nil {
		return b.symbolSG(*sym, at), true
	}
	parts, ok := b.ev.syms.split(v.AsString())
	if !ok || len(parts) != 1 || parts[0].sym != nil {
		return graph.UnknownSGKey(b.loc(at)), true
	}
	s := strings.TrimSpace(parts[0].text)
	if s == "" {
		return "", false
	}
	return graph.SGKey(s), true
}

func (b *builder) symbolSG(sym symbol, at hcl.Range) graph.SGKey {
	switch sym.kind {
	case symVar:
		return b.external(graph.SGKey("tfvar:"+b.ev.root+"#"+sym.full()), sym.full(), at)
	case symData:
		in := sym.inst
		v := in.view()
		switch {
		case in.cfg.typ == "aws_security_group" && sym.attr == "id":
			if id, _, ok := v.get("id"); ok {
				if gv, _ := b.value(id); gv.IsKnown() && gv.Str != "" {
					return graph.SGKey(gv.Str)
				}
			}
		case in.cfg.typ == "aws_eks_cluster" && sym.attr == "vpc_config[0].cluster_security_group_id":
			if n, _, ok := v.get("name"); ok {
				if gv, absent := b.value(n); !absent {
					if k := clusterKeyOf(gv); k != "" {
						if c := b.byKey[k]; c != nil && c.ClusterSG != "" {
							return c.ClusterSG
						}
						c := b.referencedCluster(gv, in.cfg.rng)
						return c.ClusterSG
					}
				}
			}
		}
		return b.external(graph.SGKey("tfdata:"+b.ev.root+"#"+sym.full()), sym.full(), at)
	}
	in := sym.inst
	switch {
	case in.cfg.typ == "aws_security_group" && sym.attr == "id":
		return b.sgKeyOfInstance(in)
	case in.cfg.typ == "aws_eks_cluster" && sym.attr == "vpc_config[0].cluster_security_group_id":
		if c := b.clusters[in]; c != nil && c.ClusterSG != "" {
			return c.ClusterSG
		}
	case in.cfg.typ == "aws_eks_node_group" && sym.attr == "resources[0].remote_access_security_group_id":
		return b.remoteAccessKey(in)
	}
	return b.external(graph.SGKey("tfref:"+b.ev.root+"#"+sym.full()), sym.full(), at)
}

// external records a group the module only refers to, with a name for
// messages; its tags and rules are unknown.
func (b *builder) external(key graph.SGKey, name string, at hcl.Range) graph.SGKey {
	if _, ok := b.sgs[key]; !ok {
		sg := &graph.SecurityGroup{Key: key, Name: name, Loc: b.loc(at), TagsOpen: true, RulesOpen: true}
		b.sgs[key] = sg
		b.doc.SGs = append(b.doc.SGs, sg)
	}
	return key
}

// sgList reads a list (or set, or single string) of security groups.
func (b *builder) sgList(v cty.Value, at hcl.Range) ([]graph.SGMember, bool) {
	if v == cty.NilVal || v.IsNull() {
		return nil, false
	}
	if !v.IsKnown() {
		return nil, true
	}
	ty := v.Type()
	if ty.Equals(cty.String) {
		k, ok := b.sgKeyOf(v, at)
		if !ok {
			return nil, false
		}
		return []graph.SGMember{{SG: k, Certain: true, Loc: b.loc(at)}}, false
	}
	if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
		return nil, true
	}
	var out []graph.SGMember
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if k, ok := b.sgKeyOf(e, at); ok {
			out = append(out, graph.SGMember{SG: k, Certain: true, Loc: b.loc(at)})
		}
	}
	return out, false
}

// ruleFields names the arguments of one kind of rule block or resource.
type ruleFields struct {
	protocol, from, to      string
	cidrs, ipv6, prefixes   string // list arguments
	cidr4, cidr6, prefix    string // single-value arguments
	groups, group, selfFlag string
}

var (
	inlineFields = ruleFields{protocol: "protocol", from: "from_port", to: "to_port", cidrs: "cidr_blocks",
		ipv6: "ipv6_cidr_blocks", prefixes: "prefix_list_ids", groups: "security_groups", selfFlag: "self"}
	legacyFields = ruleFields{protocol: "protocol", from: "from_port", to: "to_port", cidrs: "cidr_blocks",
		ipv6: "ipv6_cidr_blocks", prefixes: "prefix_list_ids", group: "source_security_group_id", selfFlag: "self"}
	vpcFields = ruleFields{protocol: "ip_protocol", from: "from_port", to: "to_port", cidr4: "cidr_ipv4",
		cidr6: "cidr_ipv6", prefix: "prefix_list_id", group: "referenced_security_group_id"}
)

// rules reads one rule (an inline block, or a rule resource) for each
// owner group, one graph rule per peer.
func (b *builder) rules(v *view, dir graph.Direction, owners []graph.SGMember, certain bool, loc graph.Location, resource string, f ruleFields) []*graph.Rule {
	base := graph.Rule{Direction: dir, Certain: certain, Loc: loc, Resource: resource, Protocol: graph.ProtoUnknown}
	if p, _, ok := v.get(f.protocol); ok {
		if gv, _ := b.value(p); gv.IsKnown() {
			base.Protocol = graph.ParseProtocol(gv.Str)
		}
	}
	base.FromPort, base.ToPort, base.PortsKnown = b.ports(v, f, base.Protocol)
	type peerAt struct {
		p       graph.Peer
		certain bool
	}
	var peers []peerAt
	addCIDR := func(val cty.Value) {
		gv, absent := b.value(val)
		if absent {
			return
		}
		p := graph.Peer{Kind: graph.PeerUnknown, Expr: gv.String()}
		if s, ok := gv.Literal(); ok {
			if pfx, ok := graph.ParseCIDR(s); ok {
				p = graph.Peer{Kind: graph.PeerCIDR, CIDR: pfx, Expr: s}
			}
		}
		peers = append(peers, peerAt{p, true})
	}
	list := func(name string, each func(cty.Value, hcl.Range)) {
		if name == "" {
			return
		}
		val, at, ok := v.get(name)
		if !ok || val.IsNull() {
			return
		}
		if !val.IsKnown() || !val.CanIterateElements() {
			peers = append(peers, peerAt{graph.Peer{Kind: graph.PeerUnknown, Expr: name + " (unknown)"}, true})
			return
		}
		for it := val.ElementIterator(); it.Next(); {
			_, e := it.Element()
			each(e, at)
		}
	}
	single := func(name string, each func(cty.Value, hcl.Range)) {
		if name == "" {
			return
		}
		if val, at, ok := v.get(name); ok && !val.IsNull() {
			each(val, at)
		}
	}
	cidrEach := func(e cty.Value, _ hcl.Range) { addCIDR(e) }
	prefixEach := func(e cty.Value, _ hcl.Range) {
		gv, absent := b.value(e)
		if !absent {
			peers = append(peers, peerAt{graph.Peer{Kind: graph.PeerPrefixList, PrefixList: gv, Expr: gv.String()}, true})
		}
	}
	groupEach := func(e cty.Value, at hcl.Range) {
		if k, ok := b.sgKeyOf(e, at); ok {
			gv, _ := b.value(e)
			peers = append(peers, peerAt{graph.Peer{Kind: graph.PeerSG, SG: k, Expr: gv.String()}, true})
		}
	}
	list(f.cidrs, cidrEach)
	list(f.ipv6, cidrEach)
	single(f.cidr4, cidrEach)
	single(f.cidr6, cidrEach)
	list(f.prefixes, prefixEach)
	single(f.prefix, prefixEach)
	list(f.groups, groupEach)
	single(f.group, groupEach)
	selfPeer := false
	if f.selfFlag != "" {
		if val, _, ok := v.get(f.selfFlag); ok {
			switch t := b.triOf(val); t {
			case graph.Yes:
				selfPeer = true
			case graph.Unknown:
				peers = append(peers, peerAt{graph.Peer{Kind: graph.PeerUnknown, Expr: "self (unknown)"}, true})
			}
		}
	}
	if len(peers) == 0 && !selfPeer {
		peers = append(peers, peerAt{graph.Peer{Kind: graph.PeerUnknown, Expr: "no source or destination"}, true})
	}
	var out []*graph.Rule
	for _, o := range owners {
		all := peers
		if selfPeer {
			all = append(append([]peerAt{}, peers...), peerAt{graph.Peer{Kind: graph.PeerSG, SG: o.SG, Expr: "self"}, true})
		}
		for _, p := range all {
			r := base
			r.SG = o.SG
			r.Peer = p.p
			r.Certain = certain && o.Certain && p.certain
			out = append(out, &r)
		}
	}
	return out
}

func (b *builder) triOf(val cty.Value) graph.Tri {
	if val.IsNull() {
		return graph.No
	}
	if !val.IsKnown() {
		return graph.Unknown
	}
	gv, _ := b.value(val)
	switch strings.ToLower(gv.Str) {
	case "true":
		if gv.IsKnown() {
			return graph.Yes
		}
	case "false":
		if gv.IsKnown() {
			return graph.No
		}
	}
	return graph.Unknown
}

// ports reads from_port/to_port; protocol -1 means all ports (its ports
// are ignored).
func (b *builder) ports(v *view, f ruleFields, proto int) (int, int, bool) {
	if proto == graph.ProtoAll {
		return 0, 65535, true
	}
	from, ok1 := b.intArg(v, f.from)
	to, ok2 := b.intArg(v, f.to)
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

func (b *builder) intArg(v *view, name string) (int, bool) {
	val, _, ok := v.get(name)
	if !ok || !val.IsKnown() || val.IsNull() {
		return 0, false
	}
	if val.Type().Equals(cty.Number) {
		bf := val.AsBigFloat()
		if !bf.IsInt() {
			return 0, false
		}
		i, _ := bf.Int64()
		if i < -1 || i > 65535 {
			return 0, false
		}
		return int(i), true
	}
	gv, _ := b.value(val)
	s, ok := gv.Literal()
	if !ok {
		return 0, false
	}
	n, ok := knownInt(cty.StringVal(strings.TrimSpace(s)))
	if ok {
		return n, true
	}
	if strings.TrimSpace(s) == "-1" {
		return -1, true
	}
	return 0, false
}

// legacyRule is aws_security_group_rule.
func (b *builder) legacyRule(in *instance) {
	v := in.view()
	typ, _, _ := v.get("type")
	gv, _ := b.value(typ)
	var dir graph.Direction
	switch s, _ := gv.Literal(); s {
	case "ingress":
		dir = graph.Ingress
	case "egress":
		dir = graph.Egress
	default:
		b.markOwnerOpen(v)
		b.notify(in.cfg.rng, "%s: its type is not known to be ingress or egress; the group's rules are open", in.full())
		return
	}
	b.standaloneRule(in, v, dir, legacyFields)
}

func (b *builder) vpcRule(in *instance, dir graph.Direction) {
	b.standaloneRule(in, in.view(), dir, vpcFields)
}

func (b *builder) standaloneRule(in *instance, v *view, dir graph.Direction, f ruleFields) {
	id, at, ok := v.get("security_group_id")
	if !ok {
		b.notify(in.cfg.rng, "%s names no security group; it is ignored", in.full())
		return
	}
	k, ok := b.sgKeyOf(id, at)
	if !ok {
		return
	}
	owners := []graph.SGMember{{SG: k, Certain: true}}
	b.doc.Rules = append(b.doc.Rules, b.rules(v, dir, owners, in.certain, b.loc(in.cfg.rng), in.full(), f)...)
}

// markOwnerOpen marks the group of a rule the model cannot read as having
// more rules than it sees.
func (b *builder) markOwnerOpen(v *view) {
	id, at, ok := v.get("security_group_id")
	if !ok {
		return
	}
	if k, ok := b.sgKeyOf(id, at); ok {
		if sg := b.sgs[k]; sg != nil {
			sg.RulesOpen = true
		}
	}
}

// ec2Tag is aws_ec2_tag: one tag added to a resource created elsewhere
// (the cluster SG, most often).
func (b *builder) ec2Tag(in *instance) {
	v := in.view()
	id, at, ok := v.get("resource_id")
	if !ok {
		return
	}
	k, ok := b.sgKeyOf(id, at)
	if !ok {
		return
	}
	sg := b.sgs[k]
	if sg == nil {
		if strings.HasPrefix(string(k), "sg-") {
			b.notify(in.cfg.rng, "%s tags %s, which this module does not describe; the tag is not modelled", in.full(), k)
		}
		return
	}
	kv, kat, _ := v.get("key")
	vv, _, _ := v.get("value")
	key, absent := b.value(kv)
	if absent {
		return
	}
	val, _ := b.value(vv)
	sg.Tags = append(sg.Tags, graph.Tag{Key: key, Value: val, Certain: in.certain, Loc: b.loc(kat)})
}
