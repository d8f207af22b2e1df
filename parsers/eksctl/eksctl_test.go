package eksctl_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/eksctl"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

const file = "c.yaml"

func parse(t *testing.T, src string) *graph.Document {
	t.Helper()
	docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{})
	if err != nil {
		t.Fatalf("yaml: %v", err)
	}
	if len(docs) != 1 || !eksctl.IsClusterConfig(docs[0]) {
		t.Fatalf("want one ClusterConfig document, got %d", len(docs))
	}
	d, err := eksctl.Parse(file, docs[0])
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

func parseErr(t *testing.T, src string) *eksctl.Error {
	t.Helper()
	docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{})
	if err != nil {
		t.Fatalf("yaml: %v", err)
	}
	_, err = eksctl.Parse(file, docs[0])
	var e *eksctl.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *eksctl.Error, got %v", err)
	}
	return e
}

func sgOf(t *testing.T, d *graph.Document, key graph.SGKey) *graph.SecurityGroup {
	t.Helper()
	for _, sg := range d.SGs {
		if sg.Key == key {
			return sg
		}
	}
	var keys []string
	for _, sg := range d.SGs {
		keys = append(keys, string(sg.Key))
	}
	t.Fatalf("no group %s; have %v", key, keys)
	return nil
}

func hasSG(d *graph.Document, key graph.SGKey) bool {
	for _, sg := range d.SGs {
		if sg.Key == key {
			return true
		}
	}
	return false
}

func ngOf(t *testing.T, d *graph.Document, name string) *graph.NodeGroup {
	t.Helper()
	for _, ng := range d.NodeGroups {
		if ng.Name == name {
			return ng
		}
	}
	t.Fatalf("no node group %q", name)
	return nil
}

// rulesOn lists every rule on a group, inline or standalone, rendered as
// "dir traffic peer @line certain".
func rulesOn(d *graph.Document, key graph.SGKey) []string {
	var rs []*graph.Rule
	for _, sg := range d.SGs {
		if sg.Key == key {
			rs = append(rs, sg.Rules...)
		}
	}
	for _, r := range d.Rules {
		if r.SG == key {
			rs = append(rs, r)
		}
	}
	var out []string
	for _, r := range rs {
		peer := r.Peer.Expr
		if r.Peer.Kind == graph.PeerSG {
			peer = "sg:" + string(r.Peer.SG)
		}
		s := fmt.Sprintf("%s %s %s @%d", r.Direction, r.Traffic(), peer, r.Loc.Line)
		if !r.Certain {
			s += " maybe"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// members renders a node group's groups as "key@line" (+ " maybe").
func members(ms []graph.SGMember) []string {
	var out []string
	for _, m := range ms {
		s := fmt.Sprintf("%s@%d", m.SG, m.Loc.Line)
		if !m.Certain {
			s += " maybe"
		}
		out = append(out, s)
	}
	return out
}

func tagKeys(sg *graph.SecurityGroup) map[string]graph.Tag {
	out := map[string]graph.Tag{}
	for _, tg := range sg.Tags {
		out[tg.Key.String()] = tg
	}
	return out
}

func same(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func TestIsClusterConfig(t *testing.T) {
	cases := map[string]bool{
		"apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n":           true,
		"# c\n---\napiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n": true,
		"apiVersion: eksctl.io/v1alpha4\nkind: ClusterConfig\n":           true,
		"apiVersion: eksctl.io/v1alpha5\nkind: NodeGroup\n":               false,
		"apiVersion: v1\nkind: ClusterConfig\n":                           false,
		"kind: ClusterConfig\n":                                           false,
		"- apiVersion: eksctl.io/v1alpha5\n":                              false,
		"apiVersion: [eksctl.io/v1alpha5]\nkind: ClusterConfig\n":         false,
	}
	for src, want := range cases {
		docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := eksctl.IsClusterConfig(docs[0]); got != want {
			t.Errorf("IsClusterConfig(%q) = %v, want %v", src, got, want)
		}
	}
	if eksctl.IsClusterConfig(nil) {
		t.Error("nil document")
	}
}

// The defaults of examples/03 and 07: a cluster eksctl creates everything
// for, self-managed node groups, SSH from a key.
func TestSelfManagedDefaults(t *testing.T) {
	d := parse(t, `# comment
---
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: prod
  region: eu-north-1
nodeGroups:
  - name: ng-1
    instanceType: m5.large
    ssh: # import public key from file
      publicKeyPath: ~/.ssh/id_rsa_tests.pub
`)
	if len(d.Clusters) != 1 {
		t.Fatalf("clusters: %d", len(d.Clusters))
	}
	c := d.Clusters[0]
	if c.Key != "name:prod" || c.Name.String() != "prod" || !c.Defined || c.Loc.Line != 6 || c.Loc.Column != 9 {
		t.Errorf("cluster = %+v", c)
	}
	if c.Version.IsKnown() || !c.HasClusterSG() || c.ClusterSG != graph.ClusterSGKey("name:prod") {
		t.Errorf("version %v, cluster SG %q", c.Version, c.ClusterSG)
	}
	if c.EndpointPublic != graph.Yes || c.EndpointPrivate != graph.No {
		t.Errorf("endpoints %v/%v", c.EndpointPublic, c.EndpointPrivate)
	}
	cp := graph.SGKey("eksctl:prod/ControlPlaneSecurityGroup")
	shared := graph.SGKey("eksctl:prod/ClusterSharedNodeSecurityGroup")
	local := graph.SGKey("eksctl:prod/nodegroup/ng-1/SG")
	csg := graph.ClusterSGKey("name:prod")
	same(t, "control-plane SGs", members(c.ControlPlaneSGs), []string{string(cp) + "@6"})

	if sg := sgOf(t, d, cp); sg.Name != "ControlPlaneSecurityGroup (eksctl)" || !sg.Defined || sg.Loc.Line != 6 {
		t.Errorf("CP SG %+v", sg)
	}
	same(t, "CP SG rules", rulesOn(d, cp), []string{
		"egress TCP 1025-65535 sg:" + string(local) + " @9",
		"egress TCP 443 sg:" + string(local) + " @9",
		"egress all traffic 0.0.0.0/0 @6",
		"ingress TCP 443 sg:" + string(local) + " @9",
	})
	same(t, "shared SG rules", rulesOn(d, shared), []string{
		"egress all traffic 0.0.0.0/0 @6",
		"ingress all traffic sg:" + string(csg) + " @6",
		"ingress all traffic sg:" + string(shared) + " @6",
	})
	same(t, "cluster SG rules", rulesOn(d, csg), []string{
		"egress all traffic 0.0.0.0/0 @6",
		"ingress all traffic sg:" + string(csg) + " @6",
		"ingress all traffic sg:" + string(shared) + " @6",
	})
	same(t, "node SG rules", rulesOn(d, local), []string{
		"egress all traffic 0.0.0.0/0 @9",
		"ingress TCP 1025-65535 sg:" + string(cp) + " @9",
		"ingress TCP 22 (SSH) 0.0.0.0/0 @11",
		"ingress TCP 22 (SSH) ::/0 @11",
		"ingress TCP 443 sg:" + string(cp) + " @9",
	})

	// Tags: only the node group's SG carries the cluster tag (sheet §2.2);
	// the cluster SG carries EKS's.
	lt := tagKeys(sgOf(t, d, local))
	if tg, ok := lt["kubernetes.io/cluster/prod"]; !ok || tg.Value.String() != "owned" || tg.Implicit || tg.Loc.Line != 9 {
		t.Errorf("node SG cluster tag: %+v (tags %v)", tg, lt)
	}
	if tg := lt["Name"]; tg.Value.String() != "eksctl-prod-nodegroup-ng-1/SG" {
		t.Errorf("Name tag %q", tg.Value.String())
	}
	for _, k := range []graph.SGKey{cp, shared} {
		if _, ok := tagKeys(sgOf(t, d, k))["kubernetes.io/cluster/prod"]; ok {
			t.Errorf("%s must not carry the cluster tag", k)
		}
		if sgOf(t, d, k).TagsOpen {
			t.Errorf("%s tags open", k)
		}
	}
	if tg := tagKeys(sgOf(t, d, csg))["kubernetes.io/cluster/prod"]; !tg.Implicit {
		t.Errorf("cluster SG tag %+v", tg)
	}
	if sgOf(t, d, csg).ClusterSGOf != "name:prod" {
		t.Error("cluster SG not marked")
	}

	ng := ngOf(t, d, "ng-1")
	if ng.Kind != graph.SelfManagedNodeGroup || ng.ClusterKey != "name:prod" || ng.SGsOpen || ng.Loc.Line != 9 || ng.SGsLoc.Line != 9 {
		t.Errorf("node group %+v", ng)
	}
	same(t, "node SGs", members(ng.SGs), []string{string(shared) + "@9", string(local) + "@9"})

	// Exports of the cluster stack link eksctl-generated node group templates.
	if d.Aliases[graph.ImportSGKey("eksctl-prod-cluster::SecurityGroup")] != cp ||
		d.Aliases[graph.ImportSGKey("eksctl-prod-cluster::SharedNodeSecurityGroup")] != shared ||
		d.Aliases[graph.ImportSGKey("eksctl-prod-cluster::ClusterSecurityGroupId")] != csg {
		t.Errorf("aliases %v", d.Aliases)
	}
}

func TestSSHVariants(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
vpc:
  cidr: 10.2.0.0/16
nodeGroups:
  - name: key-name
    ssh: {publicKeyName: ec2_dev_key}
  - name: key-not-allowed
    ssh:
      publicKeyName: ec2_dev_key
      allow: false
  - name: ssm-only
    ssh: {enableSsm: true}
  - name: from-groups
    ssh:
      allow: true
      sourceSecurityGroupIds: ["sg-00241fbb12c607007", "${BASTION_SG}"]
  - name: private
    privateNetworking: true
    ssh: {allow: true}
  - name: no-local
    securityGroups: {withLocal: false}
    ssh: {allow: true}
managedNodeGroups:
  - name: managed
    ssh: {allow: true}
  - name: managed-private
    privateNetworking: true
    ssh:
      allow: true
      publicKeyName: k
`)
	rules := func(ng string) []string {
		var out []string
		for _, r := range rulesOn(d, graph.SGKey("eksctl:c/nodegroup/"+ng+"/SG")) {
			if strings.Contains(r, "TCP 22 ") {
				out = append(out, r)
			}
		}
		return out
	}
	same(t, "publicKeyName enables SSH", rules("key-name"), []string{"ingress TCP 22 (SSH) 0.0.0.0/0 @8", "ingress TCP 22 (SSH) ::/0 @8"})
	same(t, "allow false", rules("key-not-allowed"), nil)
	same(t, "enableSsm only", rules("ssm-only"), nil)
	unknown := graph.UnknownSGKey(graph.Location{File: file, Line: 18, Column: 56})
	same(t, "source groups", rules("from-groups"), []string{
		"ingress TCP 22 (SSH) sg:sg-00241fbb12c607007 @18",
		"ingress TCP 22 (SSH) sg:" + string(unknown) + " @18",
	})
	same(t, "private networking: VPC CIDR", rules("private"), []string{"ingress TCP 22 (SSH) 10.2.0.0/16 @21"})
	if hasSG(d, "eksctl:c/nodegroup/no-local/SG") {
		t.Error("withLocal: false must create no node group SG")
	}
	same(t, "no-local members", members(ngOf(t, d, "no-local").SGs), []string{"eksctl:c/ClusterSharedNodeSecurityGroup@22"})

	// Managed: the SSH group (MLT), attached after the cluster SG.
	ssh := graph.SGKey("eksctl:c/nodegroup/managed/SSH")
	same(t, "managed SSH rules", rulesOn(d, ssh), []string{
		"egress all traffic 0.0.0.0/0 @27",
		"ingress TCP 22 (SSH) 0.0.0.0/0 @27",
		"ingress TCP 22 (SSH) ::/0 @27",
	})
	if sg := sgOf(t, d, ssh); sg.Name != "nodegroup-managed/SSH (eksctl)" || len(tagKeys(sg)) == 0 {
		t.Errorf("SSH SG %+v", sg)
	} else if _, ok := tagKeys(sg)["kubernetes.io/cluster/c"]; ok {
		t.Error("SSH SG must not carry the cluster tag")
	}
	same(t, "managed members", members(ngOf(t, d, "managed").SGs), []string{
		string(graph.ClusterSGKey("name:c")) + "@26", string(ssh) + "@27"})
	same(t, "managed private SSH", rulesOn(d, "eksctl:c/nodegroup/managed-private/SSH"), []string{
		"egress all traffic 0.0.0.0/0 @30",
		"ingress TCP 22 (SSH) 10.2.0.0/16 @30",
	})
}

func TestDefaultVPCCIDRForPrivateSSH(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
nodeGroups:
  - name: ng
    privateNetworking: true
    ssh: {allow: true}
`)
	got := rulesOn(d, "eksctl:c/nodegroup/ng/SG")
	if !contains(got, "ingress TCP 22 (SSH) 192.168.0.0/16 @7") {
		t.Errorf("rules %q", got)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestManagedNodeGroups(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: cluster-15
managedNodeGroups:
  - name: managed-ng-public
    securityGroups:
      attachIDs: ["sg-1", "sg-2"]
  - name: custom-launch-template
    launchTemplate:
      id: lt-1234
      version: "3"
`)
	csg := string(graph.ClusterSGKey("name:cluster-15"))
	ng := ngOf(t, d, "managed-ng-public")
	if ng.Kind != graph.ManagedNodeGroup || ng.SGsOpen || ng.SGsLoc.Line != 7 {
		t.Errorf("node group %+v", ng)
	}
	same(t, "members", members(ng.SGs), []string{csg + "@6", "sg-1@8", "sg-2@8"})
	if hasSG(d, "sg-1") {
		t.Error("an attached sg-… ID is external: not defined by the config")
	}
	lt := ngOf(t, d, "custom-launch-template")
	if !lt.SGsOpen || len(lt.SGs) != 0 || lt.SGsLoc.Line != 10 {
		t.Errorf("user launch template: %+v", lt)
	}
	// eksctl adds no rule on the control-plane SG for managed node groups.
	same(t, "CP SG rules", rulesOn(d, "eksctl:cluster-15/ControlPlaneSecurityGroup"), []string{"egress all traffic 0.0.0.0/0 @4"})
	var atts []string
	for _, a := range d.Attachments {
		atts = append(atts, fmt.Sprintf("%s %s %s %s @%d", a.SG, a.ResourceType, a.Resource, a.Property, a.Loc.Line))
	}
	for _, want := range []string{
		"sg-1 eksctl managed node group managed-ng-public securityGroups.attachIDs @8",
		"eksctl:cluster-15/ControlPlaneSecurityGroup AWS::EKS::Cluster ControlPlane ResourcesVpcConfig.SecurityGroupIds @4",
	} {
		if !contains(atts, want) {
			t.Errorf("missing attachment %q in %q", want, atts)
		}
	}
}

func TestExistingControlPlaneAndSharedGroups(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, version: "1.31"}
vpc:
  securityGroup: sg-0f2ae54eb340e8191
  sharedNodeSecurityGroup: sg-02a47cee779b317a7
  manageSharedNodeSecurityGroupRules: true
nodeGroups:
  - name: ng
`)
	c := d.Clusters[0]
	same(t, "CP SGs", members(c.ControlPlaneSGs), []string{"sg-0f2ae54eb340e8191@5"})
	if hasSG(d, "sg-0f2ae54eb340e8191") || hasSG(d, "eksctl:c/ControlPlaneSecurityGroup") || hasSG(d, "eksctl:c/ClusterSharedNodeSecurityGroup") {
		t.Error("eksctl creates no control-plane or shared group when the config names them")
	}
	// Node rules go on the user's control-plane SG as standalone rules; the
	// egress ones are skipped for clusters eksctl does not own (maybe).
	same(t, "rules on the user's CP SG", rulesOn(d, "sg-0f2ae54eb340e8191"), []string{
		"egress TCP 1025-65535 sg:eksctl:c/nodegroup/ng/SG @9 maybe",
		"egress TCP 443 sg:eksctl:c/nodegroup/ng/SG @9 maybe",
		"ingress TCP 443 sg:eksctl:c/nodegroup/ng/SG @9",
	})
	same(t, "rules on the user's shared SG", rulesOn(d, "sg-02a47cee779b317a7"), []string{
		"ingress all traffic sg:" + string(graph.ClusterSGKey("name:c")) + " @7 maybe",
	})
	same(t, "members", members(ngOf(t, d, "ng").SGs), []string{"sg-02a47cee779b317a7@9", "eksctl:c/nodegroup/ng/SG@9"})
}

// With vpc.securityGroup and no shared group the cluster may be one eksctl
// did not create: the "shared" group is then the EKS cluster SG (IMP).
func TestMaybeUnownedCluster(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
vpc:
  securityGroup: sg-1
nodeGroups:
  - name: ng
    securityGroups:
      withShared: true
`)
	same(t, "members", members(ngOf(t, d, "ng").SGs), []string{
		"eksctl:c/ClusterSharedNodeSecurityGroup@9 maybe",
		string(graph.ClusterSGKey("name:c")) + "@9 maybe",
		"eksctl:c/nodegroup/ng/SG@7",
	})
}

func TestControlPlaneSecurityGroupIDs(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: cluster-38
vpc:
  controlPlaneSecurityGroupIDs: [sg-1234, sg-5678]
  clusterEndpoints:
    publicAccess: true
    privateAccess: true
  extraCIDRs: [10.9.0.0/16]
nodeGroups:
  - name: ng
`)
	c := d.Clusters[0]
	same(t, "CP SGs", members(c.ControlPlaneSGs), []string{"sg-1234@6", "sg-5678@6"})
	if c.ControlPlaneSGs[1].Loc.Column != 43 {
		t.Errorf("second ID at column %d", c.ControlPlaneSGs[1].Loc.Column)
	}
	if c.EndpointPublic != graph.Yes || c.EndpointPrivate != graph.Yes {
		t.Errorf("endpoints %v/%v", c.EndpointPublic, c.EndpointPrivate)
	}
	// Node rules use the first ID; extraCIDRs add nothing on user groups.
	same(t, "rules on sg-1234", rulesOn(d, "sg-1234"), []string{
		"egress TCP 1025-65535 sg:eksctl:cluster-38/nodegroup/ng/SG @12",
		"egress TCP 443 sg:eksctl:cluster-38/nodegroup/ng/SG @12",
		"ingress TCP 443 sg:eksctl:cluster-38/nodegroup/ng/SG @12",
	})
	same(t, "rules on sg-5678", rulesOn(d, "sg-5678"), nil)
}

func TestControlPlaneExtraCIDRs(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
vpc:
  extraCIDRs: [10.9.0.0/16]
  extraIPv6CIDRs: ["2002::1234:abcd:ffff:c0a8:101/64"]
remoteNetworkConfig:
  remoteNodeNetworks:
    - cidrs: ["10.80.146.0/24"]
`)
	same(t, "CP SG rules", rulesOn(d, "eksctl:c/ControlPlaneSecurityGroup"), []string{
		"egress all traffic 0.0.0.0/0 @3",
		"ingress TCP 443 10.80.146.0/24 @9",
		"ingress TCP 443 10.9.0.0/16 @5",
		"ingress TCP 443 2002::1234:abcd:ffff:c0a8:101/64 @6",
	})
}

func TestEndpointsAndVersion(t *testing.T) {
	for _, tc := range []struct {
		body         string
		public, priv graph.Tri
		version      string
		hasClusterSG bool
	}{
		{"metadata: {name: a, version: 1.10}\n", graph.Yes, graph.No, "1.10", false},
		{"metadata: {name: a, version: \"1.13\"}\n", graph.Yes, graph.No, "1.13", false},
		{"metadata: {name: a}\nvpc: {clusterEndpoints: {privateAccess: true}}\n", graph.Yes, graph.Yes, "?", true},
		{"metadata: {name: a}\nvpc: {clusterEndpoints: {publicAccess: false, privateAccess: true}}\n", graph.No, graph.Yes, "?", true},
		{"metadata: {name: a}\nprivateCluster: {enabled: true}\n", graph.No, graph.Yes, "?", true},
		{"metadata: {name: a}\nvpc:\n  clusterEndpoints:\n    publicAccess: ${PUB}\n", graph.Unknown, graph.No, "?", true},
	} {
		d := parse(t, "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"+tc.body)
		c := d.Clusters[0]
		if c.EndpointPublic != tc.public || c.EndpointPrivate != tc.priv || c.Version.String() != tc.version ||
			(c.ClusterSG != "") != tc.hasClusterSG || hasSG(d, graph.ClusterSGKey("name:a")) != tc.hasClusterSG {
			t.Errorf("%q: public %v private %v version %q cluster SG %q", tc.body, c.EndpointPublic, c.EndpointPrivate, c.Version.String(), c.ClusterSG)
		}
	}
}

// Below 1.14 there is no cluster SG, so eksctl adds no rule with it.
func TestOldClusterHasNoClusterSGRules(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: old, version: "1.13"}
nodeGroups: [{name: ng}]
`)
	same(t, "shared SG rules", rulesOn(d, "eksctl:old/ClusterSharedNodeSecurityGroup"), []string{
		"egress all traffic 0.0.0.0/0 @3",
		"ingress all traffic sg:eksctl:old/ClusterSharedNodeSecurityGroup @3",
	})
}

func TestEFA(t *testing.T) {
	src := func(version string) string {
		return `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c` + version + `}
nodeGroups:
  - name: self
    efaEnabled: true
managedNodeGroups:
  - name: managed
    efaEnabled: true
`
	}
	d := parse(t, src(`, version: "1.31"`))
	efa := graph.SGKey("eksctl:c/nodegroup/self/EFASG")
	same(t, "self-managed members", members(ngOf(t, d, "self").SGs), []string{
		"eksctl:c/ClusterSharedNodeSecurityGroup@5", "eksctl:c/nodegroup/self/SG@5", string(efa) + "@6"})
	same(t, "EFASG rules", rulesOn(d, efa), []string{
		"egress all traffic 0.0.0.0/0 @6",
		"egress all traffic sg:" + string(efa) + " @6",
		"ingress all traffic sg:" + string(efa) + " @6",
	})
	if tg := tagKeys(sgOf(t, d, efa))["kubernetes.io/cluster/c"]; tg.Value.String() != "owned" {
		t.Errorf("EFASG tag %+v", tg)
	}
	same(t, "managed members below 1.33", members(ngOf(t, d, "managed").SGs), []string{
		string(graph.ClusterSGKey("name:c")) + "@8", "eksctl:c/nodegroup/managed/EFASG@9"})

	d = parse(t, src(`, version: "1.33"`))
	same(t, "managed members from 1.33", members(ngOf(t, d, "managed").SGs), []string{string(graph.ClusterSGKey("name:c")) + "@8"})
	d = parse(t, src(``))
	same(t, "managed members, default version", members(ngOf(t, d, "managed").SGs), []string{
		string(graph.ClusterSGKey("name:c")) + "@8", "eksctl:c/nodegroup/managed/EFASG@9 maybe"})
}

// metadata.tags are stack tags of every eksctl stack, and a node group's
// tags are stack tags of its stack; CloudFormation propagates them (MGR).
func TestStackTags(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: c
  tags:
    team: platform
    env: ${ENV}
    ${KEY}: x
nodeGroups:
  - name: ng
    tags:
      nodegroup-role: worker
`)
	shared := tagKeys(sgOf(t, d, "eksctl:c/ClusterSharedNodeSecurityGroup"))
	if shared["team"].Value.String() != "platform" || shared["team"].Loc.Line != 6 || shared["env"].Value.IsKnown() {
		t.Errorf("shared SG tags %v", shared)
	}
	if _, ok := shared["nodegroup-role"]; ok {
		t.Error("node group tags belong to the node group stack only")
	}
	local := tagKeys(sgOf(t, d, "eksctl:c/nodegroup/ng/SG"))
	if local["nodegroup-role"].Value.String() != "worker" || local["team"].Value.String() != "platform" {
		t.Errorf("node SG tags %v", local)
	}
	unknownKey := false
	for _, tg := range sgOf(t, d, "eksctl:c/nodegroup/ng/SG").Tags {
		unknownKey = unknownKey || !tg.Key.IsKnown()
	}
	if !unknownKey {
		t.Error("a templated tag key must stay unknown")
	}
}

func TestTemplatedValues(t *testing.T) {
	d := parse(t, `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: ${EKS_CLUSTER_NAME}
  region: ${AWS_REGION}
  version: "1.33"
vpc:
  cidr: 10.42.0.0/16
nodeGroups:
  - name: ng
    securityGroups:
      attachIDs: ["${NODE_SG}", sg-xxxxx]
  - name: open
    securityGroups:
      attachIDs: ${NODE_SGS}
`)
	c := d.Clusters[0]
	if c.Name.IsKnown() || c.Key != "eksctl:c.yaml:4" || c.Loc.Line != 4 {
		t.Errorf("cluster %+v", c)
	}
	for _, sg := range d.SGs {
		if strings.HasPrefix(string(sg.Key), "eksctl:") && !strings.HasPrefix(string(sg.Key), "eksctl:c.yaml:4/") {
			t.Errorf("group %s is not local to the file", sg.Key)
		}
	}
	ms := ngOf(t, d, "ng").SGs
	if len(ms) != 4 || !strings.HasPrefix(string(ms[0].SG), "unknown:") || ms[1].SG != "sg-xxxxx" {
		t.Errorf("members %q", members(ms))
	}
	if !ngOf(t, d, "open").SGsOpen {
		t.Error("a placeholder list leaves the node group's groups open")
	}
	if len(d.Notifications) == 0 {
		t.Error("placeholders should be noted")
	}
}

func TestMergeKeysAndMultiDocument(t *testing.T) {
	src := `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: a}
x-defaults: &defaults
  ssh: {allow: true}
nodeGroups:
  - <<: *defaults
    name: ng
---
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: b}
`
	res, err := parsers.Parse(file, []byte(src), parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "eksctl" || len(res.Docs) != 2 {
		t.Fatalf("format %q, %d documents", res.Format, len(res.Docs))
	}
	if got := rulesOn(res.Docs[0], "eksctl:a/nodegroup/ng/SG"); !contains(got, "ingress TCP 22 (SSH) 0.0.0.0/0 @5") {
		t.Errorf("merged ssh: %q", got)
	}
	if res.Docs[1].Clusters[0].Key != "name:b" {
		t.Error("second document")
	}
}

func TestShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		msg       string
	}{
		{"metadata: {name: a}\nnodeGroups:\n  - name: ng-1\n    ssh: true\n", 6, 10, "nodeGroups[0].ssh must be a mapping"},
		{"metadata: {name: a}\nnodeGroups: {name: ng}\n", 4, 13, "nodeGroups must be a list"},
		{"metadata: {name: a}\nmanagedNodeGroups: [ng]\n", 4, 21, "managedNodeGroups[0] must be a mapping"},
		{"metadata: [a]\n", 3, 11, "metadata must be a mapping"},
		{"metadata: {name: a}\nvpc: {securityGroup: [sg-1]}\n", 4, 22, "vpc.securityGroup must be a string"},
		{"metadata: {name: a}\nvpc: {controlPlaneSecurityGroupIDs: sg-1}\n", 4, 37, "vpc.controlPlaneSecurityGroupIDs must be a list"},
		{"metadata: {name: a}\nnodeGroups: [{name: n, securityGroups: {withLocal: maybe}}]\n", 4, 52, "withLocal must be a boolean"},
		{"metadata: {name: a}\nnodeGroups: [{name: n, securityGroups: {attachIDs: [{id: sg-1}]}}]\n", 4, 53, "attachIDs[0] must be a string"},
	} {
		e := parseErr(t, "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n"+tc.src)
		line, col := e.Position()
		if line != tc.line || col != tc.col || !strings.Contains(e.Message(), tc.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tc.src, line, col, e.Message(), tc.line, tc.col, tc.msg)
		}
	}
}

// A shape error reaches the user through the dispatcher with its position.
func TestDispatcherKeepsPosition(t *testing.T) {
	_, err := parsers.Parse(file, []byte("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nnodeGroups: 3\n"), parsers.Options{})
	var fe *parsers.FileError
	if !errors.As(err, &fe) || fe.Line != 3 || fe.Column != 13 || !strings.Contains(fe.Msg, "nodeGroups must be a list") {
		t.Fatalf("got %v", err)
	}
}

const corpus = "../../testdata/corpus/eksctl"

// brokenOnPurpose are the corpus files that must not parse (SOURCES.md):
// bad-field-2 is a schema error (`ssh: true`); the cookiecutter template is
// not YAML until rendered. bad-type-1 (`version: 1.10`) is valid YAML and
// parses, the version kept as written.
var brokenOnPurpose = map[string]string{
	"eksctl__eks-testdata__bad-field-2.INVALID.yaml":                         "line 13, column 10: nodeGroups[0].ssh must be a mapping",
	"eksctl-cluster-provision__cookiecutter-cluster-template.TEMPLATED.yaml": "line 54",
}

func TestCorpusParses(t *testing.T) {
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".yaml" {
			continue
		}
		n++
		data, err := os.ReadFile(filepath.Join(corpus, name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := parsers.Parse(name, data, parsers.Options{})
		if want, broken := brokenOnPurpose[name]; broken {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: want error %q, got %v", name, want, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if res.Format != "eksctl" || len(res.Docs) != 1 || len(res.Docs[0].Clusters) != 1 {
			t.Errorf("%s: format %q, %d documents", name, res.Format, len(res.Docs))
		}
	}
	if n != 64 {
		t.Errorf("corpus has %d eksctl files, SOURCES.md lists 64", n)
	}
	// bad-type-1: `version: 1.10` stays "1.10" (below 1.14: no cluster SG).
	data, _ := os.ReadFile(filepath.Join(corpus, "eksctl__eks-testdata__bad-type-1.INVALID.yaml"))
	res, err := parsers.Parse("bad-type-1", data, parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Docs[0].Clusters[0]; c.Version.String() != "1.10" || c.ClusterSG != "" {
		t.Errorf("bad-type-1: version %q, cluster SG %q", c.Version.String(), c.ClusterSG)
	}
}

// TestCorpusFindings scans the corpus folder as one unit (clusters with the
// same name in two files are one cluster) and logs every finding per file;
// `go test -v -run CorpusFindings ./parsers/eksctl/` shows them.
func TestCorpusFindings(t *testing.T) {
	dir, err := filepath.Abs(corpus)
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run([]string{dir}, scan.Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "test"})
	for _, e := range rep.Errors {
		if want, ok := brokenOnPurpose[e.Loc.File]; !ok {
			t.Errorf("file error: %s: %s", e.Loc, e.Message)
		} else if !strings.Contains(fmt.Sprintf("line %d, column %d: %s", e.Loc.Line, e.Loc.Column, e.Message), want) &&
			!strings.Contains(fmt.Sprintf("line %d: %s", e.Loc.Line, e.Message), want) {
			t.Errorf("file error: %s: %s, want %q", e.Loc, e.Message, want)
		}
	}
	if len(rep.Errors) != len(brokenOnPurpose) {
		t.Errorf("%d file errors, want %d", len(rep.Errors), len(brokenOnPurpose))
	}
	byFile := map[string][]string{}
	var files []string
	for _, f := range rep.Findings {
		if strings.Contains(f.Message, "internal error") {
			t.Errorf("%s: %s", f.Loc, f.Message)
		}
		if byFile[f.Loc.File] == nil {
			files = append(files, f.Loc.File)
		}
		byFile[f.Loc.File] = append(byFile[f.Loc.File], fmt.Sprintf("%d:%d %s %s", f.Loc.Line, f.Loc.Column, f.RuleID, f.Message))
	}
	for _, n := range rep.Notifications {
		if n.Level == "error" {
			t.Errorf("notification %s: %s", n.Loc, n.Message)
		}
	}
	sort.Strings(files)
	for _, file := range files {
		t.Logf("%s:", file)
		for _, f := range byFile[file] {
			t.Logf("    %s", f)
		}
	}
	t.Logf("%d findings in %d of %d files", len(rep.Findings), len(files), len(rep.Files))
}

// Every field the decoder reads, given every shape, must yield a document
// or an *Error, never a panic.
func TestNoPanicOnAnyShape(t *testing.T) {
	paths := []string{
		"metadata", "metadata.name", "metadata.version", "metadata.tags", "metadata.tags.k",
		"vpc", "vpc.securityGroup", "vpc.controlPlaneSecurityGroupIDs", "vpc.sharedNodeSecurityGroup",
		"vpc.manageSharedNodeSecurityGroupRules", "vpc.cidr", "vpc.extraCIDRs", "vpc.extraIPv6CIDRs",
		"vpc.clusterEndpoints", "vpc.clusterEndpoints.publicAccess", "privateCluster", "privateCluster.enabled",
		"remoteNetworkConfig", "remoteNetworkConfig.remoteNodeNetworks", "kubernetesNetworkConfig",
		"kubernetesNetworkConfig.ipFamily", "outpost", "outpost.controlPlaneOutpostARN",
		"nodeGroups", "managedNodeGroups",
	}
	ngFields := []string{"name", "securityGroups", "securityGroups.attachIDs", "securityGroups.withShared",
		"securityGroups.withLocal", "ssh", "ssh.allow", "ssh.publicKeyName", "ssh.sourceSecurityGroupIds",
		"privateNetworking", "efaEnabled", "launchTemplate", "tags"}
	for _, f := range ngFields {
		paths = append(paths, "nodeGroups.0."+f, "managedNodeGroups.0."+f)
	}
	shapes := []string{"~", "true", "\"${X}\"", "sg-1", "[]", "[a, [b], {c: d}]", "{}", "{a: b, allow: true}", "1.5"}
	for _, p := range paths {
		for _, shape := range shapes {
			src := "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\n" + nest(strings.Split(p, "."), shape, "")
			docs, _, err := yamltree.Parse([]byte(src), yamltree.Options{})
			if err != nil {
				t.Fatalf("%s = %s: yaml: %v\n%s", p, shape, err, src)
			}
			d, err := eksctl.Parse(file, docs[0])
			var e *eksctl.Error
			switch {
			case err != nil && !errors.As(err, &e):
				t.Errorf("%s = %s: error of type %T", p, shape, err)
			case err != nil && strings.Contains(err.Error(), "internal error"):
				t.Errorf("%s = %s: %v", p, shape, err)
			case err == nil && d == nil:
				t.Errorf("%s = %s: no document", p, shape)
			}
		}
	}
}

// nest writes `a: {b: value}` as block YAML; a "0" segment is a list item.
func nest(path []string, value, indent string) string {
	if len(path) == 0 {
		return ""
	}
	if len(path) == 1 {
		return indent + path[0] + ": " + value + "\n"
	}
	if path[1] == "0" {
		return indent + path[0] + ":\n" + indent + "  - x-: 1\n" + nest(path[2:], value, indent+"    ")
	}
	return indent + path[0] + ":\n" + nest(path[1:], value, indent+"  ")
}

func FuzzParse(f *testing.F) {
	entries, _ := os.ReadDir(corpus)
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(corpus, e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _, err := yamltree.Parse(data, yamltree.Options{})
		if err != nil {
			return
		}
		for _, d := range docs {
			if eksctl.IsClusterConfig(d) {
				if _, err := eksctl.Parse(file, d); err != nil && strings.Contains(err.Error(), "internal error") {
					t.Fatal(err)
				}
			}
		}
	})
}

// TestLegacySSHFields: eksctl's pre-ssh-block fields are read as the ssh
// block on self-managed node groups (allowSSH alone decides) and notified,
// not modelled, where current eksctl would reject them.
func TestLegacySSHFields(t *testing.T) {
	src := `apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: legacy, region: us-west-2}
nodeGroups:
  - name: both
    ssh: {allow: false}
    allowSSH: true
managedNodeGroups:
  - name: managed
    allowSSH: true
`
	doc := parse(t, src)
	var notes []string
	for _, n := range doc.Notifications {
		notes = append(notes, n.Message)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{`node group "both": eksctl's old SSH fields`, `node group "managed": eksctl's old SSH fields`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no notification %q in:\n%s", want, joined)
		}
	}
	for _, sg := range doc.SGs {
		for _, r := range sg.Rules {
			if r.Direction == graph.Ingress && r.PortsKnown && r.FromPort == 22 {
				t.Errorf("SSH rule modelled from unmodelled old fields: %+v on %s", r, sg.Name)
			}
		}
	}
}
