package analyzer

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeClusterTagDuplicate is EKSSG002.
var NodeClusterTagDuplicate = register(&Analyzer{
	ID:    "EKSSG002",
	Name:  "node-cluster-tag-duplicate",
	Level: LevelError,
	Short: "More than one of a node group's security groups carries the kubernetes.io/cluster/<cluster> tag.",
	Full: "AWS requires that one, and only one, of the security groups attached to nodes carries the tag " +
		"kubernetes.io/cluster/<cluster-name>. This rule fires when two or more groups certainly attached " +
		"to the same node group carry that tag key. The common cause: the cluster security group, which " +
		"EKS tags automatically, plus a custom node security group tagged by hand. With two tagged groups " +
		"the AWS cloud provider cannot pick one and load balancer provisioning fails " +
		"(\"Multiple tagged security groups found for instance\").",
	Help: "Remove the kubernetes.io/cluster/<cluster-name> tag from every group but one. When the cluster " +
		"security group is attached, it already carries the tag: remove it from the other groups.",
	SecuritySeverity: "7.0",
	Tags:             []string{"eks", "security-group", "tagging"},
	Run:              runNodeClusterTagDuplicate,
})

func runNodeClusterTagDuplicate(p *Pass) {
	g := p.Graph
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		type tagged struct {
			sg  *graph.SecurityGroup
			tag *graph.Tag
		}
		var all []tagged
		for _, m := range graph.Distinct(ng.SGs) {
			if !m.Certain {
				continue
			}
			sg := g.SG(m.SG)
			if tag, carries := g.ClusterTag(sg, c); carries == graph.Yes {
				all = append(all, tagged{sg, tag})
			}
		}
		if len(all) < 2 {
			continue
		}
		// Keep the tag EKS puts on the cluster SG (it cannot be removed),
		// else the first; the rest must go.
		keep := 0
		for i, t := range all {
			if t.tag.Implicit {
				keep = i
				break
			}
		}
		var names, remove []string
		var at graph.Location
		var related []Related
		fix := ""
		for i, t := range all {
			names = append(names, t.sg.Name)
			if i == keep {
				related = append(related, Related{Loc: t.tag.Loc, Message: fmt.Sprintf("%s carries the tag", t.sg.Name)})
				continue
			}
			remove = append(remove, t.sg.Name)
			if at.IsZero() {
				at = t.tag.Loc
				if at.Origin != nil {
					// The tag is written in a module the user did not
					// write (a modelled or downloaded one): the line to
					// change is where the node group is given the group.
					if m, ok := memberOf(ng, t.sg.Key); ok && !m.Loc.IsZero() {
						related = append(related, Related{Loc: t.tag.Loc, Message: fmt.Sprintf("%s carries the tag", t.sg.Name)})
						at = m.Loc
						fix = fmt.Sprintf("The tag on %s is set by a module these files only call: give the node group one of the tagged groups only.", t.sg.Name)
					}
				}
			} else {
				related = append(related, Related{Loc: t.tag.Loc, Message: fmt.Sprintf("%s carries the tag too", t.sg.Name)})
			}
		}
		related = append(related, Related{Loc: ng.Loc, Message: fmt.Sprintf("node group %q", ng.Name)})
		if fix == "" {
			fix = fmt.Sprintf("Remove the tag from %s.", strings.Join(remove, " and "))
		}
		p.Reportf(about(clusterIdentity(c), nodeGroupIdentity(ng)), at, related, "%s: %d security groups carry tag %s (%s); exactly one must. %s",
			nodeGroupPhrase(ng, c), len(all), graph.ClusterTagKey(c), strings.Join(names, ", "), fix)
	}
}

// memberOf finds a group among a node group's groups.
func memberOf(ng *graph.NodeGroup, key graph.SGKey) (graph.SGMember, bool) {
	for _, m := range ng.SGs {
		if m.SG == key {
			return m, true
		}
	}
	return graph.SGMember{}, false
}
