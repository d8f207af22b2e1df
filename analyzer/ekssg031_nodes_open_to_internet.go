package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodesOpenToInternet is EKSSG031.
var NodesOpenToInternet = register(&Analyzer{
	ID:    "EKSSG031",
	Name:  "nodes-open-to-internet",
	Level: LevelWarning,
	Short: "A node security group allows inbound traffic from 0.0.0.0/0 or ::/0.",
	Full: "Nodes should accept traffic from the control plane, from other nodes and from the load balancers " +
		"in front of them, not from the whole internet. This rule fires when a security group attached to " +
		"a node group has an ingress rule from 0.0.0.0/0 or ::/0, calling out SSH and all traffic. It " +
		"includes the SSH rule EKS itself creates for a managed node group with RemoteAccess.Ec2SshKey and " +
		"no RemoteAccess.SourceSecurityGroups.",
	Help: "Restrict the source: a bastion or VPN security group or CIDR for SSH (or use SSM Session " +
		"Manager instead of SSH), and the load balancer's security group for node ports.",
	SecuritySeverity: "7.5",
	Tags:             []string{"eks", "security-group", "node-group", "exposure"},
	Run:              runNodesOpenToInternet,
})

func runNodesOpenToInternet(p *Pass) {
	g := p.Graph
	type site struct {
		rule  *graph.Rule
		sg    *graph.SecurityGroup
		nodes []string
		locs  []Related
	}
	var sites []*site
	byRule := map[*graph.Rule]*site{}
	for _, ng := range g.NodeGroups {
		for _, m := range graph.Distinct(ng.SGs) {
			sg := g.SG(m.SG)
			if !m.Certain || sg == nil {
				continue
			}
			for _, r := range sg.Rules {
				if r.Direction != graph.Ingress || !r.Certain || !r.IsWorldOpen() {
					continue
				}
				s := byRule[r]
				if s == nil {
					s = &site{rule: r, sg: sg}
					byRule[r] = s
					sites = append(sites, s)
				}
				s.nodes = append(s.nodes, ng.Name)
				s.locs = append(s.locs, Related{Loc: ng.Loc, Message: fmt.Sprintf("node group %q", ng.Name)})
			}
		}
	}
	for _, s := range sites {
		r := s.rule
		what := fmt.Sprintf("security group %s of node group(s) %s allows %s from %s", s.sg.Name, quoteJoin(s.nodes), r.Traffic(), r.Peer.Expr)
		fix := "Restrict the source to the networks or security groups that need it."
		switch {
		case s.sg.RemoteAccessOf != "" && r.Implicit != "":
			what = fmt.Sprintf("node group(s) %s: EKS opens %s to %s because RemoteAccess sets Ec2SshKey without SourceSecurityGroups", quoteJoin(s.nodes), r.Traffic(), r.Peer.Expr)
			fix = "Set RemoteAccess.SourceSecurityGroups to a bastion or VPN security group, or drop RemoteAccess and use SSM Session Manager."
		case r.Protocol == graph.ProtoTCP && r.FromPort <= 22 && r.ToPort >= 22:
			fix = "Restrict SSH to a bastion or VPN source, or use SSM Session Manager."
		case r.Protocol == graph.ProtoAll:
			fix = "Never admit all traffic from the internet; allow only the ports and sources that need it."
		}
		p.Reportf(r.Loc, s.locs, "%s: the nodes are reachable from any address. %s", what, fix)
	}
}
