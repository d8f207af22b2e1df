package graph

import (
	"fmt"
	"strconv"
	"strings"
)

// ClusterTagPrefix starts the tag key EKS requires on exactly one node SG.
const ClusterTagPrefix = "kubernetes.io/cluster/"

// ClusterTagKey is `kubernetes.io/cluster/<name>` for the cluster.
func ClusterTagKey(c *Cluster) Value { return Concat(Lit(ClusterTagPrefix), c.Name) }

// DisplayName is how messages name a cluster.
func (c *Cluster) DisplayName() string { return c.Name.String() }

// ClusterTag says whether a group carries the cluster's tag key: Yes with
// the tag when some certain tag has that key, No when every tag is known
// and none has it, Unknown otherwise (unknown groups, open or conditional
// tags, keys the files do not settle).
func (g *Graph) ClusterTag(sg *SecurityGroup, c *Cluster) (*Tag, Tri) {
	if !sg.Defined && sg.ClusterSGOf == "" {
		return nil, Unknown
	}
	key := ClusterTagKey(c)
	result := No
	for i := range sg.Tags {
		t := &sg.Tags[i]
		switch Equal(t.Key, key) {
		case Yes:
			if t.Certain {
				return t, Yes
			}
			result = Unknown
		case Unknown:
			result = Unknown
		}
	}
	if sg.TagsOpen {
		return nil, Unknown
	}
	return nil, result
}

// IsClusterSG says whether the group is the EKS-created cluster SG of c.
// A group whose identity the files do not settle (a parameter, an import)
// might be it.
func (g *Graph) IsClusterSG(sg *SecurityGroup, c *Cluster) Tri {
	if sg.ClusterSGOf == c.Key || (c.ClusterSG != "" && sg.Key == c.ClusterSG) {
		return Yes
	}
	if sg.Defined || sg.ClusterSGOf != "" || sg.RemoteAccessOf != "" {
		return No
	}
	return Unknown
}

// ProtocolName renders a protocol number.
func ProtocolName(p int) string {
	switch p {
	case ProtoAll:
		return "all traffic"
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	case ProtoICMP:
		return "ICMP"
	case ProtoICMPv6:
		return "ICMPv6"
	case ProtoUnknown:
		return "an unknown protocol"
	}
	return "protocol " + strconv.Itoa(p)
}

// Traffic describes what a rule permits: "all traffic", "TCP 22 (SSH)",
// "TCP 1025-65535".
func (r *Rule) Traffic() string {
	if r.Protocol == ProtoAll {
		return "all traffic"
	}
	name := ProtocolName(r.Protocol)
	if r.Protocol != ProtoTCP && r.Protocol != ProtoUDP {
		return name
	}
	if !r.PortsKnown {
		return name + " on unknown ports"
	}
	if r.FromPort == 0 && r.ToPort == 65535 {
		return name + " all ports"
	}
	if r.FromPort == r.ToPort {
		s := fmt.Sprintf("%s %d", name, r.FromPort)
		if r.Protocol == ProtoTCP && r.FromPort == 22 {
			s += " (SSH)"
		}
		return s
	}
	return fmt.Sprintf("%s %d-%d", name, r.FromPort, r.ToPort)
}

// IsWorldOpen reports whether the rule's peer is 0.0.0.0/0 or ::/0.
func (r *Rule) IsWorldOpen() bool {
	return r.Peer.Kind == PeerCIDR && r.Peer.CIDR.IsValid() && r.Peer.CIDR.Bits() == 0
}

// VersionBelow compares a Kubernetes version value ("1.13") with
// major.minor; Unknown when the version is not a literal.
func VersionBelow(v Value, major, minor int) Tri {
	s, ok := v.Literal()
	if !ok {
		return Unknown
	}
	a, b, ok := strings.Cut(strings.TrimPrefix(s, "v"), ".")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return Unknown
	}
	return TriOf(x < major || (x == major && y < minor))
}

// HasClusterSG says whether EKS created a cluster SG for c (1.14 and
// later; a cluster of unknown version is treated as having one).
func (c *Cluster) HasClusterSG() bool { return VersionBelow(c.Version, 1, 14) != Yes }
