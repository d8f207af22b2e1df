package analyzer

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ControlPlaneSGShared is EKSSG010.
var ControlPlaneSGShared = register(&Analyzer{
	ID:    "EKSSG010",
	Name:  "control-plane-sg-shared-between-clusters",
	Level: LevelError,
	Short: "One security group is a control-plane security group of two or more clusters.",
	Full: "Amazon EKS strongly recommends a dedicated control-plane security group for each cluster. " +
		"This rule fires when the same group is listed in ResourcesVpcConfig.SecurityGroupIds (eksctl: " +
		"vpc.securityGroup) of two or more different clusters, in one file or across the files of one scan. " +
		"Rules added for one cluster's nodes then open or break the other cluster's control plane.",
	Help:             "Create a separate control-plane security group for each cluster.",
	SecuritySeverity: "6.5",
	Tags:             []string{"eks", "security-group", "control-plane"},
	Run:              runControlPlaneSGShared,
})

func runControlPlaneSGShared(p *Pass) {
	g := p.Graph
	type use struct {
		c   *graph.Cluster
		loc graph.Location
	}
	uses := map[graph.SGKey][]use{}
	var order []graph.SGKey
	for _, c := range g.Clusters {
		if !c.Defined {
			continue
		}
		seen := map[graph.SGKey]bool{}
		for _, m := range c.ControlPlaneSGs {
			if !m.Certain || seen[m.SG] {
				continue
			}
			seen[m.SG] = true
			if len(uses[m.SG]) == 0 {
				order = append(order, m.SG)
			}
			uses[m.SG] = append(uses[m.SG], use{c, m.Loc})
		}
	}
	for _, k := range order {
		us := uses[k]
		if len(us) < 2 {
			continue
		}
		for i, u := range us {
			var others []string
			var related []Related
			for j, o := range us {
				if i == j {
					continue
				}
				others = append(others, fmt.Sprintf("%q", o.c.DisplayName()))
				related = append(related, Related{Loc: o.loc, Message: fmt.Sprintf("also a control-plane security group of cluster %q", o.c.DisplayName())})
			}
			p.Reportf(u.loc, related, "security group %s is a control-plane security group of cluster %q and of cluster %s; AWS recommends a dedicated one per cluster. Give cluster %q its own control-plane security group.",
				g.SGName(k), u.c.DisplayName(), strings.Join(others, ", "), u.c.DisplayName())
		}
	}
}
