package analyzer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// Identity parts of findings (Finding.Identity): each names one object by
// what identifies it across scans, never by its line. Keys of groups,
// clusters and node groups already are such names: physical IDs and
// cluster names are global, logical IDs are qualified by their file.

// sgIdentity names a security group.
func sgIdentity(k graph.SGKey) string {
	s := string(k)
	if rest, ok := strings.CutPrefix(s, "unknown:"); ok {
		// An unresolved expression is keyed by its position: keep the
		// file only.
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			rest = rest[:i]
		}
		s = "unknown:" + rest
	}
	return "sg=" + s
}

// sgSetIdentity names a set of groups (an endpoint's), in a fixed order.
func sgSetIdentity(e graph.Endpoint) string {
	keys := make([]string, 0, len(e.SGs))
	for _, m := range graph.Distinct(e.SGs) {
		keys = append(keys, strings.TrimPrefix(sgIdentity(m.SG), "sg="))
	}
	sort.Strings(keys)
	return "sgs=" + strings.Join(keys, ",")
}

func clusterIdentity(c *graph.Cluster) string { return "cluster=" + c.Key }

func nodeGroupIdentity(ng *graph.NodeGroup) string { return "nodegroup=" + ng.Key }

// trafficIdentity names protocols and ports.
func trafficIdentity(t graph.Traffic) string { return "traffic=" + t.String() }

// ruleIdentity names a security group rule by what it permits: its group,
// direction, protocol, ports and peer (a standalone rule resource by its
// logical ID too, since two resources may permit the same).
func ruleIdentity(r *graph.Rule) string {
	var b strings.Builder
	b.WriteString("rule=")
	b.WriteString(strings.TrimPrefix(sgIdentity(r.SG), "sg="))
	b.WriteString(" " + r.Direction.String() + " " + strconv.Itoa(r.Protocol))
	if r.PortsKnown {
		b.WriteString(" " + strconv.Itoa(r.FromPort) + "-" + strconv.Itoa(r.ToPort))
	}
	b.WriteString(" " + peerIdentity(r.Peer))
	if r.Resource != "" {
		b.WriteString(" resource " + r.Resource)
	}
	if r.Implicit != "" {
		b.WriteString(" implicit " + r.Implicit)
	}
	return b.String()
}

func peerIdentity(p graph.Peer) string {
	switch p.Kind {
	case graph.PeerCIDR:
		return "cidr " + p.CIDR.String()
	case graph.PeerSG:
		return "group " + strings.TrimPrefix(sgIdentity(p.SG), "sg=")
	case graph.PeerPrefixList:
		return "prefix-list " + p.PrefixList.Key()
	}
	return "peer " + p.Expr
}

func about(parts ...string) []string { return parts }
