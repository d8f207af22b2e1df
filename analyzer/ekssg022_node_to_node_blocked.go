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
		// Pairs inside the largest block of node groups that certainly
		// share one group admitting all traffic from itself, with egress
		// allowing all traffic anywhere, certainly reach each other (what
		// carrying a common group gives): they are not visited, so a
		// cluster of thousands of node groups on the cluster SG or eksctl's
		// shared node SG costs linear time.
		inBlock := sharedSelfAdmittingBlock(g, pc, eps)
		var all, outside []int
		for i := range reps {
			all = append(all, i)
			if !inBlock[i] {
				outside = append(outside, i)
			}
		}
		findings, moreFindings, notes, moreNotes := 0, 0, 0, 0
		stopped := false
	pairs:
		for i := range reps {
			peers := all
			if inBlock[i] {
				peers = outside
			}
			for _, j := range peers {
				b := reps[j]
				if moreFindings > 0 {
					// The findings are full and one more pair is known to be
					// blocked: the rest of the pairs are not visited (that is
					// quadratic), and a notification says so.
					stopped = true
					break pairs
				}
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
		// No totals: counting every pair is quadratic, and a count would
		// change the message whenever a node group is added.
		if moreFindings > 0 {
			p.Reportf(about(clusterIdentity(c), "more-pairs"), c.Loc, nil, "cluster %q: more pairs of node groups cannot reach each other than the %d reported one by one. "+
				"Allow all traffic between the node security groups, for example with one shared group on every node group that admits all traffic from itself, such as the cluster security group.",
				c.DisplayName(), findings)
		}
		if stopped {
			p.Skipf(c.Loc, "cluster %q: after more than %d pairs of node groups proven unable to reach each other, the remaining pairs were not examined; fix these and scan again",
				c.DisplayName(), maxNodePairReports)
		}
		if moreNotes > 0 {
			p.Skipf(c.Loc, "cluster %q: for more pairs of node groups than the %d noted one by one, whether their nodes reach each other on all protocols depends on security groups or addresses the files do not settle",
				c.DisplayName(), notes)
		}
	}
}

// sharedSelfAdmittingBlock marks the endpoints of the largest set that
// certainly holds one common group admitting all traffic from itself (its
// rules known) and whose egress certainly allows all traffic to any
// address: every pair inside it is proven to reach each other.
func sharedSelfAdmittingBlock(g *graph.Graph, pc *graph.PairChecker, eps []graph.Endpoint) []bool {
	in := make([]bool, len(eps))
	selfAll := map[graph.SGKey]bool{}
	isSelfAll := func(k graph.SGKey) bool {
		v, ok := selfAll[k]
		if !ok {
			sg := g.SG(k)
			v = sg != nil && sg.Defined && !sg.RulesOpen && g.SelfAdmits(k).IsAll()
			selfAll[k] = v
		}
		return v
	}
	count := map[graph.SGKey]int{}
	var best graph.SGKey
	for i, e := range eps {
		if !pc.EgressSureToAll(i).IsAll() {
			continue
		}
		for _, m := range graph.Distinct(e.SGs) {
			if m.Certain && isSelfAll(m.SG) {
				count[m.SG]++
				if count[m.SG] > count[best] || count[m.SG] == count[best] && m.SG < best {
					best = m.SG
				}
			}
		}
	}
	if count[best] < 2 {
		return in
	}
	for i, e := range eps {
		if !pc.EgressSureToAll(i).IsAll() {
			continue
		}
		for _, m := range e.SGs {
			if m.SG == best && m.Certain {
				in[i] = true
			}
		}
	}
	return in
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
