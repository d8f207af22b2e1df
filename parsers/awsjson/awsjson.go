// Package awsjson reads AWS CLI JSON output (describe-security-groups,
// describe-security-group-rules, eks describe-cluster and describe-nodegroup,
// ec2 describe-instances) into graph facts with positions.
//
// The output is a snapshot of live state, so it is read as what it says and
// nothing more: a group's egress is exactly IpPermissionsEgress (no implicit
// default), and groups, clusters and instances are keyed by their physical
// IDs and names, which are global to a scan, so a describe-cluster dump links
// up with a describe-security-groups dump, an eksctl config or a template.
//
// Every output may also come wrapped as a cloud-custodian placebo recording,
// {"status_code": 200, "data": {...}}; the wrapper, ResponseMetadata and
// NextToken are ignored. JSON is parsed through the yaml node tree (package
// yamltree), so every object has a line and column; YAML output of the CLI
// (--output yaml) reads the same way.
package awsjson

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// The kinds of output Detect recognises.
const (
	KindSecurityGroups     = "describe-security-groups"
	KindSecurityGroupRules = "describe-security-group-rules"
	KindCluster            = "describe-cluster"
	KindNodegroup          = "describe-nodegroup"
	KindInstances          = "describe-instances"
)

// Detect names the kind of AWS CLI output a document is, or "".
func Detect(doc *yaml.Node) string {
	kind, _ := detect(doc)
	return kind
}

// detect finds the kind and the object holding the output (inside a placebo
// wrapper, if any).
//
// The top-level keys of the EC2 outputs (SecurityGroups, SecurityGroupRules,
// Reservations) are specific enough on their own, so a document that has one
// with the wrong shape is still recognised and then rejected with a
// positioned error. "cluster" and "nodegroup" are common words in other
// configuration files (Helm values, say), so those need an EKS field too.
func detect(doc *yaml.Node) (string, *yaml.Node) {
	root := unwrap(yamltree.Root(doc))
	if root == nil || root.Kind != yaml.MappingNode {
		return "", nil
	}
	switch {
	case yamltree.Key(root, "SecurityGroups") != nil:
		return KindSecurityGroups, root
	case yamltree.Key(root, "SecurityGroupRules") != nil:
		return KindSecurityGroupRules, root
	case yamltree.Key(root, "Reservations") != nil:
		return KindInstances, root
	}
	if c := mapGet(root, "cluster"); c != nil && c.Kind == yaml.MappingNode {
		arn, _ := str(mapGet(c, "arn"))
		if mapGet(c, "resourcesVpcConfig") != nil || strings.Contains(arn, ":eks:") {
			return KindCluster, root
		}
	}
	if ng := mapGet(root, "nodegroup"); ng != nil && ng.Kind == yaml.MappingNode {
		if mapGet(ng, "nodegroupName") != nil || mapGet(ng, "nodegroupArn") != nil {
			return KindNodegroup, root
		}
	}
	return "", nil
}

// unwrap returns the recorded response of a placebo recording
// ({"status_code": 200, "data": {...}}), or the object itself.
func unwrap(root *yaml.Node) *yaml.Node {
	if root == nil || root.Kind != yaml.MappingNode || mapGet(root, "status_code") == nil {
		return root
	}
	if data := mapGet(root, "data"); data != nil && data.Kind == yaml.MappingNode {
		return data
	}
	return root
}

// Parse reads one document of the kind Detect named. A document whose
// structure is wrong (SecurityGroups not a list, a group without GroupId)
// is an *Error with the position of the offending node; wrong values inside
// a well-formed document (IpProtocol "banana", a CIDR that does not parse)
// become unknown facts instead.
func Parse(file string, doc *yaml.Node) (*graph.Document, error) {
	kind, root := detect(doc)
	p := &parser{file: file, doc: &graph.Document{File: file, Aliases: map[graph.SGKey]graph.SGKey{}}}
	var err error
	switch kind {
	case KindSecurityGroups:
		err = p.securityGroups(root)
	case KindSecurityGroupRules:
		err = p.securityGroupRules(root)
	case KindCluster:
		err = p.cluster(mapGet(root, "cluster"))
	case KindNodegroup:
		err = p.nodegroup(mapGet(root, "nodegroup"))
	case KindInstances:
		err = p.instances(root)
	default:
		at := yamltree.Root(doc)
		if at == nil {
			at = doc
		}
		return nil, errorAt(at, "not an AWS CLI describe-* output this tool reads")
	}
	if err != nil {
		return nil, err
	}
	return p.doc, nil
}

// Error is a structural error at a position in the file.
type Error = yamltree.Error

func errorAt(n *yaml.Node, format string, args ...any) error {
	e := &Error{Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

type parser struct {
	file string
	doc  *graph.Document
}

// loc is a node's location; scalar nodes also get an end column.
func (p *parser) loc(n *yaml.Node) graph.Location { return yamltree.Loc(p.file, n) }

func (p *parser) note(n *yaml.Node, format string, args ...any) {
	p.doc.Notifications = append(p.doc.Notifications, graph.Notification{
		Level: "note", Loc: p.loc(n), Message: fmt.Sprintf(format, args...),
	})
}

// ---- node helpers ----

// mapGet returns the value of key in a mapping node (the last one, should
// duplicates survive), or nil. A JSON null counts as absent.
func mapGet(m *yaml.Node, key string) *yaml.Node {
	if n := yamltree.Get(m, key); !isNull(n) {
		return n
	}
	return nil
}

// rawGet is mapGet that keeps a null value (for messages).
func rawGet(m *yaml.Node, key string) *yaml.Node { return yamltree.Get(m, key) }

func isNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// str returns a scalar's text as written; false for anything else.
func str(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return "", false
	}
	return n.Value, true
}

// id returns a non-empty identifier (GroupId, name) with surrounding blanks
// removed; false when absent, empty or not a scalar.
func id(n *yaml.Node) (string, bool) {
	s, ok := str(n)
	s = strings.TrimSpace(s)
	return s, ok && s != ""
}

// integer reads a JSON number or a string holding one ("22", 22, 22.0).
func integer(n *yaml.Node) (int, bool) {
	s, ok := str(n)
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	if v, err := strconv.Atoi(s); err == nil {
		return v, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) || f > 1<<31 || f < -1<<31 {
		return 0, false
	}
	return int(f), true
}

// boolean reads true/false (JSON booleans, or the strings).
func boolean(n *yaml.Node) graph.Tri {
	s, ok := str(n)
	if !ok {
		return graph.Unknown
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return graph.Yes
	case "false":
		return graph.No
	}
	return graph.Unknown
}

// shape names a node's kind for messages.
func shape(n *yaml.Node) string {
	switch {
	case n == nil:
		return "missing"
	case isNull(n):
		return "null"
	case n.Kind == yaml.MappingNode:
		return "an object"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		return fmt.Sprintf("the value %q", truncate(n.Value))
	}
	return "not a value"
}

func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}

// list returns the items of a sequence; ok is false when n is present and
// not a sequence. An absent node (or null) is an empty list.
func list(n *yaml.Node) ([]*yaml.Node, bool) {
	if n == nil {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	return n.Content, true
}

// tag is one Key/Value pair of an EC2 Tags list.
type tag struct {
	key, value string
	keyNode    *yaml.Node
}

// readTags reads an EC2 Tags list ([{"Key": …, "Value": …}]); ok is false
// when some entry could not be read. Absent Tags means no tags (the API
// omits the key for an untagged resource); a missing Value is "".
func readTags(n *yaml.Node) ([]tag, bool) {
	items, ok := list(n)
	var out []tag
	for _, it := range items {
		k, kok := str(mapGet(it, "Key"))
		if it.Kind != yaml.MappingNode || !kok {
			ok = false
			continue
		}
		v, _ := str(mapGet(it, "Value"))
		out = append(out, tag{key: k, value: v, keyNode: mapGet(it, "Key")})
	}
	return out, ok
}
