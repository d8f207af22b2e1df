package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeToNodeBlocked is EKSSG022.
var NodeToNodeBlocked = register(&Analyzer{
	ID:    "EKSSG022",
	Name:  "node-to-node-blocked",
	Level: LevelWarning,
	Short: "Nodes of a cluster cannot reach each other on all protocols.",
	Full: "Pods talk to pods and to cluster DNS across nodes, within a node group and across node groups. " +
		"AWS's recommended node inbound rule is all traffic from all node security groups. This rule fires " +
		"when every security group of the two node groups is known and some traffic certainly cannot flow " +
		"from one to the other (within one node group too); the message names what is blocked, DNS " +
		"(TCP and UDP 53) first, because broken DNS is the usual symptom.",
	Help: "Allow all traffic between the node security groups: an ingress rule from each node security " +
		"group to the others (and to itself), or attach one shared group, such as the cluster security " +
		"group, that admits all traffic from itself.",
	SecuritySeverity: "4.0",
	Tags:             []string{"eks", "security-group", "reachability"},
	Run:              runNodeToNodeBlocked,
})

func runNodeToNodeBlocked(p *Pass) {
	g := p.Graph
	dns := graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(53, 53)).Union(graph.ProtocolPorts(graph.ProtoUDP, graph.Ports(53, 53)))
	clusters, byCluster := nodeGroupsByCluster(g)
	seen := map[string]bool{}
	for _, c := range clusters {
		ngs := byCluster[c]
		for _, a := range ngs {
			for _, b := range ngs {
				from, to := g.Nodes(a), g.Nodes(b)
				pair := sgSetKey(from) + "->" + sgSetKey(to)
				if seen[pair] {
					continue // node groups on the same groups: one finding
				}
				seen[pair] = true
				f := g.Reach(from, to, graph.AllTraffic())
				if f.Blocked.IsEmpty() {
					if f.Result() == graph.Unknown {
						p.Skipf(b.Loc, "cluster %q: whether nodes of %q reach nodes of %q on all protocols depends on security groups or addresses the files do not settle", c.DisplayName(), a.Name, b.Name)
					}
					continue
				}
				what := f.Blocked.String()
				blockedDNS := f.Blocked.Intersect(dns)
				switch {
				case f.Blocked.IsAll():
					what = "any protocol, DNS (TCP and UDP 53) included"
				case !blockedDNS.IsEmpty():
					what = "DNS (" + blockedDNS.String() + "); blocked in all: " + what
				}
				target, ok := fixTarget(g, to)
				source, ok2 := fixTarget(g, from)
				if !ok || !ok2 {
					continue
				}
				between := fmt.Sprintf("nodes of %s %q cannot reach nodes of %s %q", a.Kind, a.Name, b.Kind, b.Name)
				if a == b {
					between = fmt.Sprintf("nodes of %s %q cannot reach each other", a.Kind, a.Name)
				}
				at, fix := target.Loc, fmt.Sprintf("add an ingress rule for all traffic from %s to %s", source.Name, target.Name)
				if f.IngressBlocked.IsEmpty() {
					at, fix = source.Loc, fmt.Sprintf("add an egress rule for all traffic from %s to %s", source.Name, target.Name)
				}
				related := []Related{{Loc: a.Loc, Message: fmt.Sprintf("node group %q", a.Name)}}
				if a != b {
					related = append(related, Related{Loc: b.Loc, Message: fmt.Sprintf("node group %q", b.Name)})
				}
				p.Reportf(at, related, "cluster %q: %s on %s; %s.", c.DisplayName(), between, what, fix)
			}
		}
	}
}

// sgSetKey identifies an endpoint by its groups.
func sgSetKey(e graph.Endpoint) string {
	s := ""
	for _, m := range graph.Distinct(e.SGs) {
		s += string(m.SG) + fmt.Sprint(m.Certain) + ","
	}
	return s + fmt.Sprint(e.Open)
}
