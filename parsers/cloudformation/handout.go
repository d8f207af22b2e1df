package cloudformation

import (
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// RULES.md, "Groups a stack creates": a group a template creates is not
// among the groups of a control plane or node group defined outside it
// unless the template hands it out. markPrivateGroups records, on each
// group the template defines, whether it provably stays inside: every
// reference to it is in a rule of a group (GroupId, source, destination)
// or in a property through which a resource of this template is placed in
// it (the generated catalog), and no such resource that could carry it to
// nodes elsewhere (a launch template, launch configuration or network
// interface) is itself handed out. Anything else (an Output or Export, a
// nested stack's Parameters, a custom resource, an SSM parameter, a string
// built with Fn::Sub) hands it out.

// ruleGroupPaths are the properties of the EC2 rule resources (and inline
// rules) that name a group without handing it out.
var ruleGroupPaths = map[string]map[string]bool{
	"AWS::EC2::SecurityGroup": {
		"SecurityGroupIngress.SourceSecurityGroupId": true, "SecurityGroupIngress.SourceSecurityGroupName": true,
		"SecurityGroupEgress.DestinationSecurityGroupId": true,
	},
	"AWS::EC2::SecurityGroupIngress": {
		"GroupId": true, "GroupName": true, "SourceSecurityGroupId": true, "SourceSecurityGroupName": true,
	},
	"AWS::EC2::SecurityGroupEgress": {"GroupId": true, "DestinationSecurityGroupId": true},
}

// carriers are resource types whose groups reach nodes wherever the
// resource itself is used.
var carriers = map[string]bool{
	"AWS::EC2::LaunchTemplate": true, "AWS::AutoScaling::LaunchConfiguration": true, "AWS::EC2::NetworkInterface": true,
}

// carrierUsers are resource types that use a carrier of this template as
// nodes or instances of this template.
var carrierUsers = map[string]bool{
	"AWS::AutoScaling::AutoScalingGroup": true, "AWS::EKS::Nodegroup": true, "AWS::EC2::Instance": true,
	"AWS::EC2::NetworkInterfaceAttachment": true,
}

// localPath reports whether a property path of a resource type names a
// group without handing it out.
func localPath(typ, path string) bool {
	if ruleGroupPaths[typ][path] {
		return true
	}
	if strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource" {
		return false
	}
	for _, p := range sgPropertiesOf(typ) {
		if strings.ReplaceAll(p.Path, "[]", "") == path {
			return true
		}
	}
	return false
}

func (t *template) markPrivateGroups() {
	if t.hasMacro || t.fragment {
		return // a macro may rewrite anything; a fragment's Outputs are not seen
	}
	handedOut := map[string]bool{}   // logical IDs referenced from a non-local place
	carried := map[string][]string{} // carrier logical ID -> groups it references
	pathBuf := make([]string, 0, 16)
	for _, r := range t.order {
		if r.exists == graph.No {
			continue
		}
		p := yamltree.Get(r.node, "Properties")
		t.walkRefs(p, pathBuf[:0], 0, func(id, path string) {
			target := t.resources[id]
			if target == nil {
				return
			}
			if target.typ == "AWS::EC2::SecurityGroup" && carriers[r.typ] && localPath(r.typ, path) {
				carried[r.id] = append(carried[r.id], id)
				return
			}
			if carriers[target.typ] && carrierUsers[r.typ] {
				return // nodes of this template
			}
			if !localPath(r.typ, path) {
				handedOut[id] = true
			}
		})
	}
	t.walkRefs(t.outputs, pathBuf[:0], 0, func(id, _ string) { handedOut[id] = true })
	for carrier, groups := range carried {
		for _, g := range groups {
			if handedOut[carrier] {
				handedOut[g] = true
			}
		}
	}
	for _, sg := range t.doc.SGs {
		if sg.Resource != "" && sg.Defined && !handedOut[sg.Resource] {
			if r := t.resources[sg.Resource]; r != nil && r.typ == "AWS::EC2::SecurityGroup" {
				sg.PrivateTo = t.file
			}
		}
	}
}

// walkRefs calls found for every logical ID a node refers to (Ref, GetAtt,
// ${X} in Fn::Sub), with the property path of mapping keys leading to it
// (list positions and intrinsic functions are looked through).
func (t *template) walkRefs(n *yaml.Node, path []string, depth int, found func(id, path string)) {
	if n == nil || depth > maxEvalDepth*4 {
		return
	}
	if fn, arg, ok := intrinsic(n); ok {
		p := strings.Join(path, ".")
		switch fn {
		case "Ref":
			if arg.Kind == yaml.ScalarNode {
				found(arg.Value, p)
			}
			return
		case "Fn::GetAtt":
			if res, _ := getAttArgs(arg); res != "" {
				found(res, p)
			}
			return
		case "Fn::Sub":
			str := arg
			if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
				str = arg.Content[0]
				for _, v := range arg.Content[1:] {
					t.walkRefs(v, path, depth+1, found)
				}
			}
			if str.Kind == yaml.ScalarNode {
				for _, name := range subNames(str.Value) {
					res, _, _ := strings.Cut(name, ".")
					found(res, p)
				}
			}
			return
		}
		t.walkRefs(arg, path, depth+1, found)
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			// found gets the path as a string and no call keeps the
			// slice, so siblings reuse one backing array.
			t.walkRefs(n.Content[i+1], append(path, n.Content[i].Value), depth+1, found)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			t.walkRefs(c, path, depth+1, found)
		}
	}
}

// subNames lists the ${Name} references of an Fn::Sub string (not ${!Literal}).
func subNames(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		if name := s[i+2 : i+j]; !strings.HasPrefix(name, "!") {
			out = append(out, name)
		}
		s = s[i+j+1:]
	}
}
