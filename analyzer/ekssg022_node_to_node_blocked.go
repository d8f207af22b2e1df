package analyzer

import (
	"fmt"
	"strconv"
	"strings"

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

// maxNodePairReports bounds the findings, and separately the
// notifications, per cluster: a cluster of n node groups on separate groups
// has n*n pairs, and past a hundred one summary says more than the rest.
const maxNodePairReports = 100

func runNodeToNodeBlocked(p *Pass) {
	g := p.Graph
	dns := graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(53, 53)).Union(graph.ProtocolPorts(graph.ProtoUDP, graph.Ports(53, 53)))
	clusters, byCluster := nodeGroupsByCluster(g)
	// Node groups on the same groups get one finding: per cluster only the
	// first node group of each set of groups is compared, and a pair of
	// sets already compared in an earlier cluster is not compared again.
	setID := map[string]int{}
	var clustersOfSet [][]int // by set: the clusters that have it, ascending
	for ci, c := range clusters {
		var reps []*graph.NodeGroup
		var eps []graph.Endpoint
		var ids []int
		// members of each representative's set in this cluster (capped),
		// for related locations.
		var members [][]Related
		var moreMembers []int
		repOf := map[int]int{} // set id -> index in reps, this cluster
		for _, ng := range byCluster[c] {
			e := g.Nodes(ng)
			k := sgSetKey(e)
			id, ok := setID[k]
			if !ok {
				id = len(clustersOfSet)
				setID[k] = id
				clustersOfSet = append(clustersOfSet, nil)
			}
			if n := len(clustersOfSet[id]); n > 0 && clustersOfSet[id][n-1] == ci {
				r := repOf[id]
				if len(members[r]) < maxRelatedListed {
					members[r] = append(members[r], Related{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)})
				} else {
					moreMembers[r]++
				}
				continue
			}
			clustersOfSet[id] = append(clustersOfSet[id], ci)
			repOf[id] = len(reps)
			reps, eps, ids = append(reps, ng), append(eps, e), append(ids, id)
			members = append(members, []Related{{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)}})
			moreMembers = append(moreMembers, 0)
		}
		// Pairs are many and mostly alike: PairChecker answers each without
		// a full Reach.
		pc := g.NewPairChecker(eps, graph.AllTraffic())
		fixTargets := make([]*graph.SecurityGroup, len(eps)) // nil when none
		for i, e := range eps {
			if sg, ok := fixTarget(g, e); ok {
				fixTargets[i] = sg
			}
		}
		findings, moreFindings, notes, moreNotes := 0, 0, 0, 0
		for i := range reps {
			for j, b := range reps {
				if comparedBefore(clustersOfSet[ids[i]], clustersOfSet[ids[j]], ci) {
					continue
				}
				f := pc.Check(i, j)
				if f.Blocked.IsEmpty() {
					if f.Result == graph.Unknown {
						if notes == maxNodePairReports {
							moreNotes++
							continue
						}
						notes++
						p.Skipf(b.Loc, "cluster %q: whether nodes on security groups (%s) reach nodes on security groups (%s) on all protocols depends on security groups or addresses the files do not settle",
							c.DisplayName(), endpointSGNames(g, eps[i]), endpointSGNames(g, eps[j]))
					}
					continue
				}
				target, source := fixTargets[j], fixTargets[i]
				if target == nil || source == nil {
					continue
				}
				if findings == maxNodePairReports {
					moreFindings++
					continue
				}
				findings++
				what := f.Blocked.String()
				blockedDNS := f.Blocked.Intersect(dns)
				switch {
				case f.Blocked.IsAll():
					what = "any protocol, DNS (TCP and UDP 53) included"
				case !blockedDNS.IsEmpty():
					what = "DNS (" + blockedDNS.String() + "); blocked in all: " + what
				}
				between := fmt.Sprintf("nodes on security groups (%s) cannot reach nodes on security groups (%s)", endpointSGNames(g, eps[i]), endpointSGNames(g, eps[j]))
				if i == j {
					between = fmt.Sprintf("nodes on security groups (%s) cannot reach each other", endpointSGNames(g, eps[i]))
				}
				at, fix := target.Loc, fmt.Sprintf("add an ingress rule for all traffic from %s to %s", source.Name, target.Name)
				if f.IngressBlocked.IsEmpty() {
					at, fix = source.Loc, fmt.Sprintf("add an egress rule for all traffic from %s to %s", source.Name, target.Name)
				}
				related := capNote(append([]Related(nil), members[i]...), moreMembers[i], "node groups on these security groups")
				if i != j {
					related = append(related, capNote(append([]Related(nil), members[j]...), moreMembers[j], "node groups on these security groups")...)
				}
				p.Reportf(about(clusterIdentity(c), "from="+sgSetIdentity(eps[i]), "to="+sgSetIdentity(eps[j])), at, related,
					"cluster %q: %s on %s; %s.", c.DisplayName(), between, what, fix)
			}
		}
		if moreFindings > 0 {
			p.Reportf(about(clusterIdentity(c), "more-pairs"), c.Loc, nil, "cluster %q: %d more pairs of node groups cannot reach each other (%d in all; the first %d are reported one by one). "+
				"Allow all traffic between the node security groups, for example with one shared group on every node group that admits all traffic from itself, such as the cluster security group.",
				c.DisplayName(), moreFindings, findings+moreFindings, findings)
		}
		if moreNotes > 0 {
			p.Skipf(c.Loc, "cluster %q: for %d more pairs of node groups, whether their nodes reach each other on all protocols depends on security groups or addresses the files do not settle (%d in all; the first %d are noted one by one)",
				c.DisplayName(), moreNotes, notes+moreNotes, notes)
		}
	}
}

// comparedBefore says whether two sets of groups were both in one cluster
// before cluster ci (their cluster lists are ascending).
func comparedBefore(a, b []int, ci int) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) && a[i] < ci && b[j] < ci {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// sgSetKey identifies an endpoint by its groups.
func sgSetKey(e graph.Endpoint) string {
	var b strings.Builder
	for _, m := range graph.Distinct(e.SGs) {
		b.WriteString(string(m.SG))
		b.WriteString(strconv.FormatBool(m.Certain))
		b.WriteByte(',')
	}
	b.WriteString(strconv.FormatBool(e.Open))
	return b.String()
}
