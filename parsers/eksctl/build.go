package eksctl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// What eksctl creates is taken from docs/research/eksctl-security-groups.md
// (the "fact sheet"), which cites the eksctl sources; the comments below
// name the section of the sheet and the eksctl file behind each piece. The
// sheet read eksctl-io/eksctl at pinned commits of 2025 (C1 at cd04c3da is
// roughly eksctl v0.230/0.231; NG, MLT, IMP, DEF of the same generation):
//
//	C1   pkg/cfn/builder/cluster.go (addResourcesForSecurityGroups)
//	NG   pkg/cfn/builder/nodegroup.go (addResourcesForSecurityGroups, makeNodeIngressRules)
//	MLT  pkg/cfn/builder/managed_launch_template.go (makeSSHIngressRules, LT SecurityGroupIds)
//	MNG  pkg/cfn/builder/managed_nodegroup.go (user launch template)
//	IMP  pkg/vpc/importer.go (StackConfigImporter / SpecConfigImporter)
//	DEF  pkg/apis/eksctl.io/v1alpha5/defaults.go (defaults)
//	EFA  pkg/cfn/builder/vpc.go (addEFASecurityGroup), pkg/utils/efa/efa.go
//	MGR  pkg/cfn/manager/api.go (stack tags), create_tasks.go (node group stack tags)
//	VPC4 pkg/cfn/builder/vpc_ipv4.go (ports, logical IDs)
//	ACT  pkg/actions/nodegroup/create.go (owned vs unowned clusters, skipEgressRules)

const (
	defaultVPCCIDR = "192.168.0.0/16" // DEF: vpc.cidr default, used by the private SSH rule (sheet §4)
	clusterTagPre  = "kubernetes.io/cluster/"
)

var (
	anyIPv4 = netip.MustParsePrefix("0.0.0.0/0")
	anyIPv6 = netip.MustParsePrefix("::/0")
)

type builder struct {
	file string
	cfg  *config
	doc  *graph.Document
	sgs  map[graph.SGKey]*graph.SecurityGroup

	cluster  *graph.Cluster
	name     graph.Value
	nameText string // the name as written, for messages and Name tags
	// prefix starts the keys of the groups eksctl creates: global by cluster
	// name ("eksctl:prod") so that two configs of one cluster merge, or
	// local to the file when the name is not known.
	prefix    string
	nameLoc   graph.Location
	clusterSG graph.SGKey // "" below Kubernetes 1.14

	// refCP is the control-plane group eksctl's node rules use (C1
	// refControlPlaneSG): the created one, vpc.securityGroup, or the first
	// of vpc.controlPlaneSecurityGroupIDs.
	refCP graph.SGKey
	// shared is the shared node group (created or vpc.sharedNodeSecurityGroup).
	shared        graph.SGKey
	sharedCreated bool
	// mayBeUnowned: with vpc.securityGroup set the config may describe a
	// cluster eksctl did not create (IMP SpecConfigImporter; ACT), which has
	// no cluster stack: its shared SG and cluster-SG rules may not exist,
	// and self-managed nodes then get the EKS cluster SG as "shared" group.
	mayBeUnowned bool
	// clusterStackTags are CloudFormation stack tags of every eksctl stack
	// (MGR NewStackCollection: cluster-name tags, eksctl version, all of
	// metadata.tags); CloudFormation propagates them to the groups.
	clusterStackTags []graph.Tag
	ipv6             graph.Tri
}

func newBuilder(file string, cfg *config) *builder {
	return &builder{
		file: file, cfg: cfg,
		doc: &graph.Document{File: file, Aliases: map[graph.SGKey]graph.SGKey{}},
		sgs: map[graph.SGKey]*graph.SecurityGroup{},
	}
}

func (b *builder) loc(n *yaml.Node) graph.Location { return yamltree.Loc(b.file, n) }

// locOr is the location of the first node that is present.
func (b *builder) locOr(ns ...*yaml.Node) graph.Location {
	for _, n := range ns {
		if n != nil {
			return b.loc(n)
		}
	}
	return b.loc(nil)
}

func (b *builder) note(at graph.Location, format string, args ...any) {
	b.doc.Notifications = append(b.doc.Notifications, graph.Notification{
		Level: "note", Loc: at, Message: fmt.Sprintf(format, args...)})
}

// value is a scalar as a symbolic value: placeholders are unknown.
func (b *builder) value(s scalar) graph.Value {
	if s.templated {
		return graph.UnknownWritten(s.value, fmt.Sprintf("template placeholder %q", s.value))
	}
	return graph.Lit(s.value)
}

// sgKeyOf names the group an ID field denotes: `sg-…` IDs are global
// (external, unknown until describe data defines them); a placeholder is a
// group of its own, equal to nothing else.
func (b *builder) sgKeyOf(s scalar) graph.SGKey {
	if s.templated {
		b.note(b.loc(s.node), "security group %q is a template placeholder; it is treated as unknown", s.value)
		return graph.UnknownSGKey(b.loc(s.node))
	}
	return graph.SGKey(strings.TrimSpace(s.value))
}

func (b *builder) sgName(k graph.SGKey) string {
	if sg := b.sgs[k]; sg != nil {
		return sg.Name
	}
	return graph.ExternalSGName(k)
}

func (b *builder) build() {
	b.buildCluster()
	b.buildClusterStack()
	for _, ng := range b.cfg.nodeGroups {
		b.buildSelfManaged(ng)
	}
	for _, ng := range b.cfg.managedGroups {
		b.buildManaged(ng)
	}
}

// buildCluster models the cluster: identity, version, endpoints and its
// control-plane groups (sheet §1.1, §1.4, §5, §6).
func (b *builder) buildCluster() {
	cfg := b.cfg
	b.nameLoc = b.locOr(cfg.name.node, cfg.metadataKey, cfg.root)
	name := strings.TrimSpace(cfg.name.value)
	c := &graph.Cluster{Loc: b.nameLoc, Defined: true, Certain: true}
	switch {
	case cfg.name.set() && !cfg.name.templated && name != "":
		b.name, b.nameText = graph.Lit(name), name
		c.Key = graph.ClusterKeyForName(name)
		b.prefix = "eksctl:" + name
	default:
		reason := "metadata.name is not set"
		b.nameText = "?"
		if cfg.name.templated {
			reason = fmt.Sprintf("metadata.name is the template placeholder %q", cfg.name.value)
			b.nameText = cfg.name.value
		}
		b.note(b.nameLoc, "%s; the cluster is not linked to other files and cluster tags cannot be matched", reason)
		b.name = graph.UnknownWritten(b.nameText, reason)
		c.Key = fmt.Sprintf("eksctl:%s:%d", b.file, b.nameLoc.Line)
		b.prefix = c.Key
	}
	c.Name = b.name
	b.cluster = c

	// §6: metadata.version as written (`version: 1.10` stays "1.10"); when
	// absent eksctl uses its DefaultVersion (1.32 newest confirmed), which
	// the model leaves unknown: a cluster of unknown version has a cluster SG.
	v := strings.TrimSpace(cfg.version.value)
	switch {
	case cfg.version.set() && !cfg.version.templated && v != "":
		c.Version = graph.Lit(v)
	case cfg.version.templated:
		c.Version = graph.UnknownValue(fmt.Sprintf("metadata.version is the template placeholder %q", cfg.version.value))
	default:
		c.Version = graph.UnknownValue("metadata.version not set: eksctl's default version")
	}
	if graph.VersionBelow(c.Version, 1, 14) != graph.Yes {
		b.clusterSG = graph.ClusterSGKey(c.Key)
		c.ClusterSG = b.clusterSG
	}
	b.ipv6 = cfg.ipv6

	// Stack tags (MGR NewStackCollection), on every group eksctl creates.
	b.clusterStackTags = []graph.Tag{
		b.tag("alpha.eksctl.io/cluster-name", b.name, b.nameLoc),
		b.tag("eksctl.cluster.k8s.io/v1alpha1/cluster-name", b.name, b.nameLoc),
		b.tag("alpha.eksctl.io/eksctl-version", graph.UnknownValue("the eksctl version"), b.nameLoc),
	}
	b.clusterStackTags = append(b.clusterStackTags, b.userTags(cfg.tags)...)

	// §1.1: vpc.securityGroup wins; else all of controlPlaneSecurityGroupIDs
	// (the first is the one node rules use); else eksctl creates
	// ControlPlaneSecurityGroup (no inline rules).
	vpc := cfg.vpc
	member := func(k graph.SGKey, at graph.Location) {
		c.ControlPlaneSGs = append(c.ControlPlaneSGs, graph.SGMember{SG: k, Certain: true, Loc: at})
	}
	switch {
	case vpc.securityGroup.set() && strings.TrimSpace(vpc.securityGroup.value) != "":
		b.refCP = b.sgKeyOf(vpc.securityGroup)
		member(b.refCP, b.loc(vpc.securityGroup.node))
		b.mayBeUnowned = true
		if vpc.controlPlaneSGs.set() {
			b.note(b.loc(vpc.controlPlaneSGs.key), "vpc.controlPlaneSecurityGroupIDs is ignored by eksctl because vpc.securityGroup is set")
		}
	case vpc.controlPlaneSGs.set():
		for _, it := range vpc.controlPlaneSGs.items {
			k := b.sgKeyOf(it)
			if b.refCP == "" {
				b.refCP = k
			}
			member(k, b.loc(it.node))
		}
		if vpc.controlPlaneSGs.open {
			c.ControlPlaneSGsOpen = true
			if b.refCP == "" {
				b.refCP = graph.UnknownSGKey(b.loc(vpc.controlPlaneSGs.node))
			}
		}
	default:
		key := graph.SGKey(b.prefix + "/ControlPlaneSecurityGroup")
		b.newSG(key, "ControlPlaneSecurityGroup (eksctl)", "ControlPlaneSecurityGroup", b.nameLoc,
			b.withName(b.clusterStackTags, b.stackName("cluster"), "ControlPlaneSecurityGroup", b.nameLoc))
		b.defaultEgress(key)
		b.refCP = key
		member(key, b.nameLoc)
		b.controlPlaneExtras(key)
	}
	for _, m := range c.ControlPlaneSGs {
		b.doc.Attachments = append(b.doc.Attachments, graph.Attachment{SG: m.SG, Certain: true, Resource: "ControlPlane",
			ResourceType: "AWS::EKS::Cluster", Property: "ResourcesVpcConfig.SecurityGroupIds", Loc: m.Loc})
	}

	// §5: endpoints. privateCluster.enabled creates the cluster with both
	// endpoints and switches it to private-only afterwards: the deployed
	// state is private only. Otherwise vpc.clusterEndpoints with eksctl's
	// defaults (DEF ClusterEndpointAccessDefaults: public on, private off).
	switch cfg.privateCluster.or(graph.No) {
	case graph.Yes:
		c.EndpointPublic, c.EndpointPrivate = graph.No, graph.Yes
	case graph.Unknown:
		c.EndpointPublic, c.EndpointPrivate = graph.Unknown, graph.Unknown
	default:
		c.EndpointPublic = vpc.publicAccess.or(graph.Yes)
		c.EndpointPrivate = vpc.privateAccess.or(graph.No)
	}
	b.doc.Clusters = append(b.doc.Clusters, c)

	if b.clusterSG != "" {
		b.addClusterSG()
	}
}

// controlPlaneExtras adds the TCP 443 ingress eksctl puts on the control-plane
// group it creates (and only then): one per vpc.extraCIDRs, extraIPv6CIDRs
// and hybrid-node remote network CIDR (sheet §1.1, C1
// IngressControlPlaneExtraCIDR / ExtraIPv6CIDR / RemoteNetworks).
func (b *builder) controlPlaneExtras(key graph.SGKey) {
	sg := b.sgs[key]
	add := func(items []scalar, res string) {
		for i, it := range items {
			b.addRule(key, graph.Ingress, graph.ProtoTCP, 443, 443, b.cidrPeer(it.value, it.templated), true,
				b.loc(it.node), fmt.Sprintf("%s%d", res, i))
		}
	}
	vpc := b.cfg.vpc
	add(b.cfg.remoteCIDRs, "IngressControlPlaneRemoteNetworks")
	add(vpc.extraCIDRs.items, "IngressControlPlaneExtraCIDR")
	add(vpc.extraIPv6CIDRs.items, "IngressControlPlaneExtraIPv6CIDR")
	if b.cfg.remoteOpen || vpc.extraCIDRs.open || vpc.extraIPv6CIDRs.open {
		sg.RulesOpen = true
	}
}

// addClusterSG adds the group EKS creates (not eksctl): inbound all from
// itself, outbound all, tag kubernetes.io/cluster/<name>=owned (sheet §1.3,
// AWS "security group requirements"). eksctl's rules on it are added by
// buildClusterStack.
func (b *builder) addClusterSG() {
	sg := graph.NewClusterSG(b.cluster, b.nameText, b.nameLoc, true)
	b.sgs[sg.Key] = sg
	b.doc.SGs = append(b.doc.SGs, sg)
}

// buildClusterStack models the rest of the cluster stack: the shared node
// group, eksctl's rules between it and the cluster SG, the private-cluster
// endpoints, and the stack's exports (sheet §1.2, §5).
func (b *builder) buildClusterStack() {
	cfg, vpc := b.cfg, b.cfg.vpc
	stackCertain := !b.mayBeUnowned

	if vpc.sharedNodeSG.set() && strings.TrimSpace(vpc.sharedNodeSG.value) != "" {
		b.shared = b.sgKeyOf(vpc.sharedNodeSG)
	} else {
		// C1: ClusterSharedNodeSecurityGroup, no inline rules, plus
		// IngressInterNodeGroupSG (all traffic from itself).
		b.shared = graph.SGKey(b.prefix + "/ClusterSharedNodeSecurityGroup")
		b.sharedCreated = true
		sg := b.newSG(b.shared, "ClusterSharedNodeSecurityGroup (eksctl)", "ClusterSharedNodeSecurityGroup", b.nameLoc,
			b.withName(b.clusterStackTags, b.stackName("cluster"), "ClusterSharedNodeSecurityGroup", b.nameLoc))
		b.addRule(b.shared, graph.Ingress, graph.ProtoAll, 0, 65535, b.sgPeer(b.shared), stackCertain, b.nameLoc, "IngressInterNodeGroupSG")
		b.defaultEgress(b.shared)
		// C1: Outposts control plane + fully private cluster adds TCP 443
		// from each private subnet's CIDR, which the config may not state.
		if cfg.outpost != nil && cfg.privateCluster.or(graph.No) != graph.No {
			sg.RulesOpen = true
			b.note(b.loc(cfg.outpost), "eksctl adds TCP 443 from the private subnets to %s on Outposts; those CIDRs are not modelled", sg.Name)
		}
	}

	// §1.2: manageSharedNodeSecurityGroupRules (default true) adds
	// IngressDefaultClusterToNodeSG and IngressNodeToDefaultClusterSG.
	manage := vpc.manageSharedRules.or(graph.Yes)
	// The rules point at the field that controls them, else at `vpc:`, else
	// at the cluster.
	manageLoc := b.locOr(vpc.manageSharedRules.key, vpc.key, cfg.name.node, cfg.metadataKey, cfg.root)
	if manage == graph.No && !vpc.sharedNodeSG.set() {
		b.note(manageLoc, "eksctl rejects manageSharedNodeSecurityGroupRules: false unless vpc.sharedNodeSecurityGroup is set")
	}
	if b.clusterSG != "" && manage != graph.No {
		certain := manage == graph.Yes && stackCertain
		b.addRule(b.shared, graph.Ingress, graph.ProtoAll, 0, 65535, b.sgPeer(b.clusterSG), certain, manageLoc, "IngressDefaultClusterToNodeSG")
		b.addRule(b.clusterSG, graph.Ingress, graph.ProtoAll, 0, 65535, b.sgPeer(b.shared), certain, manageLoc, "IngressNodeToDefaultClusterSG")
	}

	// §5: a private cluster's interface endpoints carry the shared node SG
	// (unless skipEndpointCreation).
	if p := cfg.privateCluster.or(graph.No); p != graph.No {
		if skip := cfg.skipEndpoints.or(graph.No); skip != graph.Yes {
			b.doc.Attachments = append(b.doc.Attachments, graph.Attachment{SG: b.shared,
				Certain: p == graph.Yes && skip == graph.No && stackCertain, Resource: "VPC interface endpoints (privateCluster)",
				ResourceType: "AWS::EC2::VPCEndpoint", Property: "SecurityGroupIds", Loc: b.loc(cfg.privateCluster.node)})
		}
	}

	// Cluster stack outputs (sheet §0), so that eksctl-generated node group
	// templates in the same scan (Fn::ImportValue) link to these groups.
	if _, ok := b.name.Literal(); ok {
		export := func(output string, k graph.SGKey) {
			if k != "" && !strings.HasPrefix(string(k), "unknown:") {
				b.doc.Aliases[graph.ImportSGKey(b.stackName("cluster")+"::"+output)] = k
			}
		}
		export("SecurityGroup", b.refCP)
		export("SharedNodeSecurityGroup", b.shared)
		export("ClusterSecurityGroupId", b.clusterSG)
	}
}

// ngInfo is what both kinds of node group share.
type ngInfo struct {
	name    string
	keyPart string
	loc     graph.Location
	stack   string
	ng      *graph.NodeGroup
}

func (b *builder) startNodeGroup(n *nodeGroup, kind graph.NodeGroupKind) *ngInfo {
	name := strings.TrimSpace(n.name.value)
	info := &ngInfo{name: name, keyPart: name, loc: b.locOr(n.name.node, n.item)}
	switch {
	case name == "":
		info.name = n.path
		info.keyPart = n.path + "@" + info.loc.String()
	case n.name.templated:
		info.keyPart = name + "@" + info.loc.String()
	}
	info.stack = b.stackName("nodegroup-" + info.name)
	info.ng = &graph.NodeGroup{
		Key: b.prefix + "/nodegroup/" + info.keyPart, Name: info.name, Kind: kind, Loc: info.loc,
		ClusterKey: b.cluster.Key, ClusterLink: "the ClusterConfig that declares it",
		SGsLoc: b.locOr(n.securityGroupsKey, n.name.node, n.item), Certain: true,
	}
	return info
}

func (b *builder) member(info *ngInfo, k graph.SGKey, certain bool, at graph.Location, property string) {
	ng := info.ng
	ng.SGs = append(ng.SGs, graph.SGMember{SG: k, Certain: certain, Loc: at})
	typ := "eksctl node group"
	if ng.Kind == graph.ManagedNodeGroup {
		typ = "eksctl managed node group"
	}
	b.doc.Attachments = append(b.doc.Attachments, graph.Attachment{SG: k, Certain: certain, Resource: info.name,
		ResourceType: typ, Property: property, Loc: at})
}

func (b *builder) attachIDs(info *ngInfo, n *nodeGroup) {
	for _, it := range n.attachIDs.items {
		b.member(info, b.sgKeyOf(it), true, b.loc(it.node), "securityGroups.attachIDs")
	}
	if n.attachIDs.open {
		info.ng.SGsOpen = true
	}
}

// ngStackTags are the tags of a node group stack: the shared stack tags plus
// the node group's own `tags` (MGR; create_tasks.go createNodeGroupTask and
// createManagedNodeGroupTask pass ng.Tags to CreateStack).
func (b *builder) ngStackTags(n *nodeGroup) []graph.Tag {
	tags := append([]graph.Tag(nil), b.clusterStackTags...)
	return mergeTags(tags, b.userTags(n.tags))
}

// buildSelfManaged models a nodeGroups[] entry (sheet §2).
// legacySSHNote says how the pre-ssh-block fields of a node group were read.
func (b *builder) legacySSHNote(n *nodeGroup, name string) {
	switch {
	case n.legacySSH == nil:
	case n.legacyModelled:
		b.note(b.loc(n.legacySSH), "node group %q uses eksctl's old SSH fields (allowSSH, sshPublicKeyPath, sshPublicKeyName): read as the ssh block, where allowSSH alone decides whether SSH is open", name)
	default:
		b.note(b.loc(n.legacySSH), "node group %q: eksctl's old SSH fields (allowSSH, sshPublicKeyPath, sshPublicKeyName) are not modelled here (with an ssh block, or on a managed node group, current eksctl rejects them); whether SSH is open is not known", name)
	}
}

func (b *builder) buildSelfManaged(n *nodeGroup) {
	info := b.startNodeGroup(n, graph.SelfManagedNodeGroup)
	ng := info.ng
	b.legacySSHNote(n, info.name)

	// §2.1 order: attachIDs, shared (withShared, default true), local SG
	// (withLocal, default true), EFASG. No EKS cluster SG.
	b.attachIDs(info, n)

	if ws := n.withShared.or(graph.Yes); ws != graph.No {
		at := b.locOr(n.withShared.node, n.name.node, n.item)
		certain := ws == graph.Yes
		if b.mayBeUnowned && b.sharedCreated {
			// IMP: for a cluster eksctl did not create, the "shared" group
			// is the EKS cluster SG when vpc.sharedNodeSecurityGroup is empty.
			b.member(info, b.shared, false, at, "securityGroups.withShared")
			if b.clusterSG != "" {
				b.member(info, b.clusterSG, false, at, "securityGroups.withShared (cluster not created by eksctl)")
			} else {
				ng.SGsOpen = true
			}
		} else {
			b.member(info, b.shared, certain, at, "securityGroups.withShared")
		}
	}

	if wl := n.withLocal.or(graph.Yes); wl != graph.No {
		certain := wl == graph.Yes
		key := graph.SGKey(b.prefix + "/nodegroup/" + info.keyPart + "/SG")
		tags := b.withName(b.ngStackTags(n), info.stack, "SG", info.loc)
		// §2.2: the only eksctl group besides EFASG with the cluster tag.
		tags = mergeTags(tags, []graph.Tag{b.clusterTag(info.loc)})
		b.newSG(key, fmt.Sprintf("nodegroup-%s/SG (eksctl)", info.name), "SG", info.loc, tags)
		// §2.2 inline ingress from the control-plane SG (NG makeNodeIngressRules).
		cp := b.sgPeer(b.refCP)
		b.addRule(key, graph.Ingress, graph.ProtoTCP, 1025, 65535, cp, true, info.loc, "SG (IngressInterCluster)")
		b.addRule(key, graph.Ingress, graph.ProtoTCP, 443, 443, cp, true, info.loc, "SG (IngressInterClusterAPI)")
		b.sshRules(key, n, true)
		b.defaultEgress(key)
		// §2.3: standalone rules this stack adds on the control-plane SG.
		// Egress is skipped for clusters eksctl does not own whose
		// vpc.securityGroup keeps the default allow-all egress (ACT).
		local := b.sgPeer(key)
		egressCertain := certain && !b.mayBeUnowned
		b.addRule(b.refCP, graph.Ingress, graph.ProtoTCP, 443, 443, local, certain, info.loc, "IngressInterClusterCP")
		b.addRule(b.refCP, graph.Egress, graph.ProtoTCP, 1025, 65535, local, egressCertain, info.loc, "EgressInterCluster")
		b.addRule(b.refCP, graph.Egress, graph.ProtoTCP, 443, 443, local, egressCertain, info.loc, "EgressInterClusterAPI")
		b.member(info, key, certain, info.loc, "securityGroups.withLocal")
	} else if b.sshAllowed(n) != graph.No {
		// Inference of the sheet (§4): the SSH rules live on the local SG only.
		b.note(b.loc(n.ssh.key), "node group %q: securityGroups.withLocal is false, so eksctl creates no SSH rule", info.name)
	}

	// §2.5: self-managed node groups always get EFASG when efaEnabled.
	if efa := n.efa.or(graph.No); efa != graph.No {
		b.efaSG(info, n, efa == graph.Yes)
	}
	b.doc.NodeGroups = append(b.doc.NodeGroups, ng)
}

// buildManaged models a managedNodeGroups[] entry (sheet §3).
func (b *builder) buildManaged(n *nodeGroup) {
	info := b.startNodeGroup(n, graph.ManagedNodeGroup)
	ng := info.ng
	b.legacySSHNote(n, info.name)
	if n.withShared.set() || n.withLocal.set() {
		b.note(b.locOr(n.securityGroupsKey, n.name.node), "node group %q: eksctl rejects securityGroups.withShared/withLocal for managed node groups", info.name)
	}
	// §3.4: a user launch template carries its own groups; eksctl adds none.
	if n.launchTemplateKey != nil {
		ng.SGsOpen = true
		ng.SGsLoc = b.loc(n.launchTemplateKey)
		if n.attachIDs.set() || n.ssh.key != nil {
			b.note(b.loc(n.launchTemplateKey), "node group %q: eksctl rejects securityGroups and ssh together with launchTemplate", info.name)
		}
		b.doc.NodeGroups = append(b.doc.NodeGroups, ng)
		return
	}
	// §3.2 order in eksctl's launch template: the EKS cluster SG, attachIDs,
	// the SSH group, EFASG.
	if b.clusterSG != "" {
		b.member(info, b.clusterSG, true, info.loc, "launch template (cluster security group)")
	} else {
		ng.SGsOpen = true
	}
	b.attachIDs(info, n)
	if allow := b.sshAllowed(n); allow != graph.No {
		// MLT: SSH group `${AWS::StackName}-remoteAccess`, Name tag only,
		// inline SSH ingress, no cluster tag.
		key := graph.SGKey(b.prefix + "/nodegroup/" + info.keyPart + "/SSH")
		at := b.loc(n.ssh.key)
		b.newSG(key, fmt.Sprintf("nodegroup-%s/SSH (eksctl)", info.name), "SSH", at, b.withName(b.ngStackTags(n), info.stack, "SSH", at))
		b.sshRules(key, n, true)
		b.defaultEgress(key)
		b.member(info, key, allow == graph.Yes, at, "ssh")
	}
	// §3.3: EFASG unless the version is at least 1.33 (built-in EFA
	// support); an unparseable version falls back to creating it.
	if efa := n.efa.or(graph.No); efa != graph.No {
		creates := graph.Yes
		switch graph.VersionBelow(b.cluster.Version, 1, 33) {
		case graph.No:
			creates = graph.No
		case graph.Unknown:
			if !b.cluster.Version.IsKnown() {
				creates = graph.Unknown
			}
		}
		if creates != graph.No {
			b.efaSG(info, n, efa == graph.Yes && creates == graph.Yes)
		}
	}
	b.doc.NodeGroups = append(b.doc.NodeGroups, ng)
}

// efaSG adds EFASG (sheet §2.5, EFA addEFASecurityGroup): tagged
// kubernetes.io/cluster/<name>=owned, all traffic from and to itself.
func (b *builder) efaSG(info *ngInfo, n *nodeGroup, certain bool) {
	key := graph.SGKey(b.prefix + "/nodegroup/" + info.keyPart + "/EFASG")
	at := b.locOr(n.efa.key, n.name.node, n.item)
	tags := mergeTags(b.withName(b.ngStackTags(n), info.stack, "EFASG", at), []graph.Tag{b.clusterTag(at)})
	b.newSG(key, fmt.Sprintf("nodegroup-%s/EFASG (eksctl)", info.name), "EFASG", at, tags)
	b.addRule(key, graph.Ingress, graph.ProtoAll, 0, 65535, b.sgPeer(key), true, at, "EFAIngressSelf")
	b.addRule(key, graph.Egress, graph.ProtoAll, 0, 65535, b.sgPeer(key), true, at, "EFAEgressSelf")
	// EFAEgressSelf is a standalone egress resource: the default egress stays.
	b.defaultEgress(key)
	b.member(info, key, certain, at, "efaEnabled")
}

// sshAllowed applies eksctl's SSH defaulting (sheet §4, DEF setSSHDefaults):
// no ssh block means no SSH; an explicit allow wins; otherwise giving any
// public key enables SSH.
func (b *builder) sshAllowed(n *nodeGroup) graph.Tri {
	s := n.ssh
	switch {
	case s.key == nil:
		return graph.No
	case s.allow.set():
		return s.allow.val
	case s.publicKeyName.set() || s.publicKeyPath.set() || s.publicKey.set():
		return graph.Yes
	}
	return graph.No
}

// sshRules adds TCP 22 ingress per makeSSHIngressRules (sheet §4, MLT):
// from each ssh.sourceSecurityGroupIds; else, with privateNetworking, from
// the VPC CIDR (vpc.cidr, default 192.168.0.0/16); else from 0.0.0.0/0 and ::/0.
func (b *builder) sshRules(owner graph.SGKey, n *nodeGroup, base bool) {
	allow := b.sshAllowed(n)
	if allow == graph.No {
		return
	}
	certain := base && allow == graph.Yes
	at := b.loc(n.ssh.key)
	if src := n.ssh.sourceSGs; src.set() {
		for _, it := range src.items {
			b.addRule(owner, graph.Ingress, graph.ProtoTCP, 22, 22, b.sgPeer(b.sgKeyOf(it)), certain, b.loc(it.node), "")
		}
		if src.open {
			b.sgs[owner].RulesOpen = true
		}
		return
	}
	pn := n.privateNetworking.or(graph.No)
	if pn != graph.No {
		vpc := b.cfg.vpc
		peer := b.cidrPeer(defaultVPCCIDR, false)
		if vpc.cidr.set() && strings.TrimSpace(vpc.cidr.value) != "" {
			peer = b.cidrPeer(vpc.cidr.value, vpc.cidr.templated)
		}
		b.addRule(owner, graph.Ingress, graph.ProtoTCP, 22, 22, peer, certain && pn == graph.Yes, at, "")
	}
	if pn != graph.Yes {
		c := certain && pn == graph.No
		b.addRule(owner, graph.Ingress, graph.ProtoTCP, 22, 22, graph.Peer{Kind: graph.PeerCIDR, CIDR: anyIPv4, Expr: "0.0.0.0/0"}, c, at, "")
		b.addRule(owner, graph.Ingress, graph.ProtoTCP, 22, 22, graph.Peer{Kind: graph.PeerCIDR, CIDR: anyIPv6, Expr: "::/0"}, c, at, "")
	}
}

// newSG adds a group eksctl creates. Its tags are copied to a slice of
// their own size: the lists are built by appending, which leaves up to half
// of their capacity unused, and a large scan keeps every group in memory.
func (b *builder) newSG(key graph.SGKey, name, logicalID string, at graph.Location, tags []graph.Tag) *graph.SecurityGroup {
	sg := &graph.SecurityGroup{Key: key, Name: name, Loc: at, Defined: true, Resource: logicalID,
		Tags: append([]graph.Tag(nil), tags...)}
	b.sgs[key] = sg
	b.doc.SGs = append(b.doc.SGs, sg)
	return sg
}

// defaultEgress is the allow-all egress EC2 gives a group created without
// egress rules (sheet §1.1: eksctl's groups have no inline egress; its
// egress rules are standalone and add to it). ::/0 only in an IPv6 VPC.
func (b *builder) defaultEgress(key graph.SGKey) {
	sg := b.sgs[key]
	sg.Rules = append(sg.Rules, graph.AllEgressIPv4(key, sg.Loc, true, "default egress rule: all traffic to 0.0.0.0/0"))
	if b.ipv6 != graph.No {
		sg.Rules = append(sg.Rules, &graph.Rule{SG: key, Direction: graph.Egress, Protocol: graph.ProtoAll, FromPort: 0, ToPort: 65535,
			PortsKnown: true, Peer: graph.Peer{Kind: graph.PeerCIDR, CIDR: anyIPv6, Expr: "::/0"}, Certain: b.ipv6 == graph.Yes,
			Implicit: "default egress rule: all traffic to ::/0 (IPv6 VPC)", Loc: sg.Loc})
	}
}

// addRule adds a rule to a group this config defines, or as a standalone
// rule on a group defined elsewhere (an `sg-…` ID).
func (b *builder) addRule(owner graph.SGKey, dir graph.Direction, proto, from, to int, peer graph.Peer, certain bool, at graph.Location, resource string) {
	r := &graph.Rule{SG: owner, Direction: dir, Protocol: proto, FromPort: from, ToPort: to, PortsKnown: true,
		Peer: peer, Certain: certain, Resource: resource, Loc: at}
	if sg := b.sgs[owner]; sg != nil {
		sg.Rules = append(sg.Rules, r)
		return
	}
	b.doc.Rules = append(b.doc.Rules, r)
}

func (b *builder) sgPeer(k graph.SGKey) graph.Peer {
	return graph.Peer{Kind: graph.PeerSG, SG: k, Expr: b.sgName(k)}
}

func (b *builder) cidrPeer(s string, templated bool) graph.Peer {
	s = strings.TrimSpace(s)
	if !templated {
		if p, err := netip.ParsePrefix(s); err == nil {
			return graph.Peer{Kind: graph.PeerCIDR, CIDR: p.Masked(), Expr: s}
		}
	}
	return graph.Peer{Kind: graph.PeerUnknown, Expr: s}
}

// stackName is eksctl's stack name `eksctl-<cluster>-<suffix>`.
func (b *builder) stackName(suffix string) string { return "eksctl-" + b.nameText + "-" + suffix }

func (b *builder) tag(key string, v graph.Value, at graph.Location) graph.Tag {
	return graph.Tag{Key: graph.Lit(key), Value: v, Certain: true, Loc: at}
}

// clusterTag is kubernetes.io/cluster/<name>=owned as eksctl writes it.
func (b *builder) clusterTag(at graph.Location) graph.Tag {
	return graph.Tag{Key: graph.Concat(graph.Lit(clusterTagPre), b.name), Value: graph.Lit("owned"), Certain: true, Loc: at}
}

// withName adds the Name tag `${AWS::StackName}/<LogicalId>` eksctl puts on
// every taggable resource (API maybeSetNameTag).
func (b *builder) withName(tags []graph.Tag, stack, logicalID string, at graph.Location) []graph.Tag {
	v := graph.Concat(graph.Lit("eksctl-"), b.name, graph.Lit(strings.TrimPrefix(stack, "eksctl-"+b.nameText)+"/"+logicalID))
	return mergeTags(append([]graph.Tag(nil), tags...), []graph.Tag{b.tag("Name", v, at)})
}

func (b *builder) userTags(ts []tag) []graph.Tag {
	var out []graph.Tag
	for _, t := range ts {
		out = append(out, graph.Tag{Key: b.value(t.key), Value: b.value(t.value), Certain: true, Loc: b.loc(t.key.node)})
	}
	return out
}

// mergeTags adds tags to a list; a later tag with the same literal key
// replaces the earlier one (a group has one value per key).
func mergeTags(base, more []graph.Tag) []graph.Tag {
	for _, t := range more {
		replaced := false
		if k, ok := t.Key.Literal(); ok {
			for i := range base {
				if bk, ok := base[i].Key.Literal(); ok && bk == k {
					loc := t.Loc
					if loc.IsZero() {
						loc = base[i].Loc
					}
					base[i], replaced = t, true
					base[i].Loc = loc
					break
				}
			}
		}
		if !replaced {
			base = append(base, t)
		}
	}
	return base
}
