package awsjson

import (
	"fmt"
	"net/netip"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// cluster reads `aws eks describe-cluster`. The 2018 shape has only
// resourcesVpcConfig.subnetIds/securityGroupIds/vpcId; later ones add
// clusterSecurityGroupId and the endpoint access flags. createdAt (a number,
// an ISO string or a placebo datetime object) is not read.
func (p *parser) cluster(c *yaml.Node) error {
	nameNode := mapGet(c, "name")
	name, ok := id(nameNode)
	if !ok {
		return errorAt(c, "cluster without a name")
	}
	key := graph.ClusterKeyForName(name)
	cl := &graph.Cluster{
		Key: key, Name: graph.Lit(name), Loc: p.loc(nameNode), Defined: true, Certain: true,
		Version:        graph.UnknownValue("not in the describe-cluster output"),
		EndpointPublic: graph.Unknown, EndpointPrivate: graph.Unknown,
	}
	if v, ok := id(mapGet(c, "version")); ok {
		cl.Version = graph.Lit(v)
	}
	vpc := mapGet(c, "resourcesVpcConfig")
	switch {
	case vpc == nil:
		cl.ControlPlaneSGsOpen = true
	case vpc.Kind != yaml.MappingNode:
		return errorAt(vpc, "resourcesVpcConfig must be an object, not %s", shape(vpc))
	}
	if vpc != nil {
		n := mapGet(vpc, "securityGroupIds")
		items, ok := list(n)
		if n == nil || !ok {
			// The API lists it (empty when none); without it the
			// control-plane groups are unknown.
			cl.ControlPlaneSGsOpen = true
			if n != nil {
				p.note(n, "cluster %q: securityGroupIds is %s, not a list; its control-plane security groups are unknown", name, shape(n))
			}
		}
		for _, it := range items {
			gid, ok := id(it)
			if !ok {
				cl.ControlPlaneSGsOpen = true
				continue
			}
			cl.ControlPlaneSGs = append(cl.ControlPlaneSGs, graph.SGMember{SG: graph.SGKey(gid), Certain: true, Loc: p.loc(it)})
		}
		cl.EndpointPublic = boolean(mapGet(vpc, "endpointPublicAccess"))
		cl.EndpointPrivate = boolean(mapGet(vpc, "endpointPrivateAccess"))
	}
	csgNode := mapGet(vpc, "clusterSecurityGroupId")
	if csg, ok := id(csgNode); ok {
		// The cluster SG's physical ID: anything that knows the cluster only
		// by name (a describe-nodegroup, a template's node group) means it.
		cl.ClusterSG = graph.SGKey(csg)
		p.doc.Aliases[graph.ClusterSGKey(key)] = cl.ClusterSG
		p.addClusterSG(cl.ClusterSG, name, fmt.Sprintf("%s (cluster security group of cluster %q)", csg, name), p.loc(csgNode))
	} else if cl.HasClusterSG() {
		// 1.14 and later (or unknown version): EKS created one, ID not given.
		cl.ClusterSG = graph.ClusterSGKey(key)
		p.addClusterSG(cl.ClusterSG, name, fmt.Sprintf("cluster security group of cluster %q", name), cl.Loc)
	}
	p.doc.Clusters = append(p.doc.Clusters, cl)
	return nil
}

// addClusterSG adds the EKS-created cluster SG of a cluster as far as EKS
// describes it: the cluster tag EKS puts on it. Its rules (and other tags)
// are live state a describe-security-groups dump gives; graph.Merge prefers
// that Defined description when the scan has one.
func (p *parser) addClusterSG(key graph.SGKey, cluster, name string, loc graph.Location) {
	for _, sg := range p.doc.SGs {
		if sg.Key == key {
			return
		}
	}
	p.doc.SGs = append(p.doc.SGs, &graph.SecurityGroup{
		Key: key, Name: name, Loc: loc, ClusterSGOf: graph.ClusterKeyForName(cluster),
		TagsOpen: true, RulesOpen: true,
		Tags: []graph.Tag{{Key: graph.Lit(graph.ClusterTagPrefix + cluster), Value: graph.Lit("owned"),
			Certain: true, Implicit: true, Loc: loc}},
	})
}

// managedNodeGroupKey is the key of a managed node group, shared by
// describe-nodegroup and describe-instances (eks:nodegroup-name).
func managedNodeGroupKey(cluster, nodegroup string) string {
	return "eks-nodegroup:" + cluster + "/" + nodegroup
}

// nodegroup reads `aws eks describe-nodegroup`. Without a launch template
// the nodes carry the cluster SG (RULES.md, node SGs); with one, the
// template's groups, which this output does not show. remoteAccess adds the
// group EKS creates for SSH.
func (p *parser) nodegroup(m *yaml.Node) error {
	nameNode := mapGet(m, "nodegroupName")
	name, ok := id(nameNode)
	if !ok {
		return errorAt(m, "nodegroup without a nodegroupName")
	}
	clusterNode := mapGet(m, "clusterName")
	cluster, hasCluster := id(clusterNode)
	ng := &graph.NodeGroup{Key: managedNodeGroupKey(cluster, name), Name: name, Kind: graph.ManagedNodeGroup,
		Loc: p.loc(nameNode), SGsLoc: p.loc(nameNode), Certain: true}
	ck := ""
	if hasCluster {
		ck = graph.ClusterKeyForName(cluster)
		ng.ClusterKey, ng.ClusterLink = ck, "its clusterName"
	}
	if lt := mapGet(m, "launchTemplate"); lt != nil {
		// The launch template's groups (and whether EKS then adds the
		// cluster SG) are not in this output.
		ng.SGsOpen = true
		ng.SGsLoc = p.loc(yamltree.Key(m, "launchTemplate"))
	} else if hasCluster {
		csg := graph.ClusterSGKey(ck)
		p.addClusterSG(csg, cluster, fmt.Sprintf("cluster security group of cluster %q", cluster), ng.Loc)
		ng.SGs = append(ng.SGs, graph.SGMember{SG: csg, Certain: true, Loc: ng.Loc})
	} else {
		ng.SGsOpen = true
	}
	if err := p.remoteAccess(ng, m); err != nil {
		return err
	}
	p.doc.NodeGroups = append(p.doc.NodeGroups, ng)
	return nil
}

// remoteAccess models the group EKS creates for remoteAccess.ec2SshKey: TCP
// 22 from sourceSecurityGroups, or from 0.0.0.0/0 when none are given.
//
// When the output names the group (resources.remoteAccessSecurityGroup), its
// current rules are live state: they are taken from a describe-security-groups
// dump of it, not guessed here, because graph.Merge would keep a guessed rule
// next to the described ones (a rule the user has since removed would still
// be reported). Only a node group whose group is not named yet (still being
// created) gets the rule EKS will create, on a group of its own that no dump
// can describe.
func (p *parser) remoteAccess(ng *graph.NodeGroup, m *yaml.Node) error {
	ra := mapGet(m, "remoteAccess")
	raKey := yamltree.Key(m, "remoteAccess")
	if ra != nil && ra.Kind != yaml.MappingNode {
		return errorAt(ra, "remoteAccess must be an object, not %s", shape(ra))
	}
	sshKey, enabled := id(mapGet(ra, "ec2SshKey"))
	srcNode := mapGet(ra, "sourceSecurityGroups")
	items, srcOK := list(srcNode)
	var sources []graph.SGMember
	for _, it := range items {
		if gid, ok := id(it); ok {
			sources = append(sources, graph.SGMember{SG: graph.SGKey(gid), Certain: true, Loc: p.loc(it)})
		} else {
			srcOK = false
		}
	}
	resources := mapGet(m, "resources")
	raNode := mapGet(resources, "remoteAccessSecurityGroup")
	if gid, ok := id(raNode); ok {
		key := graph.SGKey(gid)
		p.doc.SGs = append(p.doc.SGs, &graph.SecurityGroup{Key: key, Loc: p.loc(raNode), RemoteAccessOf: ng.Key,
			Name:     fmt.Sprintf("%s (remote-access security group of node group %q)", gid, ng.Name),
			TagsOpen: true, RulesOpen: true})
		ng.SGs = append(ng.SGs, graph.SGMember{SG: key, Certain: true, Loc: p.loc(raNode)})
		if enabled && len(sources) == 0 && srcOK {
			p.note(raNode, "node group %q: remoteAccess sets ec2SshKey %q without sourceSecurityGroups, so EKS created %s with SSH (TCP 22) from 0.0.0.0/0; "+
				"its current rules are checked when describe-security-groups output for %s is scanned too", ng.Name, sshKey, gid, gid)
		}
		return nil
	}
	if !enabled {
		return nil
	}
	key := graph.SGKey("remote-access:" + ng.Key)
	loc := p.loc(raKey)
	sg := &graph.SecurityGroup{Key: key, Loc: loc, Defined: true, RemoteAccessOf: ng.Key, RulesOpen: !srcOK,
		Name: fmt.Sprintf("remote-access security group of node group %q", ng.Name)}
	ssh := graph.Rule{SG: key, Direction: graph.Ingress, Protocol: graph.ProtoTCP, FromPort: 22, ToPort: 22,
		PortsKnown: true, Certain: true, Loc: loc}
	for _, s := range sources {
		r := ssh
		r.Peer = graph.Peer{Kind: graph.PeerSG, SG: s.SG, Expr: string(s.SG)}
		r.Implicit = "EKS remote access: SSH from remoteAccess.sourceSecurityGroups"
		sg.Rules = append(sg.Rules, &r)
	}
	if len(sources) == 0 && srcOK {
		r := ssh
		r.Peer = graph.Peer{Kind: graph.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Expr: "0.0.0.0/0"}
		r.Implicit = "EKS remote access: SSH from 0.0.0.0/0 (remoteAccess without sourceSecurityGroups)"
		sg.Rules = append(sg.Rules, &r)
	}
	sg.Rules = append(sg.Rules, &graph.Rule{SG: key, Direction: graph.Egress, Protocol: graph.ProtoAll, FromPort: 0, ToPort: 65535,
		PortsKnown: true, Peer: graph.Peer{Kind: graph.PeerCIDR, CIDR: netip.MustParsePrefix("0.0.0.0/0"), Expr: "0.0.0.0/0"},
		Certain: true, Implicit: "default egress rule: all traffic to 0.0.0.0/0", Loc: loc})
	p.doc.SGs = append(p.doc.SGs, sg)
	ng.SGs = append(ng.SGs, graph.SGMember{SG: key, Certain: true, Loc: loc})
	return nil
}
