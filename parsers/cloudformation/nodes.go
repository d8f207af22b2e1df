package cloudformation

import (
	"fmt"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"net/netip"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/userdata"
	yaml "go.yaml.in/yaml/v3"
)

// buildManagedNodeGroup models AWS::EKS::Nodegroup: its nodes carry the
// launch template's groups when it sets any, otherwise the cluster SG (EKS
// does not add the cluster SG to launch-template groups), plus the
// remote-access group EKS creates for RemoteAccess.
func (t *template) buildManagedNodeGroup(r *resource) {
	ng := &graph.NodeGroup{Key: "cfn:" + t.file + "#" + r.id, Name: t.displayName(r), Kind: graph.ManagedNodeGroup,
		Loc: t.loc(r.key), Resource: r.id, Certain: r.exists == graph.Yes, SGsLoc: t.loc(r.key)}
	if n, ok := t.eval(yamltree.Get(r.props, "NodegroupName")).Literal(); ok && n != "" {
		ng.Name = n
	}
	cluster := t.referencedCluster(t.eval(yamltree.Get(r.props, "ClusterName")), yamltree.Get(r.props, "ClusterName"))
	if cluster != nil {
		ng.ClusterKey, ng.ClusterLink = cluster.Key, "its ClusterName property"
	}
	ltSpec := yamltree.Get(r.props, "LaunchTemplate")
	useClusterSG := true
	if ltSpec != nil {
		lt := t.launchTemplateOf(ltSpec, "Id", "Name")
		if lt == nil {
			ng.SGsOpen = true // an external launch template: its groups are unknown
			useClusterSG = false
		} else {
			members, open, at := t.nodeSGsOf(lt)
			ng.SGs, ng.SGsOpen = members, open
			if at != nil {
				ng.SGsLoc = t.loc(at)
			}
			useClusterSG = len(members) == 0 && !open
		}
	}
	if useClusterSG {
		if cluster == nil || cluster.ClusterSG == "" {
			ng.SGsOpen = true
		} else {
			ng.SGs = append(ng.SGs, graph.SGMember{SG: cluster.ClusterSG, Certain: true, Loc: ng.Loc})
		}
	}
	if ra := yamltree.Get(r.props, "RemoteAccess"); ra != nil {
		t.remoteAccess(ng, ra, yamltree.Key(r.props, "RemoteAccess"))
	}
	t.doc.NodeGroups = append(t.doc.NodeGroups, ng)
}

// remoteAccess adds the group EKS creates for SSH: TCP 22 from the given
// source groups, or from 0.0.0.0/0 when none are given.
func (t *template) remoteAccess(ng *graph.NodeGroup, ra, at *yaml.Node) {
	key, ok := t.eval(yamltree.Get(ra, "Ec2SshKey")).Literal()
	if ok && key == "" {
		return
	}
	if v := t.eval(yamltree.Get(ra, "Ec2SshKey")); isNoValue(v) {
		return
	}
	sgKey := graph.SGKey("remote-access:" + t.file + "#" + ng.Resource)
	loc := t.loc(at)
	sg := &graph.SecurityGroup{Key: sgKey, Loc: loc, Defined: true, RemoteAccessOf: ng.Key,
		Name: fmt.Sprintf("remote-access security group of node group %q", ng.Name)}
	sources, open := t.sgMembers(yamltree.Get(ra, "SourceSecurityGroups"))
	ssh := graph.Rule{SG: sgKey, Direction: graph.Ingress, Protocol: graph.ProtoTCP, FromPort: 22, ToPort: 22,
		PortsKnown: true, Loc: loc}
	for _, s := range sources {
		r := ssh
		r.Peer, r.Certain = graph.Peer{Kind: graph.PeerSG, SG: s.SG, Expr: graph.ExternalSGName(s.SG)}, s.Certain
		r.Implicit = "EKS remote access: SSH from RemoteAccess.SourceSecurityGroups"
		sg.Rules = append(sg.Rules, &r)
	}
	if len(sources) == 0 && !open {
		r := ssh
		r.Peer = graph.Peer{Kind: graph.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Expr: "0.0.0.0/0"}
		r.Certain = true
		r.Implicit = "EKS remote access: SSH from 0.0.0.0/0 (RemoteAccess without SourceSecurityGroups)"
		sg.Rules = append(sg.Rules, &r)
	}
	sg.RulesOpen = open
	sg.Rules = append(sg.Rules, graph.AllEgressIPv4(sgKey, loc, true, "default egress rule: all traffic to 0.0.0.0/0"))
	t.sgs[sgKey] = sg
	t.doc.SGs = append(t.doc.SGs, sg)
	ng.SGs = append(ng.SGs, graph.SGMember{SG: sgKey, Certain: true, Loc: loc})
}

// launchTemplateOf finds the template's own launch template (or launch
// configuration) named by a specification's ID or name property, or by its
// Version. eksctl's node-group stacks name the launch template
// `LaunchTemplateName: !Sub ${AWS::StackName}` on both the
// AWS::EC2::LaunchTemplate and the Auto Scaling group's specification, with
// `Version: !GetAtt NodeGroupLaunchTemplate.LatestVersionNumber`
// (eksctl-io/eksctl pkg/cfn/builder/managed_nodegroup.go writes
// `LaunchTemplateName: gfnt.MakeFnSubString("${AWS::StackName}")`; the
// self-managed stack generated at 99984adb6164,
// pkg/cfn/template/testdata/nodegroup-example-1.json, names it so in both
// places), so a name equal to the resource's own name property links as
// surely as a Ref.
func (t *template) launchTemplateOf(spec *yaml.Node, fields ...string) *resource {
	for _, f := range fields {
		n := yamltree.Get(spec, f)
		if n == nil {
			continue
		}
		v := t.eval(n)
		if v.Kind == graph.KindGetAtt || v.Kind == graph.KindResource {
			if r := t.resources[v.Str]; r != nil && r.exists != graph.No {
				return r
			}
		}
	}
	if v := t.eval(yamltree.Get(spec, "Version")); v.Kind == graph.KindGetAtt &&
		(v.Attr == "LatestVersionNumber" || v.Attr == "DefaultVersionNumber") {
		if r := t.resources[v.Str]; r != nil && r.exists != graph.No && r.typ == "AWS::EC2::LaunchTemplate" {
			return r
		}
	}
	for _, f := range fields {
		if !strings.HasSuffix(f, "Name") {
			continue
		}
		n := yamltree.Get(spec, f)
		if n == nil {
			continue
		}
		if r := t.resourceNamed(t.eval(n)); r != nil {
			return r
		}
	}
	return nil
}

// resourceNamed is the one launch template or launch configuration of the
// template whose name property certainly equals name (none when several may).
func (t *template) resourceNamed(name graph.Value) *resource {
	if name.SameKey() == "" {
		return nil
	}
	var found *resource
	for _, r := range t.order {
		var prop string
		switch r.typ {
		case "AWS::EC2::LaunchTemplate":
			prop = "LaunchTemplateName"
		case "AWS::AutoScaling::LaunchConfiguration":
			prop = "LaunchConfigurationName"
		default:
			continue
		}
		n := yamltree.Get(r.props, prop)
		if r.exists == graph.No || n == nil {
			continue
		}
		switch graph.Equal(t.eval(n), name) {
		case graph.Yes:
			if found != nil {
				return nil
			}
			found = r
		case graph.Unknown:
			return nil // another resource may carry the name too
		}
	}
	return found
}

// nodeSGsOf lists the groups a launch template, launch configuration or
// instance places its network interfaces in.
func (t *template) nodeSGsOf(r *resource) ([]graph.SGMember, bool, *yaml.Node) {
	att, open := t.attachedSGs(r)
	var out []graph.SGMember
	var at *yaml.Node
	for _, a := range att {
		if at == nil {
			at = a.key
		}
		out = append(out, a.member)
	}
	return out, open, at
}

// buildSelfManaged models an Auto Scaling group (through its launch
// template or configuration) or an instance as nodes of a cluster, when
// something links it to one: a kubernetes.io/cluster/<name> tag on it or
// its groups, bootstrap user data naming the cluster, or the cluster SG.
func (t *template) buildSelfManaged(r *resource) {
	kind := graph.SelfManagedNodeGroup
	var sources []*resource // launch template/configuration, or the instance itself
	open := false
	if r.typ == "AWS::EC2::Instance" {
		kind = graph.InstanceNodes
		sources = append(sources, r)
		if spec := yamltree.Get(r.props, "LaunchTemplate"); spec != nil {
			if lt := t.launchTemplateOf(spec, "LaunchTemplateId", "LaunchTemplateName"); lt != nil {
				sources = append(sources, lt)
			} else {
				open = true
			}
		}
	} else {
		specs := []*yaml.Node{yamltree.Get(r.props, "LaunchTemplate"),
			yamltree.Get(yamltree.Get(yamltree.Get(r.props, "MixedInstancesPolicy"), "LaunchTemplate"), "LaunchTemplateSpecification")}
		for _, spec := range specs {
			if spec == nil {
				continue
			}
			if lt := t.launchTemplateOf(spec, "LaunchTemplateId", "LaunchTemplateName"); lt != nil {
				sources = append(sources, lt)
			} else {
				open = true
			}
		}
		if lc := yamltree.Get(r.props, "LaunchConfigurationName"); lc != nil {
			if res := t.launchTemplateOf(r.props, "LaunchConfigurationName"); res != nil {
				sources = append(sources, res)
			} else {
				open = true
			}
		}
		if len(sources) == 0 && !open {
			return // no launch data: not nodes the model can describe
		}
	}
	ng := &graph.NodeGroup{Key: "cfn:" + t.file + "#" + r.id, Name: t.displayName(r), Kind: kind, Loc: t.loc(r.key),
		Resource: r.id, Certain: r.exists == graph.Yes, SGsOpen: open, SGsLoc: t.loc(r.key)}
	for _, src := range sources {
		members, o, at := t.nodeSGsOf(src)
		ng.SGs = append(ng.SGs, members...)
		ng.SGsOpen = ng.SGsOpen || o
		if at != nil && ng.SGsLoc == ng.Loc {
			ng.SGsLoc = t.loc(at)
		}
	}
	name, at, link := t.selfManagedClusterName(r, sources, ng.SGs)
	if link == "" {
		return
	}
	cluster := t.referencedCluster(name, at)
	if cluster == nil {
		return
	}
	ng.ClusterKey, ng.ClusterLink = cluster.Key, link
	t.doc.NodeGroups = append(t.doc.NodeGroups, ng)
}

// selfManagedClusterName finds which cluster self-managed nodes join.
func (t *template) selfManagedClusterName(r *resource, sources []*resource, sgs []graph.SGMember) (graph.Value, *yaml.Node, string) {
	// 1. A kubernetes.io/cluster/<name> tag on the group or instance.
	tags, _ := t.list(yamltree.Get(r.props, "Tags"))
	for _, it := range tags {
		k := yamltree.Get(it.node, "Key")
		if name, ok := t.eval(k).TrimPrefix(clusterTagPrefix); ok && it.certain {
			return name, k, "its kubernetes.io/cluster tag"
		}
	}
	// 2. Bootstrap user data naming the cluster.
	for _, src := range sources {
		ud := yamltree.Get(src.props, "UserData")
		if ud == nil {
			ud = yamltree.Get(yamltree.Get(src.props, "LaunchTemplateData"), "UserData")
		}
		if ud == nil {
			continue
		}
		if name, ok := userdata.ClusterName(t.eval(ud)); ok {
			return name, ud, "its bootstrap user data"
		}
	}
	// 3. A cluster tag on one of its groups, or the cluster SG itself.
	for _, m := range sgs {
		sg := t.sgs[m.SG]
		if sg == nil || !m.Certain {
			continue
		}
		if sg.ClusterSGOf != "" {
			if c := t.clusters[sg.ClusterSGOf]; c != nil {
				return c.Name, nil, graph.LinkByClusterSG
			}
		}
		for _, tag := range sg.Tags {
			if name, ok := tag.Key.TrimPrefix(clusterTagPrefix); ok && tag.Certain {
				return name, nil, "the kubernetes.io/cluster tag of " + sg.Name
			}
		}
	}
	return graph.Value{}, nil, ""
}
