package userdata

import (
	"testing"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
)

func TestClusterName(t *testing.T) {
	for _, tc := range []struct {
		ud   graph.Value
		want string
	}{
		{graph.Lit("#!/bin/bash\n/etc/eks/bootstrap.sh prod --b64-cluster-ca x\n"), "prod"},
		{graph.Concat(graph.Lit("#!/bin/bash\nset -o xtrace\n/etc/eks/bootstrap.sh "), graph.Value{Kind: graph.KindParam, Str: "ClusterName"}, graph.Lit(" ${BootstrapArguments}\n")), "${ClusterName}"},
		{graph.Concat(graph.Lit("/etc/eks/bootstrap.sh '"), graph.Value{Kind: graph.KindParam, Str: "C"}, graph.Lit("-x' --foo")), "${C}-x"},
		{graph.Lit("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    name: blue\n    apiServerEndpoint: https://x\n"), "blue"},
		{graph.Lit("#!/bin/bash\necho hello\n"), ""},
		{graph.Lit("/etc/eks/bootstrap.sh --help"), ""},
	} {
		got, ok := ClusterName(tc.ud)
		if !ok {
			got = graph.Lit("")
		}
		if got.String() != tc.want {
			t.Errorf("%q: got %q, want %q", tc.ud.String(), got.String(), tc.want)
		}
	}
}
