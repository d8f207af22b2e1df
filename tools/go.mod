// The development tools (code generation, benchmarks, release archives): their own module, so
// that `go install ./...` at the repository root (pre-commit's golang hook)
// installs only the eks-sg-lint CLI, and the CLI's module does not require
// goformation. Run them from this folder: `go tool gencatalog`, or
// `go -C tools …` from the root.
module github.com/eks-sg-lint/eks-sg-lint/tools

go 1.26

require (
	github.com/awslabs/goformation/v7 v7.14.9
	github.com/eks-sg-lint/eks-sg-lint v0.0.0-00010101000000-000000000000
	github.com/hashicorp/hcl/v2 v2.25.0
	go.yaml.in/yaml/v3 v3.0.6
)

require (
	github.com/agext/levenshtein v1.2.1 // indirect
	github.com/apparentlymart/go-textseg/v15 v15.0.0 // indirect
	github.com/apparentlymart/go-textseg/v17 v17.0.1 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/hashicorp/terraform-json v0.29.0 // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	github.com/zclconf/go-cty v1.20.0 // indirect
	golang.org/x/mod v0.37.0 // indirect
	golang.org/x/sync v0.21.0 // indirect
	golang.org/x/text v0.39.0 // indirect
	golang.org/x/tools v0.47.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/eks-sg-lint/eks-sg-lint => ../

tool (
	github.com/eks-sg-lint/eks-sg-lint/tools/benchtool
	github.com/eks-sg-lint/eks-sg-lint/tools/gencatalog
	github.com/eks-sg-lint/eks-sg-lint/tools/genrepo
	github.com/eks-sg-lint/eks-sg-lint/tools/relpack
)
