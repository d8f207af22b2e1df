package cloudformation

import (
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// Resource types that create an EKS cluster (RULES.md, "Inputs beyond the
// seed's three").
const (
	typeEKSCluster = "AWS::EKS::Cluster"
	// typeCDKCluster is how aws-cdk-lib's aws_eks.Cluster synthesizes every
	// cluster: a custom resource whose handler calls CreateCluster with
	// `Config` as the request (`eks.createCluster({...this.newProps, name})`)
	// and returns the cluster name as the physical ID, so `Ref` is the name
	// (aws/aws-cdk packages/@aws-cdk/custom-resource-handlers/lib/aws-eks/
	// cluster-resource-handler/cluster.ts, onCreate; the attributes
	// ClusterSecurityGroupId, Endpoint, Arn come from DescribeCluster in
	// isCreateComplete). Synthesized shape: integ snapshots under
	// packages/@aws-cdk-testing/framework-integ/test/aws-eks/test/*.js.snapshot,
	// e.g. integ.access-entry-removal-policy (commit c590796167461ffad10f84c5524ca0a3e7efce3b).
	typeCDKCluster = "Custom::AWSCDK-EKS-Cluster"
	// typeQuickStartCluster is the AWS Quick Start resource type: the same
	// properties as AWS::EKS::Cluster (Name, Version, ResourcesVpcConfig with
	// SecurityGroupIds, EndpointPublicAccess, EndpointPrivateAccess), `Ref`
	// returns the name, GetAtt ClusterSecurityGroupId the cluster SG
	// (aws-quickstart/quickstart-amazon-eks-cluster-resource-provider
	// docs/README.md and docs/resourcesvpcconfig.md, commit 56a84929e0a9e930b04ec3cb2bc75f5a0c8079b5).
	typeQuickStartCluster = "AWSQS::EKS::Cluster"
)

// isClusterType reports whether resources of the type are EKS clusters.
func isClusterType(typ string) bool {
	return typ == typeEKSCluster || typ == typeCDKCluster || typ == typeQuickStartCluster
}

// clusterFields names where a cluster resource keeps what the model reads.
type clusterFields struct {
	// request is the mapping holding the CreateCluster fields (Properties,
	// or the CDK custom resource's Config).
	request *yaml.Node
	// opaque is set when the request is an expression the model cannot follow.
	opaque                                        bool
	name, version, vpcConfig                      string
	securityGroupIDs, publicAccess, privateAccess string
}

// clusterRequest finds the fields of a cluster resource. The CDK custom
// resource writes the CreateCluster request in the API's own (camelCase)
// spelling under Config: "the structure of config needs to be that of
// 'aws.EKS.CreateClusterRequest' since its passed as is" (aws/aws-cdk
// packages/aws-cdk-lib/aws-eks/lib/cluster-resource.ts: Config { name,
// version, resourcesVpcConfig { subnetIds, securityGroupIds,
// endpointPublicAccess, endpointPrivateAccess, publicAccessCidrs } }).
func (t *template) clusterRequest(r *resource) clusterFields {
	if r.typ == typeCDKCluster {
		m, opaque := t.object(yamltree.Get(r.props, "Config"))
		return clusterFields{request: m, opaque: opaque || r.opaque, name: "name", version: "version",
			vpcConfig: "resourcesVpcConfig", securityGroupIDs: "securityGroupIds",
			publicAccess: "endpointPublicAccess", privateAccess: "endpointPrivateAccess"}
	}
	return clusterFields{request: r.props, opaque: r.opaque, name: "Name", version: "Version",
		vpcConfig: "ResourcesVpcConfig", securityGroupIDs: "SecurityGroupIds",
		publicAccess: "EndpointPublicAccess", privateAccess: "EndpointPrivateAccess"}
}

// maxConstructPath bounds the construct path shown in messages.
const maxConstructPath = 160

// displayName is how messages call a resource: its logical ID, followed by
// the CDK construct path when the template is synthesized (`aws:cdk:path`
// metadata, without the trailing L1 "Resource" segment), because CDK's
// generated logical IDs alone do not say which construct to change.
func (t *template) displayName(r *resource) string {
	p := yamltree.Get(r.metadata, "aws:cdk:path")
	if p == nil || p.Kind != yaml.ScalarNode || p.Value == "" {
		return r.id
	}
	path := strings.TrimSuffix(p.Value, "/Resource")
	if len(path) > maxConstructPath {
		path = "…" + path[len(path)-maxConstructPath:]
	}
	return r.id + " (" + path + ")"
}
