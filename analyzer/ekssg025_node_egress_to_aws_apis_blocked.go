package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// NodeEgressToAWSAPIsBlocked is EKSSG025.
var NodeEgressToAWSAPIsBlocked = register(&Analyzer{
	ID:    "EKSSG025",
	Name:  "node-egress-to-aws-apis-blocked",
	Level: LevelWarning,
	Short: "Node egress is restricted and allows no TCP 443 towards AWS APIs.",
	Full: "Nodes need outbound HTTPS to the Amazon EKS API (cluster introspection and registration at " +
		"launch), to Amazon ECR and Amazon S3 (image pulls), through the internet or VPC endpoints. This " +
		"rule fires when every security group of a node group is known, none keeps the default allow-all " +
		"egress, and no egress rule allows TCP 443 to 0.0.0.0/0, ::/0, a prefix list, an address range " +
		"(which may hold VPC endpoints or a proxy), or the security group of a VPC interface endpoint.",
	Help: "Add an egress rule for TCP 443 to 0.0.0.0/0 (through a NAT gateway), to the S3 gateway " +
		"endpoint's prefix list, or to the security group of your EKS, ECR and STS interface endpoints.",
	SecuritySeverity: "4.0",
	Tags:             []string{"eks", "security-group", "reachability", "egress"},
	Run:              runNodeEgressToAWSAPIsBlocked,
})

func runNodeEgressToAWSAPIsBlocked(p *Pass) {
	g := p.Graph
	https := tcp(443, 443)
	endpointSGs := map[graph.SGKey]bool{}
	for _, a := range g.Attachments {
		if a.ResourceType == "AWS::EC2::VPCEndpoint" {
			endpointSGs[a.SG] = true
		}
	}
	// The cluster's own groups are known not to be endpoints; any other
	// group may belong to a VPC endpoint or proxy in a stack not scanned.
	_, byCluster := nodeGroupsByCluster(g)
	own := map[*graph.Cluster]map[graph.SGKey]bool{}
	for c, ngs := range byCluster {
		set := map[graph.SGKey]bool{}
		for _, m := range g.ControlPlane(c).SGs {
			set[m.SG] = true
		}
		for _, ng := range ngs {
			for _, m := range ng.SGs {
				set[m.SG] = true
			}
		}
		own[c] = set
	}
	sites := &siteSet{}
	for _, ng := range g.NodeGroups {
		c := clusterOf(g, ng)
		if c == nil {
			continue
		}
		if ng.SGsOpen {
			p.Skipf(ng.Loc, "%s: not all of its security groups are known, so restricted egress cannot be proven", nodeGroupPhrase(ng, c))
			continue
		}
		possible, decided := false, true
		var target *graph.SecurityGroup
		var names []string
		for _, m := range graph.Distinct(ng.SGs) {
			sg := g.SG(m.SG)
			if sg == nil || !sg.Defined || sg.RulesOpen {
				decided = false
				break
			}
			names = append(names, sg.Name)
			for _, r := range sg.Rules {
				if r.Direction != graph.Egress || r.MayPermit().Intersect(https).IsEmpty() {
					continue
				}
				switch r.Peer.Kind {
				case graph.PeerCIDR, graph.PeerPrefixList, graph.PeerUnknown:
					possible = true
				case graph.PeerSG:
					if endpointSGs[r.Peer.SG] || !own[c][r.Peer.SG] {
						possible = true
					}
				}
			}
			if target == nil && sg.ClusterSGOf == "" && sg.RemoteAccessOf == "" {
				target = sg
			}
		}
		if !decided {
			p.Skipf(ng.Loc, "%s: the egress rules of some of its security groups are not known", nodeGroupPhrase(ng, c))
			continue
		}
		if possible || target == nil {
			continue
		}
		sites.add(about(clusterIdentity(c), sgSetIdentity(g.Nodes(ng))), target.Loc, ng, nil, fmt.Sprintf("nodes of cluster %q cannot reach AWS APIs: the egress of their security groups (%s) allows no TCP 443 to the internet, a prefix list or a VPC endpoint, so nodes cannot register with EKS or pull images from ECR and S3; add an egress rule for TCP 443 to 0.0.0.0/0, the S3 prefix list or your VPC endpoints' security group on %s.",
			c.DisplayName(), joinNames(names), target.Name))
	}
	sites.report(p)
}
