package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

const rootIntro = `eks-sg-lint: prove that Amazon EKS security groups are right, offline.

Usage:
  eks-sg-lint [flags] [PATH...]
  eks-sg-lint COMMAND [ARGS...]

Commands:
  rules             list every rule: ID, level, name and what it proves
                    (--format json for scripts)
  explain RULE      print a rule's documentation page (Markdown); RULE is
                    its ID or name, e.g. explain EKSSG021 or
                    explain nodes-open-to-internet (case-insensitive)
  graph             draw each cluster's control plane, node groups and the
                    flows between them (Mermaid or Graphviz dot)
  version           print the version
  help [COMMAND]    print this help, or a command's
  completion SHELL  print the shell completion script for bash, zsh or fish
  A command is recognised only as the first argument: to scan a file or
  folder named "rules", "explain" or "graph", write ./rules (or put -- first).

Scans CloudFormation templates (YAML or JSON), eksctl ClusterConfig files,
AWS CLI JSON output (describe-security-groups, describe-security-group-rules,
eks describe-cluster and describe-nodegroup, ec2 describe-instances) and
Terraform (.tf and .tf.json: each folder is a root module, read offline
with terraform.tfvars, *.auto.tfvars, --var-file and --var) in the
given files and folders (default "."), links them into one model, follows
security groups from clusters to node groups, and reports violations of
AWS's EKS security group requirements with exact file:line positions.
Folders are walked recursively for .yaml, .yml, .json, .template and .tf files
(.git, node_modules and vendor are skipped); files of no known format are
skipped silently unless named explicitly. A .eks-sg-lint.yaml found in the
first path's folder or a parent configures rules, paths and parameters.
No AWS credentials are read and no network is used.

Flags:
`

const rootTail = `
Choosing what is shown and what fails:
  --enable/--disable choose the rules that run (like the config file's
  enabled: true|false). --min-level hides findings below a level from every
  format (they do not fail either); --fail-on sets the exit code from what
  is shown. Suppressed and baselined findings never fail.

Baselines (adopting the linter on a repository that has findings):
  eks-sg-lint --write-baseline .eks-sg-lint-baseline.json .
  eks-sg-lint --baseline .eks-sg-lint-baseline.json .
  The first records today's findings by fingerprint (readable JSON, sorted);
  the second reports only findings not in it. Baselined findings stay in
  SARIF as suppressed (kind external); entries of scanned files that no
  longer match a finding (fixed) are counted on standard error.

Suppressions:
  # eks-sg-lint:ignore EKSSG031 break-glass SSH, ticket OPS-1
  # eks-sg-lint:ignore EKSSG031 until=2027-03-31 break-glass SSH, ticket OPS-1
  A comment covers its own line and the next; with until= it holds through
  that day (UTC), then the finding is back and EKSSG000 says it expired.
  Every suppression needs a reason (eks-sg-lint explain EKSSG000).

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or a file could not be read or parsed (the report for
     every other file is still written)

Environment:
  NO_COLOR  set and not empty: no colour with --color auto
  CI        set: no progress display

Examples:
  eks-sg-lint templates/
  eks-sg-lint --param ClusterName=prod --format sarif --output lint.sarif .
  eks-sg-lint --fail-on error nodegroup.yaml
  eks-sg-lint --format gitlab --output gl-code-quality-report.json .
  eks-sg-lint --disable node-group-without-cluster-sg --min-level warning .

Rules: eks-sg-lint rules, or https://github.com/eks-sg-lint/eks-sg-lint#rules
`

// newRootCommand builds the command tree. withCommands is false when the
// first argument is not a command: the root then runs alone, and every
// argument that is not a flag is a path.
func newRootCommand(stdout, stderr io.Writer, withCommands bool) *cobra.Command {
	s := &scanCommand{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "eks-sg-lint [flags] [PATH...]",
		Short:         "Prove that Amazon EKS security groups are right, offline",
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE:          func(cmd *cobra.Command, args []string) error { return s.run(cmd, args) },
		// Paths complete as files; the first word may also be a command.
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveDefault
			}
			return []string{"rules", "explain", "graph", "version", "help", "completion"}, cobra.ShellCompDirectiveDefault
		},
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	s.register(root)

	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if c != root {
			defaultHelp(c, args)
			return
		}
		var b strings.Builder
		b.WriteString(rootIntro)
		b.WriteString(c.LocalFlags().FlagUsages())
		b.WriteString(rootTail)
		fmt.Fprint(c.OutOrStdout(), b.String())
	})
	if withCommands {
		root.AddCommand(newRulesCommand(), newExplainCommand(), newGraphCommand(), newVersionCommand())
		// The default help command, with a usage line people recognise.
		root.SetHelpCommand(&cobra.Command{
			Use:   "help [COMMAND]",
			Short: "Print the help, or a command's",
			Args:  cobra.MaximumNArgs(1),
			ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return []string{"rules", "explain", "graph", "version", "completion"}, cobra.ShellCompDirectiveNoFileComp
			},
			RunE: func(c *cobra.Command, args []string) error {
				target, _, err := root.Find(args)
				if err != nil || target == nil || (len(args) > 0 && target == root) {
					return usageErrorf("no command %q; commands: rules, explain, graph, version, help, completion", strings.Join(args, " "))
				}
				return target.Help()
			},
		})
		// cobra's completion command prints its help for an unknown
		// shell and exits 0; make that a usage error.
		root.InitDefaultCompletionCmd()
		if comp, _, err := root.Find([]string{"completion"}); err == nil && comp != root {
			comp.Args = cobra.ArbitraryArgs
			comp.RunE = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return c.Help()
				}
				return usageErrorf("completion: unknown shell %q; bash, zsh, fish or powershell", args[0])
			}
		}
	}
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version (the same as --version)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(c.OutOrStdout(), versionText())
			return err
		},
	}
}
