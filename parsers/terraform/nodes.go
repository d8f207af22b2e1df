package terraform

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/userdata"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func (b *builder) remoteAccessKey(ng *instance) graph.SGKey {
	return graph.SGKey("remote-access:tf:" + b.ev.root + "#" + ng.full())
}

// managedNodeGroup models aws_eks_node_group: its nodes carry the launch
// template's groups when it sets any, otherwise the cluster SG (EKS does
// not add the cluster SG to launch-template groups), plus the
// remote-access group EKS creates for remote_access.
func (b *builder) managedNodeGroup(in *instance) {
	v := in.view()
	full := in.full()
	loc := b.loc(in.cfg.rng)
	ng := &graph.NodeGroup{Key: "tf:" + b.ev.root + "#" + full, Name: full, Kind: graph.ManagedNodeGroup,
		Loc: loc, Resource: full, Certain: in.certain, SGsLoc: loc}
	if n, _, ok := v.get("node_group_name"); ok {
		if gv, _ := b.value(n); gv.IsKnown() && gv.Str != "" {
			ng.Name = gv.Str
		}
	}
	var cluster *graph.Cluster
	if cn, at, ok := v.get("cluster_name"); ok {
		if name, absent := b.value(cn); !absent {
			cluster = b.referencedCluster(name, at)
		}
	}
	if cluster != nil {
		ng.ClusterKey, ng.ClusterLink = cluster.Key, "its cluster_name argument"
	}
	useClusterSG := true
	lts, open := v.nested("launch_template")
	if open {
		ng.SGsOpen, useClusterSG = true, false
	}
	if len(lts) > 0 {
		lt := b.launchTemplateOf(lts[0], "id", "name")
		if lt == nil {
			ng.SGsOpen, useClusterSG = true, false // a launch template not in the files
		} else {
			members, o, at := b.nodeSGsOf(lt)
			ng.SGs, ng.SGsOpen = members, ng.SGsOpen || o
			if at != nil {
				ng.SGsLoc = b.loc(*at)
			}
			useClusterSG = useClusterSG && len(members) == 0 && !o
			if !o && len(members) > 0 && !anyCertain(members) && cluster != nil && cluster.ClusterSG != "" {
				// Every group is conditional: on a branch where the launch
				// template sets none, EKS puts the nodes in the cluster SG.
				ng.SGs = append(ng.SGs, graph.SGMember{SG: cluster.ClusterSG, Certain: false, Loc: ng.Loc})
			}
		}
	}
	if useClusterSG {
		if cluster == nil || cluster.ClusterSG == "" {
			ng.SGsOpen = true
		} else {
			ng.SGs = append(ng.SGs, graph.SGMember{SG: cluster.ClusterSG, Certain: true, Loc: ng.Loc})
		}
	}
	ras, open := v.nested("remote_access")
	if open {
		ng.SGsOpen = true
	}
	for _, ra := range ras {
		b.remoteAccess(ng, in, ra)
	}
	b.ngs[in] = ng
	b.doc.NodeGroups = append(b.doc.NodeGroups, ng)
}

// remoteAccess adds the group EKS creates for SSH: TCP 22 from the given
// source groups, or from 0.0.0.0/0 when none are given.
func (b *builder) remoteAccess(ng *graph.NodeGroup, in *instance, ra *view) {
	kv, _, ok := ra.get("ec2_ssh_key")
	if !ok || kv.IsNull() {
		return
	}
	if gv, _ := b.value(kv); gv.IsKnown() && gv.Str == "" {
		return
	}
	key := b.remoteAccessKey(in)
	loc := b.loc(ra.rng)
	sg := &graph.SecurityGroup{Key: key, Loc: loc, Defined: true, RemoteAccessOf: ng.Key,
		Name: fmt.Sprintf("remote-access security group of node group %q", ng.Name)}
	var sources []graph.SGMember
	open := false
	if ids, at, ok := ra.get("source_security_group_ids"); ok {
		sources, open = b.sgList(ids, at)
	}
	ssh := graph.Rule{SG: key, Direction: graph.Ingress, Protocol: graph.ProtoTCP, FromPort: 22, ToPort: 22, PortsKnown: true, Loc: loc}
	for _, s := range sources {
		r := ssh
		r.Peer, r.Certain = graph.Peer{Kind: graph.PeerSG, SG: s.SG, Expr: string(s.SG)}, s.Certain && ra.certain
		if x := b.sgs[s.SG]; x != nil {
			r.Peer.Expr = x.Name
		}
		r.Implicit = "EKS remote access: SSH from remote_access.source_security_group_ids"
		sg.Rules = append(sg.Rules, &r)
	}
	if len(sources) == 0 && !open {
		r := ssh
		r.Peer = graph.Peer{Kind: graph.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Expr: "0.0.0.0/0"}
		r.Certain = ra.certain
		r.Implicit = "EKS remote access: SSH from 0.0.0.0/0 (remote_access without source_security_group_ids)"
		sg.Rules = append(sg.Rules, &r)
	}
	sg.RulesOpen = open
	sg.Rules = append(sg.Rules, graph.AllEgressIPv4(key, loc, true, "default egress rule of the group EKS creates: all traffic to 0.0.0.0/0"))
	b.sgs[key] = sg
	b.doc.SGs = append(b.doc.SGs, sg)
	ng.SGs = append(ng.SGs, graph.SGMember{SG: key, Certain: ra.certain, Loc: loc})
}

// launchTemplateOf finds the module's launch template named by a
// specification's id or name argument.
func (b *builder) launchTemplateOf(spec *view, idField, nameField string) *instance {
	return b.findByRef(spec, "aws_launch_template", idField, nameField)
}

// findByRef resolves `aws_launch_template.x.id` (a symbol) or a name
// equal to the configured name of one of the module's resources of typ.
func (b *builder) findByRef(spec *view, typ string, fields ...string) *instance {
	for _, f := range fields {
		val, _, ok := spec.get(f)
		if !ok {
			continue
		}
		if sym := b.ev.syms.only(val); sym != nil && sym.kind == symResource && sym.inst.cfg.typ == typ {
			return sym.inst
		}
		gv, absent := b.value(val)
		if absent || gv.Key() == "" {
			continue
		}
		for _, cand := range b.byType[typ] {
			n, _, ok := cand.view().get("name")
			if !ok {
				continue
			}
			if cv, _ := b.value(n); cv.Key() == gv.Key() {
				return cand
			}
		}
	}
	return nil
}

// nodeSGPaths are where node resources place their network interfaces.
var nodeSGPaths = map[string][]string{
	"aws_launch_template":      {"vpc_security_group_ids", "security_group_names", "network_interfaces[].security_groups"},
	"aws_launch_configuration": {"security_groups"},
	"aws_instance":             {"vpc_security_group_ids", "security_groups"},
}

// nodeSGsOf lists the groups a launch template, launch configuration or
// instance places its network interfaces in, and where the first is set.
func (b *builder) nodeSGsOf(in *instance) ([]graph.SGMember, bool, *hcl.Range) {
	var out []graph.SGMember
	var first *hcl.Range
	open := false
	for _, p := range nodeSGPaths[in.cfg.typ] {
		found, o := walkPath(in.view(), p)
		open = open || o
		for _, f := range found {
			members, o := b.sgList(f.val, f.at)
			open = open || o
			if first == nil && (len(members) > 0 || o) {
				at := f.at
				first = &at
			}
			for _, m := range members {
				m.Certain = m.Certain && f.certain
				out = append(out, m)
			}
		}
	}
	if in.cfg.typ == "aws_instance" && in.view().has("network_interface") {
		open = true // network interfaces created elsewhere carry their own groups
	}
	return out, open, first
}

type foundArg struct {
	val     cty.Value
	at      hcl.Range
	certain bool
}

// walkPath follows a path such as "network_interfaces[].security_groups"
// through nested blocks to an argument.
func walkPath(v *view, path string) ([]foundArg, bool) {
	name, rest, nested := strings.Cut(path, ".")
	if !nested {
		vals, certain, at, ok := v.choices(name)
		if !ok {
			return nil, false
		}
		out := make([]foundArg, 0, len(vals))
		for _, val := range vals {
			out = append(out, foundArg{val: val, at: at, certain: v.certain && certain})
		}
		return out, false
	}
	blocks, open := v.nested(strings.TrimSuffix(name, "[]"))
	var out []foundArg
	for _, bl := range blocks {
		f, o := walkPath(bl, rest)
		out, open = append(out, f...), open || o
	}
	return out, open
}

// selfManaged models an Auto Scaling group (through its launch template or
// configuration) or an instance as nodes of a cluster, when something links
// it to one: a kubernetes.io/cluster/<name> tag on it or its groups,
// bootstrap user data naming the cluster, or the cluster SG.
func (b *builder) selfManaged(in *instance) {
	v := in.view()
	kind := graph.SelfManagedNodeGroup
	var sources []*instance
	open := false
	if in.cfg.typ == "aws_instance" {
		kind = graph.InstanceNodes
		sources = append(sources, in)
		lts, o := v.nested("launch_template")
		open = o
		for _, spec := range lts {
			if lt := b.launchTemplateOf(spec, "id", "name"); lt != nil {
				sources = append(sources, lt)
			} else {
				open = true
			}
		}
	} else {
		lts, o := v.nested("launch_template")
		open = o
		for _, spec := range lts {
			if lt := b.launchTemplateOf(spec, "id", "name"); lt != nil {
				sources = append(sources, lt)
			} else {
				open = true
			}
		}
		specs, o := walkBlocks(v, "mixed_instances_policy", "launch_template", "launch_template_specification")
		open = open || o
		for _, spec := range specs {
			if lt := b.launchTemplateOf(spec, "launch_template_id", "launch_template_name"); lt != nil {
				sources = append(sources, lt)
			} else {
				open = true
			}
		}
		if v.has("launch_configuration") {
			if lc := b.findByRef(v, "aws_launch_configuration", "launch_configuration"); lc != nil {
				sources = append(sources, lc)
			} else {
				open = true
			}
		}
		if len(sources) == 0 && !open {
			return // no launch data: not nodes the model can describe
		}
	}
	full := in.full()
	loc := b.loc(in.cfg.rng)
	ng := &graph.NodeGroup{Key: "tf:" + b.ev.root + "#" + full, Name: full, Kind: kind, Loc: loc,
		Resource: full, Certain: in.certain, SGsOpen: open, SGsLoc: loc}
	for _, src := range sources {
		members, o, at := b.nodeSGsOf(src)
		ng.SGs = append(ng.SGs, members...)
		ng.SGsOpen = ng.SGsOpen || o
		if at != nil && ng.SGsLoc == ng.Loc {
			ng.SGsLoc = b.loc(*at)
		}
	}
	name, at, link := b.selfManagedClusterName(in, v, sources, ng.SGs)
	if link == "" {
		return
	}
	cluster := b.referencedCluster(name, at)
	if cluster == nil {
		return
	}
	ng.ClusterKey, ng.ClusterLink = cluster.Key, link
	b.ngs[in] = ng
	b.doc.NodeGroups = append(b.doc.NodeGroups, ng)
}

// walkBlocks follows nested blocks by type.
func walkBlocks(v *view, path ...string) ([]*view, bool) {
	cur := []*view{v}
	open := false
	for _, p := range path {
		var next []*view
		for _, c := range cur {
			bs, o := c.nested(p)
			next, open = append(next, bs...), open || o
		}
		cur = next
	}
	return cur, open
}

// selfManagedClusterName finds which cluster self-managed nodes join.
func (b *builder) selfManagedClusterName(in *instance, v *view, sources []*instance, sgs []graph.SGMember) (graph.Value, hcl.Range, string) {
	// 1. A kubernetes.io/cluster/<name> tag on the group or instance.
	var tagViews []*view
	if in.cfg.typ == "aws_autoscaling_group" {
		tagViews, _ = v.nested("tag")
		more, _ := v.nested("tags") // the older list-of-maps form
		tagViews = append(tagViews, more...)
		for _, tv := range tagViews {
			k, at, _ := tv.get("key")
			if kv, absent := b.value(k); !absent && tv.certain && in.certain {
				if name, ok := kv.TrimPrefix(clusterTagPrefix); ok {
					return name, at, "its kubernetes.io/cluster tag"
				}
			}
		}
	} else {
		tags, _ := b.resourceTags(in, v)
		for _, t := range tags {
			if name, ok := t.Key.TrimPrefix(clusterTagPrefix); ok && t.Certain {
				return name, in.cfg.rng, "its kubernetes.io/cluster tag"
			}
		}
	}
	// 2. Bootstrap user data naming the cluster.
	for _, src := range sources {
		ud, at, ok := src.view().get("user_data")
		if !ok || !ud.IsKnown() || ud.IsNull() || !ud.Type().Equals(cty.String) {
			continue
		}
		text := ud.AsString()
		if dec, err := base64.StdEncoding.DecodeString(text); err == nil {
			text = string(dec)
		}
		gv, _ := b.value(cty.StringVal(text))
		if name, ok := userdata.ClusterName(gv); ok {
			return name, at, "its bootstrap user data"
		}
	}
	// 3. A cluster tag on one of its groups, or the cluster SG itself.
	for _, m := range sgs {
		sg := b.sgs[m.SG]
		if sg == nil || !m.Certain {
			continue
		}
		if sg.ClusterSGOf != "" {
			if c := b.byKey[sg.ClusterSGOf]; c != nil {
				return c.Name, in.cfg.rng, "the cluster security group it carries"
			}
		}
		for _, tag := range sg.Tags {
			if name, ok := tag.Key.TrimPrefix(clusterTagPrefix); ok && tag.Certain {
				return name, in.cfg.rng, "the kubernetes.io/cluster tag of " + sg.Name
			}
		}
	}
	return graph.Value{}, hcl.Range{}, ""
}

// attachments records, for every resource whose arguments place network
// interfaces in security groups, each group it is placed in (EKSSG011).
func (b *builder) attachments() {
	for _, s := range b.ev.scopes {
		for _, addr := range s.mod.resOrder {
			rs := s.res[addr]
			if rs.cfg.data {
				continue
			}
			paths := attachmentPaths(rs.cfg.typ, rs.cfg.body)
			for _, in := range rs.instances {
				b.cur = in.s.stand
				for _, p := range paths {
					found, _ := walkPath(in.view(), p)
					for _, f := range found {
						members, _ := b.sgList(f.val, f.at)
						for _, m := range members {
							b.doc.Attachments = append(b.doc.Attachments, graph.Attachment{SG: m.SG,
								Certain: m.Certain && f.certain && in.certain, Resource: in.full(),
								ResourceType: rs.cfg.typ, Property: p, Loc: b.loc(f.at)})
						}
					}
				}
			}
		}
	}
}

func anyCertain(ms []graph.SGMember) bool {
	for _, m := range ms {
		if m.Certain {
			return true
		}
	}
	return false
}
