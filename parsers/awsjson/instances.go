package awsjson

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// Tags that link an instance to a cluster and a node group.
const (
	tagEKSCluster      = "eks:cluster-name"   // managed node groups
	tagEKSNodegroup    = "eks:nodegroup-name" // managed node groups
	tagEksctlCluster   = "alpha.eksctl.io/cluster-name"
	tagEksctlNodegroup = "alpha.eksctl.io/nodegroup-name"
	tagASG             = "aws:autoscaling:groupName"
)

// instanceSet collects the instances of one node group.
type instanceSet struct {
	ng    *graph.NodeGroup
	count int
	seen  map[graph.SGKey]int // instances carrying the group
	order []graph.SGMember
}

// instances reads `aws ec2 describe-instances`. Instances linked to a
// cluster (eks:cluster-name, a kubernetes.io/cluster/<name> tag key, or
// alpha.eksctl.io/cluster-name) are grouped into node groups by
// eks:nodegroup-name (managed), alpha.eksctl.io/nodegroup-name or
// aws:autoscaling:groupName (self-managed); an instance with none of these is
// a node group of its own. A node group's SGs are the union of its
// instances' groups (SecurityGroups and NetworkInterfaces[].Groups); a group
// only some of its instances carry is an uncertain member, so that rules
// about "the groups of one node" (EKSSG002: two tagged groups) do not fire
// on groups no single instance has together. Every instance's groups are
// also recorded as attachments (EKSSG011). Terminated instances are skipped.
func (p *parser) instances(root *yaml.Node) error {
	n := rawGet(root, "Reservations")
	reservations, ok := list(n)
	if !ok || n == nil || isNull(n) {
		return errorAt(n, "Reservations must be a list of reservations, not %s", shape(n))
	}
	sets := map[string]*instanceSet{}
	var order []*instanceSet
	for _, res := range reservations {
		if res.Kind != yaml.MappingNode {
			return errorAt(res, "each entry of Reservations must be an object, not %s", shape(res))
		}
		in := mapGet(res, "Instances")
		insts, ok := list(in)
		if !ok {
			return errorAt(in, "Instances must be a list of instances, not %s", shape(in))
		}
		for _, inst := range insts {
			if inst.Kind != yaml.MappingNode {
				return errorAt(inst, "each entry of Instances must be an object, not %s", shape(inst))
			}
			if state, _ := id(mapGet(mapGet(inst, "State"), "Name")); state == "terminated" || state == "shutting-down" {
				continue
			}
			set := p.instance(inst, sets)
			if set != nil && set.count == 1 {
				order = append(order, set)
			}
		}
	}
	for _, s := range order {
		for _, m := range s.order {
			m.Certain = s.seen[m.SG] == s.count
			s.ng.SGs = append(s.ng.SGs, m)
		}
		p.doc.NodeGroups = append(p.doc.NodeGroups, s.ng)
	}
	return nil
}

// instance reads one instance; it returns the node group it joined, if any.
func (p *parser) instance(inst *yaml.Node, sets map[string]*instanceSet) *instanceSet {
	idNode := mapGet(inst, "InstanceId")
	iid, ok := id(idNode)
	if !ok {
		iid = fmt.Sprintf("instance at line %d", inst.Line)
		idNode = inst
	}
	sgs, sgsLoc, open := p.instanceSGs(inst, iid)

	tags, tagsOK := readTags(mapGet(inst, "Tags"))
	value := map[string]string{}
	var clusterTags []string
	for _, t := range tags {
		value[t.key] = t.value
		if name, ok := strings.CutPrefix(t.key, graph.ClusterTagPrefix); ok && name != "" {
			clusterTags = append(clusterTags, name)
		}
	}
	if !tagsOK {
		p.note(mapGet(inst, "Tags"), "instance %s: some Tags entries are not {\"Key\": …, \"Value\": …} objects; they are ignored", iid)
	}
	cluster, link := value[tagEKSCluster], "its eks:cluster-name tag"
	switch {
	case cluster != "":
	case len(clusterTags) == 1:
		cluster, link = clusterTags[0], "its kubernetes.io/cluster tag"
	case value[tagEksctlCluster] != "":
		cluster, link = value[tagEksctlCluster], "its alpha.eksctl.io/cluster-name tag"
	}
	if cluster == "" {
		if len(clusterTags) > 1 {
			p.note(idNode, "instance %s carries kubernetes.io/cluster tags of %d clusters; it is not linked to any", iid, len(clusterTags))
		}
		return nil
	}

	kind, name, setKey := graph.InstanceNodes, iid, "instance:"+iid
	ngKey := "instances:" + p.file + "#" + cluster + "/" + iid
	switch {
	case value[tagEKSNodegroup] != "":
		kind, name = graph.ManagedNodeGroup, value[tagEKSNodegroup]
		ngKey = managedNodeGroupKey(cluster, name)
		setKey = "eks:" + name
	case value[tagEksctlNodegroup] != "":
		kind, name = graph.SelfManagedNodeGroup, value[tagEksctlNodegroup]
		ngKey = "instances:" + p.file + "#" + cluster + "/eksctl:" + name
		setKey = "eksctl:" + name
	case value[tagASG] != "":
		kind, name = graph.SelfManagedNodeGroup, value[tagASG]
		ngKey = "instances:" + p.file + "#" + cluster + "/asg:" + name
		setKey = "asg:" + name
	}
	setKey = cluster + "\x00" + setKey
	s := sets[setKey]
	if s == nil {
		s = &instanceSet{seen: map[graph.SGKey]int{}, ng: &graph.NodeGroup{
			Key: ngKey, Name: name, Kind: kind, Loc: p.loc(idNode), SGsLoc: sgsLoc, Certain: true,
			ClusterKey: graph.ClusterKeyForName(cluster), ClusterLink: link,
		}}
		sets[setKey] = s
	}
	s.count++
	s.ng.SGsOpen = s.ng.SGsOpen || open
	for _, m := range sgs {
		if s.seen[m.SG] == 0 {
			s.order = append(s.order, m)
		}
		s.seen[m.SG]++
	}
	return s
}

// instanceSGs lists the distinct groups of an instance's network interfaces
// and records each as an attachment; open is true when some could not be
// read.
func (p *parser) instanceSGs(inst *yaml.Node, iid string) ([]graph.SGMember, graph.Location, bool) {
	var out []graph.SGMember
	seen := map[graph.SGKey]bool{}
	open := false
	add := func(groups *yaml.Node, property string) {
		items, ok := list(groups)
		open = open || !ok
		for _, g := range items {
			gidNode := mapGet(g, "GroupId")
			gid, ok := id(gidNode)
			if !ok {
				open = true
				continue
			}
			k := graph.SGKey(gid)
			if seen[k] {
				continue
			}
			seen[k] = true
			loc := p.loc(gidNode)
			out = append(out, graph.SGMember{SG: k, Certain: true, Loc: loc})
			p.doc.Attachments = append(p.doc.Attachments, graph.Attachment{SG: k, Certain: true, Resource: iid,
				ResourceType: "AWS::EC2::Instance", Property: property, Loc: loc})
		}
	}
	sgNode := mapGet(inst, "SecurityGroups")
	if sgNode == nil {
		open = true // a running instance always lists them
	}
	add(sgNode, "SecurityGroups")
	enis, ok := list(mapGet(inst, "NetworkInterfaces"))
	open = open || !ok
	for _, eni := range enis {
		add(mapGet(eni, "Groups"), "NetworkInterfaces[].Groups")
	}
	at := yamltree.Key(inst, "SecurityGroups")
	if at == nil {
		at = inst
	}
	return out, p.loc(at), open
}
