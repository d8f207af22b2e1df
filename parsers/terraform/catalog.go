package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// attachmentPaths lists the arguments of a resource through which it places
// network interfaces in security groups: the generated catalog
// (sgcatalog_gen.go, top-level arguments from tflint-ruleset-aws's
// argument-to-API-shape mappings), plus any argument of the resource's
// body, at any depth, named as the AWS provider names such arguments
// (security_group_ids, vpc_security_group_ids, security_groups,
// security_group_names: lambda's vpc_config, ECS's network_configuration,
// MSK's broker_node_group_info, … which the mappings do not cover).
func attachmentPaths(typ string, body hcl.Body) []string {
	if notAttachments[typ] {
		return nil
	}
	seen := map[string]bool{}
	for _, p := range sgAttachmentCatalog[typ] {
		seen[p] = true
	}
	conventionPaths(body, "", 0, seen)
	if strings.HasSuffix(typ, "_sg_attachment") || strings.HasSuffix(typ, "_security_group_association") {
		seen["security_group_id"] = true // one group attached by a resource of its own
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

var conventionNames = map[string]bool{
	"security_group_ids": true, "vpc_security_group_ids": true, "security_groups": true, "security_group_names": true,
}

func conventionPaths(body hcl.Body, prefix string, depth int, seen map[string]bool) {
	if depth > 8 {
		return
	}
	attrs, blocks := bodyContent(body)
	for name := range attrs {
		if conventionNames[name] {
			seen[prefix+name] = true
		}
	}
	for _, b := range blocks {
		typ, inner := b.Type, b.Body
		if typ == "dynamic" && len(b.Labels) == 1 {
			typ = b.Labels[0]
			_, cs := bodyContent(b.Body)
			inner = nil
			for _, c := range cs {
				if c.Type == "content" {
					inner = c.Body
				}
			}
			if inner == nil {
				continue
			}
		}
		if typ == "ingress" || typ == "egress" || typ == "lifecycle" {
			continue
		}
		conventionPaths(inner, prefix+typ+"[].", depth+1, seen)
	}
}

// notAttachments are types whose group arguments are not placements:
// groups and their rules (a rule's group and peers), the cluster itself
// (a control-plane group shared by clusters is EKSSG010's), and the node
// group's remote access (its source groups are peers).
var notAttachments = map[string]bool{
	"aws_security_group": true, "aws_default_security_group": true, "aws_security_group_rule": true,
	"aws_vpc_security_group_ingress_rule": true, "aws_vpc_security_group_egress_rule": true,
	"aws_eks_cluster": true, "aws_eks_node_group": true,
}
