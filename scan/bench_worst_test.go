package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The worst single files of issue 10: one file under the size limit must
// scan in under 2 s and 500 MB on two cores whatever it holds. Each case is
// built to push one rule towards quadratic cost. Run with
//
//	go test -run '^$' -bench WorstCaseSingleFile -benchtime 3x ./scan/
//
// and read cpu-s/op and B/op; whole-process figures are in
// docs/performance.md.

// manyClustersOneGroup is one template of n clusters that all name one
// control-plane security group (EKSSG010: once one finding per pair of
// clusters with every related location, 10.9 GB at n = 2,000).
func manyClustersOneGroup(n int) string {
	var sb strings.Builder
	sb.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	sb.WriteString("  SharedControlPlaneSecurityGroup:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: shared}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  Cluster%d:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: c%d\n      RoleArn: arn:aws:iam::123456789012:role/eks\n"+
			"      ResourcesVpcConfig: {SecurityGroupIds: [!Ref SharedControlPlaneSecurityGroup], SubnetIds: [subnet-0123456789abcdef0]}\n", i, i)
	}
	return sb.String()
}

// manyNodeGroupsOwnGroups is one template of one cluster and n managed node
// groups, each on a launch template with a group of its own that admits
// only itself, so every pair of node groups is blocked (EKSSG022: once 6.6 s
// of CPU at n = 10,000).
func manyNodeGroupsOwnGroups(n int) string {
	var sb strings.Builder
	sb.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	sb.WriteString("  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: prod\n      RoleArn: arn:aws:iam::123456789012:role/eks\n" +
		"      ResourcesVpcConfig: {SubnetIds: [subnet-0123456789abcdef0]}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  Sg%d:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: nodes %d\n"+
			"      Tags: [{Key: kubernetes.io/cluster/prod, Value: owned}]\n"+
			"  Self%d:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {GroupId: !Ref Sg%d, IpProtocol: \"-1\", SourceSecurityGroupId: !Ref Sg%d}\n"+
			"  Lt%d:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData: {SecurityGroupIds: [!Ref Sg%d]}\n"+
			"  Ng%d:\n    Type: AWS::EKS::Nodegroup\n    Properties:\n      ClusterName: !Ref Cluster\n      NodeRole: arn:aws:iam::123456789012:role/node\n"+
			"      Subnets: [subnet-0123456789abcdef0]\n      LaunchTemplate: {Id: !Ref Lt%d}\n", i, i, i, i, i, i, i, i, i)
	}
	return sb.String()
}

func BenchmarkWorstCaseSingleFile(b *testing.B) {
	for _, tc := range []struct {
		name string
		src  string
		rule string
	}{
		{"EKSSG010-2000-clusters-one-group", manyClustersOneGroup(2000), "EKSSG010"},
		{"EKSSG022-10000-node-groups", manyNodeGroupsOwnGroups(10000), "EKSSG022"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, "worst.yaml")
			if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
				b.Fatal(err)
			}
			if len(tc.src) > DefaultMaxFileSize {
				b.Fatalf("%d bytes: over the size limit, not a case the target covers", len(tc.src))
			}
			opts := Options{WorkDir: dir, ToolName: "eks-sg-lint", Version: "bench"}
			rep := Run([]string{path}, opts)
			fired := 0
			for _, f := range rep.Findings {
				if f.RuleID == tc.rule {
					fired++
				}
			}
			if len(rep.Errors) != 0 || fired == 0 {
				b.Fatalf("errors %v, %d %s findings: the case no longer exercises the rule", rep.Errors, fired, tc.rule)
			}
			b.Logf("%d bytes: %d clusters, %d node groups, %d findings (%d %s)", len(tc.src),
				len(rep.Graph.Clusters), len(rep.Graph.NodeGroups), len(rep.Findings), fired, tc.rule)
			b.ReportAllocs()
			loopWithCPU(b, func() { Run([]string{path}, opts) })
		})
	}
}
