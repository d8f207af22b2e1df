package graph

import (
	"fmt"
	"net/netip"
)

var anyIPv4 = netip.MustParsePrefix("0.0.0.0/0")

// NewClusterSG is the group EKS creates for cluster c (RULES.md, "cluster
// SG"): tagged kubernetes.io/cluster/<name> = owned and, when the cluster
// itself is described (rulesKnown), with EKS's default rules: all traffic
// from itself and all traffic out. Every parser that meets a cluster adds
// it this way; display is how messages name the cluster.
func NewClusterSG(c *Cluster, display string, loc Location, rulesKnown bool) *SecurityGroup {
	key := c.ClusterSG
	sg := &SecurityGroup{
		Key: key, Name: fmt.Sprintf("cluster security group of cluster %q", display),
		Loc: loc, Defined: rulesKnown, ClusterSGOf: c.Key, RulesOpen: !rulesKnown,
		Tags: []Tag{{Key: Concat(Lit(ClusterTagPrefix), c.Name), Value: Lit("owned"),
			Certain: true, Implicit: true, Loc: loc}},
	}
	if rulesKnown {
		sg.Rules = []*Rule{
			{SG: key, Direction: Ingress, Protocol: ProtoAll, FromPort: 0, ToPort: 65535, PortsKnown: true,
				Peer: Peer{Kind: PeerSG, SG: key, Expr: "itself"}, Certain: true,
				Implicit: "EKS default rule: all traffic from the cluster security group itself", Loc: loc},
			AllEgressIPv4(key, loc, true, "EKS default rule: all traffic to 0.0.0.0/0"),
		}
	}
	return sg
}

// AllEgressIPv4 is a rule allowing all traffic out to 0.0.0.0/0, the
// egress AWS puts on a group it creates; why says which default it is.
func AllEgressIPv4(key SGKey, loc Location, certain bool, why string) *Rule {
	return &Rule{SG: key, Direction: Egress, Protocol: ProtoAll, FromPort: 0, ToPort: 65535, PortsKnown: true,
		Peer: Peer{Kind: PeerCIDR, CIDR: anyIPv4, Expr: "0.0.0.0/0"}, Certain: certain, Implicit: why, Loc: loc}
}
