package analyzer

import (
	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// PrivateEndpointWithoutClientAccess is EKSSG027.
var PrivateEndpointWithoutClientAccess = register(&Analyzer{
	ID:    "EKSSG027",
	Name:  "private-endpoint-without-client-access",
	Level: LevelNote,
	Short: "A private-only cluster endpoint admits TCP 443 from nothing but its nodes.",
	Full: "With endpoint private access on and public access off, kubectl and CI reach the API server only " +
		"through the control plane's network interfaces in the VPC. AWS: any security group that " +
		"originates API server client traffic (such as kubectl on a bastion host in the VPC) must be " +
		"admitted on TCP 443. This rule fires when every control-plane security group is known and no " +
		"ingress rule on them (nor a rule added to the cluster security group) admits TCP 443 from " +
		"anything but the cluster's node security groups and the cluster security group itself, and no " +
		"resource of the files other than the cluster's nodes carries the cluster security group (a bastion, " +
		"CI runner or CDK's kubectl function placed in the cluster security group is a client path).",
	Help: "Add an ingress rule for TCP 443 from your bastion's or CI runner's security group (or your VPN " +
		"or office CIDR) to the control-plane security group.",
	SecuritySeverity: "2.0",
	Tags:             []string{"eks", "security-group", "endpoint"},
	Run:              runPrivateEndpointWithoutClientAccess,
})

func runPrivateEndpointWithoutClientAccess(p *Pass) {
	g := p.Graph
	https := tcp(443, 443)
	_, byCluster := nodeGroupsByCluster(g)
	for _, c := range g.Clusters {
		if !c.Defined || c.EndpointPrivate != graph.Yes || c.EndpointPublic != graph.No {
			continue
		}
		cp := g.ControlPlane(c)
		if cp.Open {
			p.Skipf(c.Loc, "cluster %q has a private-only endpoint, but not all of its control-plane security groups are known", c.DisplayName())
			continue
		}
		inside := map[graph.SGKey]bool{c.ClusterSG: true}
		for _, ng := range byCluster[c] {
			for _, m := range ng.SGs {
				inside[m.SG] = true
			}
		}
		clients, decided := false, true
		for _, m := range graph.Distinct(cp.SGs) {
			sg := g.SG(m.SG)
			if sg == nil || !sg.Defined || sg.RulesOpen {
				decided = false
				break
			}
			for _, r := range sg.Rules {
				if r.Direction != graph.Ingress || r.Implicit != "" || r.MayPermit().Intersect(https).IsEmpty() {
					continue
				}
				if r.Peer.Kind == graph.PeerSG && inside[r.Peer.SG] {
					continue // its own nodes or the cluster SG, not a client
				}
				clients = true
			}
		}
		if !decided {
			p.Skipf(c.Loc, "cluster %q has a private-only endpoint, but the rules of some control-plane security groups are not known", c.DisplayName())
			continue
		}
		if clients || len(g.ClusterSGClients(c, byCluster[c])) > 0 {
			continue // a resource in the cluster SG (a bastion, CDK's kubectl function) is a client path
		}
		p.Reportf(about(clusterIdentity(c)), c.Loc, nil, "cluster %q has only a private endpoint, but its control-plane security groups (%s) admit TCP 443 from nothing but its nodes: kubectl from a bastion or CI runner in the VPC cannot connect. Add an ingress rule for TCP 443 from the clients' security group or network.",
			c.DisplayName(), endpointSGNames(g, cp))
	}
}
