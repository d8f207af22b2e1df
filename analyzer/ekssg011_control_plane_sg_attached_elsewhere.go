package analyzer

import (
	"fmt"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

// ControlPlaneSGAttachedElsewhere is EKSSG011.
var ControlPlaneSGAttachedElsewhere = register(&Analyzer{
	ID:    "EKSSG011",
	Name:  "control-plane-sg-attached-elsewhere",
	Level: LevelWarning,
	Short: "A control-plane security group is also attached to another resource.",
	Full: "A control-plane security group (ResourcesVpcConfig.SecurityGroupIds, not the cluster security " +
		"group) should be dedicated to the control plane: AWS warns that sharing it with other resources " +
		"can block or disrupt connections to them. This rule fires when the same group is also attached to " +
		"another resource's network interfaces: a launch template or instance of nodes, a load balancer, " +
		"a database, a function, a VPC endpoint. Using the group as a rule's source or destination, " +
		"exporting it, or passing it to a custom resource is not an attachment; another cluster is EKSSG010.",
	Help: "Give the other resource a security group of its own and allow the traffic it needs with " +
		"rules that reference the control-plane group as a source or destination.",
	SecuritySeverity: "5.0",
	Tags:             []string{"eks", "security-group", "control-plane"},
	Run:              runControlPlaneSGAttachedElsewhere,
})

func runControlPlaneSGAttachedElsewhere(p *Pass) {
	g := p.Graph
	// Attachments by group, in graph order: scanning every attachment for
	// every control-plane group is quadratic in a large scan.
	bySG := map[graph.SGKey][]int{}
	for i, a := range g.Attachments {
		if a.Certain && a.ResourceType != "AWS::EKS::Cluster" {
			bySG[a.SG] = append(bySG[a.SG], i)
		}
	}
	byAttachment := map[int]bool{}
	for _, c := range g.Clusters {
		if !c.Defined {
			continue
		}
		for _, m := range graph.Distinct(c.ControlPlaneSGs) {
			sg := g.SG(m.SG)
			if !m.Certain || sg == nil || sg.ClusterSGOf != "" {
				continue
			}
			for _, i := range bySG[m.SG] {
				a := g.Attachments[i]
				if byAttachment[i] {
					continue
				}
				byAttachment[i] = true
				p.Reportf(about(sgIdentity(m.SG), "attached="+a.Resource+"."+a.Property), a.Loc, []Related{{Loc: m.Loc, Message: fmt.Sprintf("control-plane security group of cluster %q", c.DisplayName())}},
					"control-plane security group %s of cluster %q is also attached to %s %s (%s); AWS recommends a dedicated control-plane security group. Give %s a security group of its own.",
					sg.Name, c.DisplayName(), a.ResourceType, a.Resource, a.Property, a.Resource)
			}
		}
	}
}
