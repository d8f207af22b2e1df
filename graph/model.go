package graph

import "net/netip"

// SGKey identifies a security group across a whole scan. Keys are built by
// the helpers below so that every parser names the same group the same way:
// physical IDs ("sg-0abc") and export names are global, CloudFormation
// logical IDs and parameters are local to their file.
type SGKey string

// ResourceSGKey names a security group declared as a resource of a template.
func ResourceSGKey(file, logicalID string) SGKey { return SGKey("cfn:" + file + "#" + logicalID) }

// ParamSGKey names the group held by a template parameter with no value.
func ParamSGKey(file, param string) SGKey { return SGKey("param:" + file + "#" + param) }

// ImportSGKey names the group behind an export, until linking finds it.
func ImportSGKey(exportName string) SGKey { return SGKey("import:" + exportName) }

// ClusterSGKey names the EKS-created cluster security group of a cluster
// whose physical ID is not known.
func ClusterSGKey(clusterKey string) SGKey { return SGKey("eks-cluster-sg:" + clusterKey) }

// UnknownSGKey names a group behind an expression the model cannot follow;
// each such expression is its own group, equal to nothing else.
func UnknownSGKey(loc Location) SGKey {
	return SGKey("unknown:" + loc.String())
}

// SecurityGroup is a group the scan defines or refers to.
type SecurityGroup struct {
	Key SGKey
	// Name is how messages call it: the logical ID, `sg-…`, or a phrase
	// such as `cluster security group of cluster "prod"`.
	Name string
	Loc  Location
	// Defined is true when the files describe the group itself (tags and
	// inline rules); groups only referred to (parameters, imports, IDs
	// without describe data) have unknown tags and rules.
	Defined bool
	// Resource is the CloudFormation logical ID, if it is a resource.
	Resource string
	// ClusterSGOf is the key of the cluster whose EKS-created cluster
	// security group this is.
	ClusterSGOf string
	// RemoteAccessOf is the key of the managed node group whose
	// EKS-created remote-access group this is.
	RemoteAccessOf string
	// PrivateTo is the file of the template that creates the group when
	// that template provably does not hand it out (RULES.md, "Groups a
	// stack creates"): then no control plane or node group defined outside
	// that file carries it.
	PrivateTo string
	Tags      []Tag
	// TagsOpen is true when some tags could not be resolved.
	TagsOpen bool
	Rules    []*Rule
	// RulesOpen is true when some rules could not be resolved.
	RulesOpen bool
}

// Tag is a key/value pair on a group.
type Tag struct {
	Key, Value Value
	// Certain is false when the tag exists only on some condition branch.
	Certain bool
	// Implicit is set on tags AWS adds (the cluster tag on the cluster SG).
	Implicit bool
	Loc      Location
}

// Direction of a security group rule.
type Direction uint8

const (
	Ingress Direction = iota
	Egress
)

func (d Direction) String() string {
	if d == Egress {
		return "egress"
	}
	return "ingress"
}

// Protocol numbers as EC2 uses them; ProtoAll is "-1".
const (
	ProtoAll     = -1
	ProtoUnknown = -2
	ProtoICMP    = 1
	ProtoTCP     = 6
	ProtoUDP     = 17
	ProtoICMPv6  = 58
)

// PeerKind says what the other side of a rule is.
type PeerKind uint8

const (
	PeerUnknown PeerKind = iota
	PeerCIDR
	PeerSG
	PeerPrefixList
)

// Peer is the source (ingress) or destination (egress) of a rule.
type Peer struct {
	Kind       PeerKind
	CIDR       netip.Prefix
	SG         SGKey
	PrefixList Value
	// Expr is the peer as written, for messages.
	Expr string
	// Loc is where the peer is written (the CidrIp line), when the parser
	// knows it; zero otherwise (then the rule's Loc is the place).
	Loc Location
}

// Rule is one permission of a security group.
type Rule struct {
	SG        SGKey
	Direction Direction
	// Protocol is an IP protocol number, ProtoAll or ProtoUnknown.
	Protocol int
	// FromPort and ToPort bound the ports for TCP and UDP (type and code
	// for ICMP); PortsKnown is false when either could not be resolved.
	FromPort, ToPort int
	PortsKnown       bool
	Peer             Peer
	Certain          bool
	// Implicit describes a rule AWS creates ("default egress", …); empty
	// for rules written in the files.
	Implicit string
	// Resource is the logical ID of a standalone rule resource.
	Resource string
	Loc      Location
	// Site is where the permission that produced the rule is written,
	// when one permission gives several rules at different places (an
	// IpPermission with IpRanges and Ipv6Ranges); zero when it is Loc.
	Site Location
}

// PeerLoc is where the rule's peer is written, or the rule's place.
func (r *Rule) PeerLoc() Location {
	if !r.Peer.Loc.IsZero() {
		return r.Peer.Loc
	}
	return r.Loc
}

// SiteLoc is where the permission the rule comes from is written.
func (r *Rule) SiteLoc() Location {
	if !r.Site.IsZero() {
		return r.Site
	}
	return r.Loc
}

// SGMember is one group in a list of groups (of a node group, a cluster, an
// attachment), present on every condition branch or only on some.
type SGMember struct {
	SG      SGKey
	Certain bool
	Loc     Location
}

// Cluster is an EKS cluster defined or referred to by the scan.
type Cluster struct {
	// Key is "name:<name>" when the name is concrete (clusters with the
	// same name are one cluster), otherwise local to the defining file.
	Key  string
	Name Value
	Loc  Location
	// Defined is true when the files describe the cluster itself.
	Defined  bool
	Resource string
	Version  Value
	// ControlPlaneSGs are the additional groups of the control plane's
	// network interfaces; ControlPlaneSGsOpen when some are unresolved.
	ControlPlaneSGs     []SGMember
	ControlPlaneSGsOpen bool
	// ClusterSG is the key of the EKS-created cluster security group, or ""
	// when the cluster has none (below 1.14) or it is not identified.
	ClusterSG       SGKey
	EndpointPublic  Tri
	EndpointPrivate Tri
	Certain         bool
}

// ClusterKeyForName is the global key of a cluster with a concrete name.
func ClusterKeyForName(name string) string { return "name:" + name }

// NodeGroupKind says how the nodes are run.
type NodeGroupKind uint8

const (
	ManagedNodeGroup NodeGroupKind = iota
	SelfManagedNodeGroup
	InstanceNodes
)

func (k NodeGroupKind) String() string {
	switch k {
	case ManagedNodeGroup:
		return "managed node group"
	case SelfManagedNodeGroup:
		return "self-managed node group"
	}
	return "instance"
}

// LinkByClusterSG is the ClusterLink of nodes tied to a cluster only by
// carrying its cluster security group: they may as well be a bastion or a
// CI runner placed in that group (EKSSG027 counts them as possible clients).
const LinkByClusterSG = "the cluster security group it carries"

// NodeGroup is a set of nodes that share security groups.
type NodeGroup struct {
	Key      string
	Name     string
	Kind     NodeGroupKind
	Loc      Location
	Resource string
	// ClusterKey links the nodes to their cluster; ClusterLink says how
	// the link was found (for messages and notifications).
	ClusterKey  string
	ClusterLink string
	// SGs are the node SGs (RULES.md); SGsOpen when more may be attached
	// than the files show (external launch template, unresolved list).
	SGs     []SGMember
	SGsOpen bool
	// SGsLoc is where the node SGs are declared (launch template property,
	// or the node group itself when EKS chooses them).
	SGsLoc  Location
	Certain bool
}

// Attachment records that a resource's network interfaces are placed in a
// security group (from the generated catalog of SG-holding properties).
type Attachment struct {
	SG           SGKey
	Certain      bool
	Resource     string
	ResourceType string
	Property     string
	Loc          Location
}

// Notification is something the scan could not decide or noticed about its
// input; it is never a finding.
type Notification struct {
	Level   string   `json:"level"`
	Rule    string   `json:"rule,omitempty"`
	Message string   `json:"message"`
	Loc     Location `json:"location"`
}

// Suppression silences findings of some rules at some place. In-source
// ones come from `# eks-sg-lint:ignore RULE reason` comments (covering
// their own line and the next) or CloudFormation resource Metadata
// (covering the resource's lines); external ones from the config file.
type Suppression struct {
	// Rules are the rule IDs as written (validated when applied).
	Rules  []string
	Reason string
	// Until is the expiry written as `until=DATE` after the rule IDs
	// (YYYY-MM-DD expected; checked when applied), "" when none.
	Until string
	// Kind is "inSource" or "external" (SARIF suppression kinds).
	Kind string
	// Loc is where the suppression is written.
	Loc Location
	// File, FromLine and ToLine bound the findings it covers.
	File             string
	FromLine, ToLine int
}
