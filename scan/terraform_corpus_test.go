package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// tfCorpusGolden is every finding of the Terraform corpus as (file, rule),
// sorted; testdata/corpus/terraform/SOURCES.md says why each is believed.
var tfCorpusGolden = []string{
	"aws-ia+terraform-aws-eks-blueprints/docs/v4-to-v5/example/v5.tf EKSSG022 x3",
	"aws-ia+terraform-aws-eks-blueprints/docs/v4-to-v5/example/v5.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/docs/v4-to-v5/example/v5.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/agones-game-controller/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/agones-game-controller/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/agones-game-controller/main.tf EKSSG026 x3",
	"aws-ia+terraform-aws-eks-blueprints/patterns/agones-game-controller/main.tf EKSSG031 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/aws-neuron-efa/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/aws-neuron-efa/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/aws-vpc-cni-network-policy/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/aws-vpc-cni-network-policy/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/aws-vpc-cni-network-policy/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/bottlerocket/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/bottlerocket/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/bottlerocket/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ecr-pull-through-cache/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ecr-pull-through-cache/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ecr-pull-through-cache/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/external-secrets/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/external-secrets/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/external-secrets/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/fully-private-cluster/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/fully-private-cluster/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/fully-private-cluster/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/fully-private-cluster/main.tf EKSSG027 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/getting-started-argocd/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/getting-started-argocd/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/getting-started-argocd/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/hub/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/hub/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/hub/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/spokes/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/spokes/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/gitops/multi-cluster-hub-spoke-argocd/spokes/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ipv6-eks-cluster/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ipv6-eks-cluster/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ipv6-eks-cluster/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/istio/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/istio/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/istio/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/karpenter-mng/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/karpenter-mng/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/karpenter-mng/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/kubecost/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/kubecost/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/kubecost/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ml-capacity-block/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ml-capacity-block/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ml-container-cache/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ml-container-cache/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/ml-container-cache/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/multi-node-vllm/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/multi-node-vllm/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/multi-tenancy-with-teams/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/multi-tenancy-with-teams/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/multi-tenancy-with-teams/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/nvidia-gpu-efa/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/nvidia-gpu-efa/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/private-public-ingress/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/private-public-ingress/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/private-public-ingress/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/privatelink-access/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/privatelink-access/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/privatelink-access/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-iam-identity-center/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-iam-identity-center/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-iam-identity-center/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-okta/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-okta/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/sso-okta/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/stateful/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/stateful/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/stateful/main.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/targeted-odcr/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/targeted-odcr/eks.tf EKSSG026 x2",
	"aws-ia+terraform-aws-eks-blueprints/patterns/tls-with-aws-pca-issuer/main.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/tls-with-aws-pca-issuer/main.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/tls-with-aws-pca-issuer/main.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/vpc-lattice/client-server-communication/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/vpc-lattice/cross-cluster-pod-communication/cluster/eks.tf EKSSG026 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/wireguard-with-cilium/eks.tf EKSSG022 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/wireguard-with-cilium/eks.tf EKSSG023 x1",
	"aws-ia+terraform-aws-eks-blueprints/patterns/wireguard-with-cilium/eks.tf EKSSG026 x1",
	"hashicorp+learn-terraform-provision-eks-cluster/main.tf EKSSG022 x1",
	"hashicorp+learn-terraform-provision-eks-cluster/main.tf EKSSG023 x1",
	"hashicorp+learn-terraform-provision-eks-cluster/main.tf EKSSG026 x2",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-al2023.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-al2023.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-al2023.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-al2023.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-al2023.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-al2023.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-al2023.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-al2023.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks/main.tf EKSSG022 x2",
	"terraform-aws-modules+terraform-aws-eks/modules/eks-managed-node-group/main.tf EKSSG026 x7",
	"terraform-aws-modules+terraform-aws-eks/modules/self-managed-node-group/main.tf EKSSG026 x5",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG002 x1",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG022 x7",
	"terraform-aws-modules+terraform-aws-eks/node_groups.tf EKSSG023 x3",
	"terraform-aws-modules+terraform-aws-eks@v18/main.tf EKSSG022 x10",
	"terraform-aws-modules+terraform-aws-eks@v18/modules/eks-managed-node-group/main.tf EKSSG022 x10",
	"terraform-aws-modules+terraform-aws-eks@v18/modules/eks-managed-node-group/main.tf EKSSG023 x5",
	"terraform-aws-modules+terraform-aws-eks@v18/modules/eks-managed-node-group/main.tf EKSSG026 x5",
	"terraform-aws-modules+terraform-aws-eks@v18/modules/self-managed-node-group/main.tf EKSSG023 x2",
	"terraform-aws-modules+terraform-aws-eks@v18/modules/self-managed-node-group/main.tf EKSSG026 x6",
	"terraform-aws-modules+terraform-aws-eks@v18/node_groups.tf EKSSG002 x2",
	"terraform-aws-modules+terraform-aws-eks@v18/node_groups.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks@v19/main.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v19/modules/eks-managed-node-group/main.tf EKSSG026 x4",
	"terraform-aws-modules+terraform-aws-eks@v19/modules/self-managed-node-group/main.tf EKSSG026 x7",
	"terraform-aws-modules+terraform-aws-eks@v19/node_groups.tf EKSSG002 x2",
	"terraform-aws-modules+terraform-aws-eks@v19/node_groups.tf EKSSG022 x5",
	"terraform-aws-modules+terraform-aws-eks@v19/node_groups.tf EKSSG023 x4",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-al2023.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-al2023.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-al2023.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-al2023.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/eks-managed-node-group/eks-bottlerocket.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-al2023.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-al2023.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-al2023.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-al2023.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG023 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG026 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/examples/self-managed-node-group/eks-bottlerocket.tf EKSSG027 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/main.tf EKSSG022 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/modules/eks-managed-node-group/main.tf EKSSG026 x8",
	"terraform-aws-modules+terraform-aws-eks@v20/modules/self-managed-node-group/main.tf EKSSG026 x4",
	"terraform-aws-modules+terraform-aws-eks@v20/node_groups.tf EKSSG002 x1",
	"terraform-aws-modules+terraform-aws-eks@v20/node_groups.tf EKSSG022 x3",
	"terraform-aws-modules+terraform-aws-eks@v20/node_groups.tf EKSSG023 x4",
}

// TestTerraformCorpus scans the Terraform corpus laid out as SOURCES.md
// says, in the folder EKS_SG_LINT_TF_CORPUS names (its files cannot be
// committed), one top-level folder at a time: every file parses, and the
// findings are the golden list.
func TestTerraformCorpus(t *testing.T) {
	dir := os.Getenv("EKS_SG_LINT_TF_CORPUS")
	if dir == "" {
		t.Skip("EKS_SG_LINT_TF_CORPUS is not set (see testdata/corpus/terraform/SOURCES.md)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Each repository is its own scan, as its CI would run it: the
	// module's examples at four tags name their clusters alike
	// ("ex-eks-managed-node-group"), and one scan would make those one
	// cluster (RULES.md, cluster identity) with node groups of every major.
	folders, err := os.ReadDir(abs)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, folder := range folders {
		if !folder.IsDir() {
			continue
		}
		rep := Run([]string{filepath.Join(abs, folder.Name())}, Options{WorkDir: abs})
		for _, e := range rep.Errors {
			t.Errorf("%s: %s", e.Loc, e.Message)
		}
		for _, f := range rep.Findings {
			count[f.Loc.File+" "+f.RuleID]++
		}
	}
	var got []string
	for k, n := range count {
		got = append(got, fmt.Sprintf("%s x%d", k, n))
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, tfCorpusGolden) {
		t.Errorf("corpus findings changed:\n  %s", strings.Join(got, "\n  "))
	}
}
