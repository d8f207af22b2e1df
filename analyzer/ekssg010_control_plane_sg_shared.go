package analyzer

import (
	"fmt"

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
	SecuritySeverity: "7.5",
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
	// One finding per shared group and site (the line listing it), its
	// related locations the other clusters' uses, capped: thousands of
	// clusters on one group must not give findings quadratic in them.
	for _, k := range order {
		us := uses[k]
		if len(us) < 2 {
			continue
		}
		var sites []graph.Location
		bySite := map[graph.Location][]use{}
		for _, u := range us {
			if len(bySite[u.loc]) == 0 {
				sites = append(sites, u.loc)
			}
			bySite[u.loc] = append(bySite[u.loc], u)
		}
		for _, loc := range sites {
			here := bySite[loc]
			var names []string
			ids := about(sgIdentity(k))
			for _, u := range here {
				names = append(names, u.c.DisplayName())
				ids = append(ids, clusterIdentity(u.c))
			}
			var related []Related
			more := 0
			for _, o := range us {
				if o.loc == loc {
					continue
				}
				if len(related) == maxRelatedListed {
					more++
					continue
				}
				related = append(related, Related{Loc: o.loc, Message: fmt.Sprintf("also a control-plane security group of cluster %q", o.c.DisplayName())})
			}
			owners := clusterWord(names)
			if len(related) > 0 {
				owners += " and of at least one other cluster"
			}
			p.Reportf(ids, loc, capNote(related, more, "clusters"), "security group %s is a control-plane security group of %s; AWS recommends a dedicated one per cluster. Give %s its own control-plane security group.",
				g.SGName(k), owners, fixWord(names))
		}
	}
}

// clusterWord names the clusters of a site.
func clusterWord(names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("cluster %q", names[0])
	}
	return "clusters " + quoteJoin(names)
}

// fixWord names the clusters a fix applies to.
func fixWord(names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("cluster %q", names[0])
	}
	return "each of clusters " + quoteJoin(names)
}
