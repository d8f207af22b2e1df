package analyzer

import (
	"fmt"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ControlPlaneOpenToInternet is EKSSG030.
var ControlPlaneOpenToInternet = register(&Analyzer{
	ID:    "EKSSG030",
	Name:  "control-plane-open-to-internet",
	Level: LevelWarning,
	Short: "A control-plane security group allows inbound traffic from 0.0.0.0/0 or ::/0.",
	Full: "The control plane's network interfaces in your VPC carry the cluster security group and the " +
		"control-plane security groups. An ingress rule from 0.0.0.0/0 or ::/0 on one of them exposes the " +
		"Kubernetes API server (and anything else on those interfaces) to every address that can route to " +
		"the VPC. The seed requirement is inbound TCP 443 from the node security groups and, with private " +
		"endpoint access, from known client groups; public endpoint access is restricted separately with " +
		"publicAccessCidrs.",
	Help: "Replace the rule's 0.0.0.0/0 or ::/0 source with the node security groups or the specific " +
		"networks of your clients (bastion, CI runners, VPN).",
	SecuritySeverity: "6.5",
	Tags:             []string{"eks", "security-group", "control-plane", "exposure"},
	Run:              runControlPlaneOpenToInternet,
})

func runControlPlaneOpenToInternet(p *Pass) {
	g := p.Graph
	done := map[*graph.Rule]bool{}
	for _, c := range g.Clusters {
		if !c.Defined {
			continue
		}
		var keys []graph.SGKey
		for _, m := range c.ControlPlaneSGs {
			if m.Certain {
				keys = append(keys, m.SG)
			}
		}
		if c.ClusterSG != "" {
			keys = append(keys, c.ClusterSG)
		}
		for _, k := range keys {
			sg := g.SG(k)
			if sg == nil {
				continue
			}
			subject := fmt.Sprintf("control-plane security group %s of cluster %q", sg.Name, c.DisplayName())
			switch {
			case sg.ClusterSGOf != "" && strings.HasPrefix(sg.Name, "cluster security group"):
				subject = sg.Name // already "cluster security group of cluster …"
			case sg.ClusterSGOf != "":
				subject = fmt.Sprintf("cluster security group %s of cluster %q", sg.Name, c.DisplayName())
			}
			for _, r := range sg.Rules {
				if done[r] || r.Direction != graph.Ingress || !r.Certain || !r.IsWorldOpen() {
					continue
				}
				done[r] = true
				p.Reportf(about(clusterIdentity(c), ruleIdentity(r)), r.Loc, []Related{{Loc: c.Loc, Message: fmt.Sprintf("cluster %q", c.DisplayName())}},
					"%s allows %s from %s: the control plane's network interfaces are open to any address. Restrict the source to the node security groups and known client networks.",
					subject, r.Traffic(), r.Peer.Expr)
			}
			// Ranges that together are the internet (0.0.0.0/1 + 128.0.0.0/1)
			// open the interfaces as much as 0.0.0.0/0: one finding per set,
			// at its first range.
			for _, union := range worldUnions(sg) {
				if done[union[0]] {
					continue
				}
				ids := about(clusterIdentity(c))
				var sources []string
				for _, r := range union {
					done[r] = true
					ids = append(ids, ruleIdentity(r))
					sources = append(sources, r.Peer.Expr)
				}
				p.Reportf(ids, union[0].PeerLoc(), []Related{{Loc: c.Loc, Message: fmt.Sprintf("cluster %q", c.DisplayName())}},
					"%s allows %s from %s, which together cover every address: the control plane's network interfaces are open to any address. Restrict the source to the node security groups and known client networks.",
					subject, union[0].Traffic(), strings.Join(sources, " and "))
			}
		}
	}
}
