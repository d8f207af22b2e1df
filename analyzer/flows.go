package analyzer

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// Shared by the port rules (EKSSG020-025, 027): naming the groups of an
// endpoint and picking the group a fix belongs on.

// tcp is TCP on the given ports.
func tcp(from, to int) graph.Traffic {
	return graph.ProtocolPorts(graph.ProtoTCP, graph.Ports(from, to))
}

// endpointSGNames lists the certain groups of an endpoint for messages.
func endpointSGNames(g *graph.Graph, e graph.Endpoint) string {
	var names []string
	for _, m := range graph.Distinct(e.SGs) {
		if m.Certain {
			names = append(names, g.SGName(m.SG))
		}
	}
	if len(names) == 0 {
		return "no known security group"
	}
	return strings.Join(names, ", ")
}

// fixTarget picks the group of an endpoint a new rule should go on: the
// first group the files define (a template resource or an eksctl group),
// preferring one that is not EKS-created; ok is false when none is known.
func fixTarget(g *graph.Graph, e graph.Endpoint) (*graph.SecurityGroup, bool) {
	var fallback *graph.SecurityGroup
	for _, m := range graph.Distinct(e.SGs) {
		sg := g.SG(m.SG)
		if sg == nil || !m.Certain || sg.RemoteAccessOf != "" {
			continue
		}
		if sg.Defined && sg.ClusterSGOf == "" {
			return sg, true
		}
		if fallback == nil {
			fallback = sg
		}
	}
	return fallback, fallback != nil
}

// nodeGroupsByCluster groups node groups by their cluster, in graph order.
func nodeGroupsByCluster(g *graph.Graph) ([]*graph.Cluster, map[*graph.Cluster][]*graph.NodeGroup) {
	var order []*graph.Cluster
	by := map[*graph.Cluster][]*graph.NodeGroup{}
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		if _, ok := by[c]; !ok {
			order = append(order, c)
		}
		by[c] = append(by[c], ng)
	}
	return order, by
}

// siteSet gathers node groups that share one finding (same place, same
// fix, same objects): node groups on the same security groups get one
// finding, and the node groups are its related locations, not part of its
// message (adding one must not change the finding).
type siteSet struct {
	order []*site
	byKey map[string]*site
}

type site struct {
	loc      graph.Location
	about    []string
	message  string
	related  []Related
	nodes    []Related
	moreNode int
}

func (s *siteSet) add(about []string, loc graph.Location, ng *graph.NodeGroup, related []Related, message string) {
	if s.byKey == nil {
		s.byKey = map[string]*site{}
	}
	key := loc.String() + "\x00" + message + "\x00" + strings.Join(about, "\x00")
	st := s.byKey[key]
	if st == nil {
		st = &site{loc: loc, about: about, message: message, related: related}
		s.byKey[key] = st
		s.order = append(s.order, st)
	}
	if len(st.nodes) < maxRelatedListed {
		st.nodes = append(st.nodes, Related{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)})
	} else {
		st.moreNode++
	}
}

func (s *siteSet) report(p *Pass) {
	for _, st := range s.order {
		related := append(append([]Related(nil), st.related...), st.nodes...)
		p.Reportf(st.about, st.loc, capNote(related, st.moreNode, "node groups"), "%s", st.message)
	}
}

// maxRelatedListed caps the related locations of one kind on a finding: a
// group shared by thousands of node groups or clusters would otherwise
// give findings (and SARIF) quadratic in the input.
const maxRelatedListed = 10

// capNote says on the last related location how many more were left out.
func capNote(related []Related, more int, what string) []Related {
	if more > 0 && len(related) > 0 {
		last := &related[len(related)-1]
		last.Message += fmt.Sprintf(" (and %d more %s not listed)", more, what)
	}
	return related
}

// admitted describes what a destination admits from the source for
// certain: "nothing" or "only TCP 443".
func admitted(f graph.PairFlow) string {
	if a := f.IngressFromSource.String(); a != "" {
		return "only " + a
	}
	return "nothing"
}

// groupRole labels a related location: "control-plane security group X",
// or just the name when it already says what it is (the cluster SG).
func groupRole(sg *graph.SecurityGroup, role string) string {
	if sg.ClusterSGOf != "" || sg.RemoteAccessOf != "" {
		return sg.Name
	}
	return role + " " + sg.Name
}

// controlPlaneFlows answers one question (asked) between each cluster's
// control plane and each of its node groups with one PairChecker per
// cluster: the control plane's groups are read once, not once per node
// group (a cluster described by many files has a control plane of many
// groups and many node groups).
type controlPlaneFlows struct {
	asked graph.Traffic
	by    map[*graph.Cluster]*clusterFlows
}

type clusterFlows struct {
	pc    *graph.PairChecker
	cp    graph.Endpoint
	index map[*graph.NodeGroup]int
}

func newControlPlaneFlows(g *graph.Graph, asked graph.Traffic) *controlPlaneFlows {
	cf := &controlPlaneFlows{asked: asked, by: map[*graph.Cluster]*clusterFlows{}}
	_, byCluster := nodeGroupsByCluster(g)
	for c, ngs := range byCluster {
		cp := g.ControlPlane(c)
		eps := []graph.Endpoint{cp}
		index := make(map[*graph.NodeGroup]int, len(ngs))
		for _, ng := range ngs {
			index[ng] = len(eps)
			eps = append(eps, g.Nodes(ng))
		}
		cf.by[c] = &clusterFlows{pc: g.NewPairChecker(eps, asked), cp: cp, index: index}
	}
	return cf
}

// flow answers for the control plane to the node group (toNodes) or back.
func (cf *controlPlaneFlows) flow(ng *graph.NodeGroup, c *graph.Cluster, toNodes bool) (graph.PairFlow, graph.Endpoint) {
	k := cf.by[c]
	i := k.index[ng]
	if toNodes {
		return k.pc.Check(0, i), k.cp
	}
	return k.pc.Check(i, 0), k.cp
}

// blockedFlow asks whether the asked traffic of flows goes from one
// endpoint to the other and returns the flow when it is proven blocked,
// with the node and control-plane groups a fix belongs on; an undecidable
// flow is recorded as a notification (why: what was asked, for the
// message).
func blockedFlow(p *Pass, flows *controlPlaneFlows, ng *graph.NodeGroup, c *graph.Cluster, toNodes bool, why string) (f graph.PairFlow, nodeSG, cpSG *graph.SecurityGroup, ok bool) {
	g := p.Graph
	f, cp := flows.flow(ng, c, toNodes)
	switch f.Result {
	case graph.Yes:
		return f, nil, nil, false
	case graph.Unknown:
		p.Skipf(ng.Loc, "%s: %s depends on security groups the files do not fully describe", nodeGroupPhrase(ng, c), why)
		return f, nil, nil, false
	}
	nodeSG, _ = fixTarget(g, g.Nodes(ng))
	cpSG, _ = fixTarget(g, cp)
	return f, nodeSG, cpSG, nodeSG != nil && cpSG != nil
}
