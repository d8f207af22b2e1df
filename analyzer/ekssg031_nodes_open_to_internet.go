package analyzer

import (
	"fmt"
	"strings"

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
	SecuritySeverity: "6.5",
	Tags:             []string{"eks", "security-group", "node-group", "exposure"},
	Run:              runNodesOpenToInternet,
})

func runNodesOpenToInternet(p *Pass) {
	g := p.Graph
	// A site is one place that opens one group to the internet for some
	// traffic: a rule, or an IPv4 and an IPv6 rule written at one place
	// (an IpPermission with both ranges, eksctl's SSH rules), reported once
	// naming both sources.
	type siteKey struct {
		sg      graph.SGKey
		loc     graph.Location
		traffic string
	}
	type site struct {
		rules []*graph.Rule
		sg    *graph.SecurityGroup
		nodes []Related
		more  int
		seen  map[*graph.NodeGroup]bool
	}
	var sites []*site
	byKey := map[siteKey]*site{}
	byRule := map[*graph.Rule]*site{}
	unionsOf := map[graph.SGKey][][]*graph.Rule{}
	for _, ng := range g.NodeGroups {
		for _, m := range graph.Distinct(ng.SGs) {
			sg := g.SG(m.SG)
			if !m.Certain || sg == nil {
				continue
			}
			unions, ok := unionsOf[sg.Key]
			if !ok {
				unions = worldUnions(sg)
				unionsOf[sg.Key] = unions
			}
			// Each world-open rule is a site; so is each set of rules for
			// the same traffic whose ranges together cover the internet
			// (0.0.0.0/1 and 128.0.0.0/1), reported at its first rule.
			var groups [][]*graph.Rule
			for _, r := range sg.Rules {
				if r.Direction == graph.Ingress && r.Certain && r.IsWorldOpen() {
					groups = append(groups, []*graph.Rule{r})
				}
			}
			groups = append(groups, unions...)
			for _, group := range groups {
				r := group[0]
				s := byRule[r]
				if s == nil {
					k := siteKey{sg: sg.Key, loc: r.SiteLoc(), traffic: r.Traffic()}
					if len(group) > 1 {
						k.traffic += " (union)"
					}
					s = byKey[k]
					if s == nil {
						s = &site{sg: sg, seen: map[*graph.NodeGroup]bool{}}
						byKey[k] = s
						sites = append(sites, s)
					}
					s.rules = append(s.rules, group...)
					byRule[r] = s
				}
				if s.seen[ng] {
					continue
				}
				s.seen[ng] = true
				if len(s.nodes) < maxRelatedListed {
					s.nodes = append(s.nodes, Related{Loc: ng.Loc, Message: fmt.Sprintf("%s %q", ng.Kind, ng.Name)})
				} else {
					s.more++
				}
			}
		}
	}
	for _, s := range sites {
		r := s.rules[0]
		var sources []string
		ids := about(sgIdentity(s.sg.Key))
		for _, x := range s.rules {
			sources = append(sources, x.Peer.Expr)
			ids = append(ids, ruleIdentity(x))
		}
		from := strings.Join(sources, " and ")
		what := fmt.Sprintf("node security group %s allows %s from %s", s.sg.Name, r.Traffic(), from)
		fix := "Restrict the source to the networks or security groups that need it."
		switch {
		case s.sg.RemoteAccessOf != "" && r.Implicit != "":
			block, key, srcs := graph.RemoteAccessWording(s.sg)
			what = fmt.Sprintf("EKS opens %s to %s because %s sets %s without %s", r.Traffic(), from, block, key, srcs)
			fix = fmt.Sprintf("Set %s.%s to a bastion or VPN security group, or drop %s and use SSM Session Manager.", block, srcs, block)
		case r.Protocol == graph.ProtoTCP && r.FromPort <= 22 && r.ToPort >= 22:
			fix = "Restrict SSH to a bastion or VPN source, or use SSM Session Manager."
		case r.Protocol == graph.ProtoAll:
			fix = "Never admit all traffic from the internet; allow only the ports and sources that need it."
		}
		// The line that opens the group: the (first) CIDR.
		p.Reportf(ids, r.PeerLoc(), capNote(s.nodes, s.more, "node groups"), "%s: the nodes are reachable from any address. %s", what, fix)
	}
}
