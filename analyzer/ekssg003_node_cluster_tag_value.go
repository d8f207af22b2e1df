package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeClusterTagValue is EKSSG003.
var NodeClusterTagValue = register(&Analyzer{
	ID:    "EKSSG003",
	Name:  "node-cluster-tag-value",
	Level: LevelWarning,
	Short: "The node security group's kubernetes.io/cluster/<cluster> tag has a value other than owned.",
	Full: "The AWS requirements give the node security group tag as key kubernetes.io/cluster/<cluster-name> " +
		"with value owned. This rule fires when exactly one group of a node group carries the key and its " +
		"value is a known string other than owned (\"shared\" is meant for subnets and other resources " +
		"several clusters use).",
	Help:             "Set the tag's value to owned.",
	SecuritySeverity: "4.0",
	Tags:             []string{"eks", "security-group", "tagging"},
	Run:              runNodeClusterTagValue,
})

func runNodeClusterTagValue(p *Pass) {
	g := p.Graph
	type site struct {
		tag   *graph.Tag
		sg    *graph.SecurityGroup
		c     *graph.Cluster
		nodes []Related
		more  int
	}
	var sites []*site
	byTag := map[*graph.Tag]*site{}
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil || ng.SGsOpen {
			continue
		}
		var only *graph.Tag
		var onlySG *graph.SecurityGroup
		count, decided := 0, true
		for _, m := range graph.Distinct(ng.SGs) {
			sg := g.SG(m.SG)
			tag, carries := g.ClusterTag(sg, c)
			switch {
			case carries == graph.Yes && m.Certain:
				count++
				only, onlySG = tag, sg
			case carries == graph.No:
			default:
				decided = false
			}
		}
		if !decided || count != 1 || only.Implicit {
			continue
		}
		v, ok := only.Value.Literal()
		if !ok || v == "owned" {
			continue
		}
		s := byTag[only]
		if s == nil {
			s = &site{tag: only, sg: onlySG, c: c}
			byTag[only] = s
			sites = append(sites, s)
		}
		if len(s.nodes) < maxRelatedListed {
			s.nodes = append(s.nodes, Related{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)})
		} else {
			s.more++
		}
	}
	for _, s := range sites {
		v, _ := s.tag.Value.Literal()
		p.Reportf(about(clusterIdentity(s.c), sgIdentity(s.sg.Key)), s.tag.Loc, capNote(s.nodes, s.more, "node groups"),
			"security group %s on nodes of cluster %q carries tag %s with value %q; it must be \"owned\".",
			s.sg.Name, s.c.DisplayName(), graph.ClusterTagKey(s.c), v)
	}
}
