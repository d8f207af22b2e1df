package eksctl

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// The decoder walks the yaml.v3 node tree into the small structs below,
// keeping every node so that the model can point at the line that caused
// each object. It reads only the fields that shape security groups and
// ignores the rest (it is not a schema validator), but a field it reads
// with the wrong shape (`ssh: true` where eksctl wants a mapping) is an
// error, as it is for eksctl.

// scalar is a string field as written. node is nil when the field is
// absent or null.
type scalar struct {
	key, node *yaml.Node
	value     string
	templated bool
}

func (s scalar) set() bool { return s.node != nil }

// flag is a boolean field: Yes/No when written, Unknown when templated;
// node is nil when absent or null.
type flag struct {
	key, node *yaml.Node
	val       graph.Tri
}

func (f flag) set() bool { return f.node != nil }

// or returns the field's value, or def when it is absent.
func (f flag) or(def graph.Tri) graph.Tri {
	if f.node == nil {
		return def
	}
	return f.val
}

// list is a sequence of strings. open is set when the whole list is a
// template placeholder (its items are unknown).
type list struct {
	key, node *yaml.Node
	items     []scalar
	open      bool
}

func (l list) set() bool { return l.node != nil && (len(l.items) > 0 || l.open) }

type tag struct {
	key, value scalar
}

type config struct {
	root        *yaml.Node
	metadataKey *yaml.Node
	name        scalar
	version     scalar
	tags        []tag
	vpc         vpcConfig
	// ipv6 is kubernetesNetworkConfig.ipFamily IPv6 (Yes/No/Unknown).
	ipv6            graph.Tri
	privateCluster  flag
	skipEndpoints   flag
	remoteCIDRs     []scalar
	remoteOpen      bool
	outpost         *yaml.Node
	nodeGroups      []*nodeGroup
	managedGroups   []*nodeGroup
	nodeGroupsKey   *yaml.Node
	managedGroupKey *yaml.Node
}

type vpcConfig struct {
	key               *yaml.Node
	securityGroup     scalar
	controlPlaneSGs   list
	sharedNodeSG      scalar
	manageSharedRules flag
	cidr              scalar
	extraCIDRs        list
	extraIPv6CIDRs    list
	endpointsKey      *yaml.Node
	publicAccess      flag
	privateAccess     flag
}

type nodeGroup struct {
	managed bool
	index   int
	item    *yaml.Node
	name    scalar
	// path is how errors and notes name the entry ("nodeGroups[2]").
	path string

	securityGroupsKey *yaml.Node
	attachIDs         list
	withShared        flag
	withLocal         flag

	ssh sshConfig
	// legacySSH is the first pre-ssh-block field (allowSSH,
	// sshPublicKeyPath, sshPublicKeyName, SSHPublicKey) the entry uses, and
	// legacyModelled says whether it was read as the ssh block.
	legacySSH         *yaml.Node
	legacyModelled    bool
	privateNetworking flag
	efa               flag
	launchTemplateKey *yaml.Node
	tags              []tag
}

type sshConfig struct {
	key                                     *yaml.Node
	allow                                   flag
	publicKeyName, publicKeyPath, publicKey scalar
	sourceSGs                               list
}

// Error is a config whose shape eksctl would reject, at a position.
type Error = yamltree.Error

func shapeErr(n *yaml.Node, path, want string) error {
	return &Error{Line: n.Line, Column: n.Column,
		Msg: fmt.Sprintf("%s must be %s in an eksctl ClusterConfig, not %s", path, want, describeNode(n))}
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		switch n.ShortTag() {
		case "!!bool":
			return "the boolean " + v
		case "!!int", "!!float":
			return "the number " + v
		}
		return fmt.Sprintf("the string %q", v)
	}
	return "an alias"
}

// templateRE matches envsubst (`${VAR}`, `$VAR`) and Jinja/cookiecutter
// (`{{ … }}`, `{% … %}`) placeholders: such values are not known until the
// file is rendered.
var templateRE = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{|\{%`)

func isTemplated(s string) bool { return templateRE.MatchString(s) }

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// field is one key/value pair of a mapping.
type field struct{ key, value *yaml.Node }

// fields lists a mapping's pairs by key, applying YAML merge keys (`<<:`)
// with explicit keys winning over merged ones. Aliases were expanded by
// yamltree already; the depth bound protects against pathological merges.
func fields(m *yaml.Node) map[string]field {
	out := map[string]field{}
	var walk func(m *yaml.Node, depth int, explicit bool)
	walk = func(m *yaml.Node, depth int, explicit bool) {
		if m == nil || m.Kind != yaml.MappingNode || depth > 8 {
			return
		}
		var merges []*yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if k.Value == "<<" && k.ShortTag() == "!!merge" {
				merges = append(merges, v)
				continue
			}
			if _, seen := out[k.Value]; seen && !explicit {
				continue
			}
			out[k.Value] = field{k, v}
		}
		for _, v := range merges {
			if v.Kind == yaml.SequenceNode {
				for _, s := range v.Content {
					walk(s, depth+1, false)
				}
			} else {
				walk(v, depth+1, false)
			}
		}
	}
	walk(m, 0, true)
	return out
}

// decoder reads one mapping with error paths.
type decoder struct {
	path string
	f    map[string]field
}

// mapping opens a mapping-valued field (nil decoder when absent or null).
func (d *decoder) mapping(name string) (*decoder, *yaml.Node, error) {
	fl, ok := d.f[name]
	if !ok || isNull(fl.value) {
		return nil, fl.key, nil
	}
	if fl.value.Kind != yaml.MappingNode {
		return nil, fl.key, shapeErr(fl.value, d.path+name, "a mapping")
	}
	return &decoder{path: d.path + name + ".", f: fields(fl.value)}, fl.key, nil
}

func (d *decoder) scalar(name string) (scalar, error) {
	fl, ok := d.f[name]
	if !ok || isNull(fl.value) {
		return scalar{}, nil
	}
	if fl.value.Kind != yaml.ScalarNode {
		return scalar{}, shapeErr(fl.value, d.path+name, "a string")
	}
	return scalar{key: fl.key, node: fl.value, value: fl.value.Value, templated: isTemplated(fl.value.Value)}, nil
}

// flag reads a boolean. eksctl decodes with YAML 1.1 rules (sigs.k8s.io/yaml
// on go-yaml v2), so yes/no/on/off count too; quoted "true"/"false" are
// accepted as well rather than failing the whole file.
func (d *decoder) flag(name string) (flag, error) {
	fl, ok := d.f[name]
	if !ok || isNull(fl.value) {
		return flag{}, nil
	}
	n := fl.value
	if n.Kind != yaml.ScalarNode {
		return flag{}, shapeErr(n, d.path+name, "a boolean")
	}
	switch strings.ToLower(strings.TrimSpace(n.Value)) {
	case "true", "yes", "on", "y":
		return flag{key: fl.key, node: n, val: graph.Yes}, nil
	case "false", "no", "off", "n":
		return flag{key: fl.key, node: n, val: graph.No}, nil
	}
	if isTemplated(n.Value) {
		return flag{key: fl.key, node: n, val: graph.Unknown}, nil
	}
	return flag{}, shapeErr(n, d.path+name, "a boolean")
}

// list reads a list of strings; a template placeholder in place of the
// list leaves it open.
func (d *decoder) list(name string) (list, error) {
	fl, ok := d.f[name]
	if !ok || isNull(fl.value) {
		return list{}, nil
	}
	n := fl.value
	l := list{key: fl.key, node: n}
	switch {
	case n.Kind == yaml.ScalarNode && isTemplated(n.Value):
		l.open = true
		return l, nil
	case n.Kind != yaml.SequenceNode:
		return list{}, shapeErr(n, d.path+name, "a list")
	}
	for i, it := range n.Content {
		if isNull(it) {
			continue
		}
		if it.Kind != yaml.ScalarNode {
			return list{}, shapeErr(it, fmt.Sprintf("%s%s[%d]", d.path, name, i), "a string")
		}
		v := strings.TrimSpace(it.Value)
		if v == "" {
			continue
		}
		l.items = append(l.items, scalar{node: it, value: v, templated: isTemplated(v)})
	}
	return l, nil
}

// tags reads a string-to-string mapping (metadata.tags, nodeGroups[].tags).
func (d *decoder) tags(name string) ([]tag, error) {
	fl, ok := d.f[name]
	if !ok || isNull(fl.value) {
		return nil, nil
	}
	n := fl.value
	if n.Kind != yaml.MappingNode {
		return nil, shapeErr(n, d.path+name, "a mapping of strings")
	}
	var out []tag
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, shapeErr(k, d.path+name, "a mapping of strings")
		}
		if k.Value == "<<" && k.ShortTag() == "!!merge" {
			continue // merged tags are rare; fields() already resolved the shape
		}
		t := tag{key: scalar{node: k, value: k.Value, templated: isTemplated(k.Value)}}
		if !isNull(v) {
			if v.Kind != yaml.ScalarNode {
				return nil, shapeErr(v, d.path+name+"."+k.Value, "a string")
			}
			t.value = scalar{node: v, value: v.Value, templated: isTemplated(v.Value)}
		}
		out = append(out, t)
	}
	return out, nil
}

// decode reads a ClusterConfig document.
func decode(doc *yaml.Node) (*config, error) {
	r := yamltree.Root(doc)
	if r == nil || r.Kind != yaml.MappingNode {
		return nil, &Error{Line: 1, Column: 1, Msg: "an eksctl ClusterConfig must be a mapping"}
	}
	top := &decoder{f: fields(r)}
	c := &config{root: r}
	var err error

	md, mdKey, err := top.mapping("metadata")
	if err != nil {
		return nil, err
	}
	c.metadataKey = mdKey
	if md != nil {
		if c.name, err = md.scalar("name"); err != nil {
			return nil, err
		}
		if c.version, err = md.scalar("version"); err != nil {
			return nil, err
		}
		if c.tags, err = md.tags("tags"); err != nil {
			return nil, err
		}
	}

	if err := c.decodeVPC(top); err != nil {
		return nil, err
	}

	c.ipv6 = graph.No
	if knc, _, err := top.mapping("kubernetesNetworkConfig"); err != nil {
		return nil, err
	} else if knc != nil {
		fam, err := knc.scalar("ipFamily")
		if err != nil {
			return nil, err
		}
		switch {
		case fam.templated:
			c.ipv6 = graph.Unknown
		case strings.EqualFold(fam.value, "ipv6"):
			c.ipv6 = graph.Yes
		}
	}

	if pc, _, err := top.mapping("privateCluster"); err != nil {
		return nil, err
	} else if pc != nil {
		if c.privateCluster, err = pc.flag("enabled"); err != nil {
			return nil, err
		}
		if c.skipEndpoints, err = pc.flag("skipEndpointCreation"); err != nil {
			return nil, err
		}
	}

	if err := c.decodeRemoteNetworks(top); err != nil {
		return nil, err
	}

	if op, opKey, err := top.mapping("outpost"); err != nil {
		return nil, err
	} else if op != nil {
		arn, err := op.scalar("controlPlaneOutpostARN")
		if err != nil {
			return nil, err
		}
		if arn.set() {
			c.outpost = opKey
		}
	}

	if c.nodeGroups, c.nodeGroupsKey, err = decodeNodeGroups(top, "nodeGroups", false); err != nil {
		return nil, err
	}
	if c.managedGroups, c.managedGroupKey, err = decodeNodeGroups(top, "managedNodeGroups", true); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *config) decodeVPC(top *decoder) error {
	vpc, key, err := top.mapping("vpc")
	if err != nil || vpc == nil {
		return err
	}
	v := &c.vpc
	v.key = key
	if v.securityGroup, err = vpc.scalar("securityGroup"); err != nil {
		return err
	}
	if v.controlPlaneSGs, err = vpc.list("controlPlaneSecurityGroupIDs"); err != nil {
		return err
	}
	if v.sharedNodeSG, err = vpc.scalar("sharedNodeSecurityGroup"); err != nil {
		return err
	}
	if v.manageSharedRules, err = vpc.flag("manageSharedNodeSecurityGroupRules"); err != nil {
		return err
	}
	if v.cidr, err = vpc.scalar("cidr"); err != nil {
		return err
	}
	if v.extraCIDRs, err = vpc.list("extraCIDRs"); err != nil {
		return err
	}
	if v.extraIPv6CIDRs, err = vpc.list("extraIPv6CIDRs"); err != nil {
		return err
	}
	ep, epKey, err := vpc.mapping("clusterEndpoints")
	if err != nil {
		return err
	}
	if ep != nil {
		v.endpointsKey = epKey
		if v.publicAccess, err = ep.flag("publicAccess"); err != nil {
			return err
		}
		if v.privateAccess, err = ep.flag("privateAccess"); err != nil {
			return err
		}
	}
	return nil
}

// decodeRemoteNetworks reads the hybrid-node CIDRs
// (remoteNetworkConfig.remoteNodeNetworks[].cidrs and remotePodNetworks[].cidrs).
func (c *config) decodeRemoteNetworks(top *decoder) error {
	rn, _, err := top.mapping("remoteNetworkConfig")
	if err != nil || rn == nil {
		return err
	}
	for _, name := range []string{"remoteNodeNetworks", "remotePodNetworks"} {
		fl, ok := rn.f[name]
		if !ok || isNull(fl.value) {
			continue
		}
		if fl.value.Kind == yaml.ScalarNode && isTemplated(fl.value.Value) {
			c.remoteOpen = true
			continue
		}
		if fl.value.Kind != yaml.SequenceNode {
			return shapeErr(fl.value, rn.path+name, "a list")
		}
		for i, it := range fl.value.Content {
			if isNull(it) {
				continue
			}
			if it.Kind != yaml.MappingNode {
				return shapeErr(it, fmt.Sprintf("%s%s[%d]", rn.path, name, i), "a mapping")
			}
			d := &decoder{path: fmt.Sprintf("%s%s[%d].", rn.path, name, i), f: fields(it)}
			l, err := d.list("cidrs")
			if err != nil {
				return err
			}
			c.remoteCIDRs = append(c.remoteCIDRs, l.items...)
			c.remoteOpen = c.remoteOpen || l.open
		}
	}
	return nil
}

func decodeNodeGroups(top *decoder, name string, managed bool) ([]*nodeGroup, *yaml.Node, error) {
	fl, ok := top.f[name]
	if !ok || isNull(fl.value) {
		return nil, fl.key, nil
	}
	if fl.value.Kind != yaml.SequenceNode {
		return nil, fl.key, shapeErr(fl.value, name, "a list")
	}
	var out []*nodeGroup
	for i, it := range fl.value.Content {
		path := fmt.Sprintf("%s[%d]", name, i)
		if isNull(it) {
			continue
		}
		if it.Kind != yaml.MappingNode {
			return nil, fl.key, shapeErr(it, path, "a mapping")
		}
		ng, err := decodeNodeGroup(&decoder{path: path + ".", f: fields(it)}, it, path, i, managed)
		if err != nil {
			return nil, fl.key, err
		}
		out = append(out, ng)
	}
	return out, fl.key, nil
}

func decodeNodeGroup(d *decoder, item *yaml.Node, path string, index int, managed bool) (*nodeGroup, error) {
	ng := &nodeGroup{managed: managed, index: index, item: item, path: path}
	var err error
	if ng.name, err = d.scalar("name"); err != nil {
		return nil, err
	}
	if ng.privateNetworking, err = d.flag("privateNetworking"); err != nil {
		return nil, err
	}
	if ng.efa, err = d.flag("efaEnabled"); err != nil {
		return nil, err
	}
	if ng.tags, err = d.tags("tags"); err != nil {
		return nil, err
	}
	sg, sgKey, err := d.mapping("securityGroups")
	if err != nil {
		return nil, err
	}
	if sg != nil {
		ng.securityGroupsKey = sgKey
		if ng.attachIDs, err = sg.list("attachIDs"); err != nil {
			return nil, err
		}
		if ng.withShared, err = sg.flag("withShared"); err != nil {
			return nil, err
		}
		if ng.withLocal, err = sg.flag("withLocal"); err != nil {
			return nil, err
		}
	}
	ssh, sshKey, err := d.mapping("ssh")
	if err != nil {
		return nil, err
	}
	if ssh != nil {
		s := &ng.ssh
		s.key = sshKey
		if s.allow, err = ssh.flag("allow"); err != nil {
			return nil, err
		}
		if s.publicKeyName, err = ssh.scalar("publicKeyName"); err != nil {
			return nil, err
		}
		if s.publicKeyPath, err = ssh.scalar("publicKeyPath"); err != nil {
			return nil, err
		}
		if s.publicKey, err = ssh.scalar("publicKey"); err != nil {
			return nil, err
		}
		if s.sourceSGs, err = ssh.list("sourceSecurityGroupIds"); err != nil {
			return nil, err
		}
	}
	if err := decodeLegacySSH(d, ng, ssh != nil); err != nil {
		return nil, err
	}
	lt, ltKey, err := d.mapping("launchTemplate")
	if err != nil {
		return nil, err
	}
	if lt != nil {
		ng.launchTemplateKey = ltKey
	}
	return ng, nil
}

// legacySSHFields are the node-group fields of eksctl's schema before the
// ssh block (eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha4 and early
// v1alpha5 types.go: `AllowSSH bool json:"allowSSH"`, `SSHPublicKeyPath`,
// `SSHPublicKey`, `SSHPublicKeyName`).
var legacySSHFields = []string{"allowSSH", "sshPublicKeyPath", "sshPublicKeyName", "SSHPublicKey"}

// decodeLegacySSH reads the old SSH fields of a self-managed node group as
// the ssh block they became. In that schema allowSSH alone decides: the
// builder adds SSHIPv4 (0.0.0.0/0, or the VPC CIDR with privateNetworking)
// and SSHIPv6 (::/0) to the node group's own SG `if n.spec.AllowSSH`, and
// uses the key name only then (pkg/cfn/builder/nodegroup.go of that time,
// addResourcesForSecurityGroups and addResourcesForNodeGroup), so a key
// without allowSSH opens nothing. Those versions had no managed node groups:
// there the fields are left unmodelled (build notifies).
func decodeLegacySSH(d *decoder, ng *nodeGroup, hasBlock bool) error {
	for _, name := range legacySSHFields {
		if fl, ok := d.f[name]; ok && ng.legacySSH == nil {
			ng.legacySSH = fl.key
		}
	}
	if ng.legacySSH == nil || hasBlock || ng.managed {
		return nil
	}
	allow, err := d.flag("allowSSH")
	if err != nil {
		return err
	}
	ng.legacyModelled = true
	if allow.set() {
		ng.ssh.key, ng.ssh.allow = allow.key, allow
	}
	return nil
}
