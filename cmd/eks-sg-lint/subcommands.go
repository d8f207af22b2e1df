package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

func newRulesCommand() *cobra.Command {
	format := newChoice("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "rules [--format text|json]",
		Short: "List every rule: ID, default level, name and what it proves",
		Long: `Lists every rule: ID, default level, name and what it proves.

--format json prints a JSON array, one object per rule sorted by ID, with
the keys id, name, level, description, help, helpUri, securitySeverity and
tags (a list), for scripts.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("rules takes no arguments, got %q (to scan a path named \"rules\", write ./rules)", strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(c *cobra.Command, _ []string) error {
			if format.value == "json" {
				return writeRulesJSON(c.OutOrStdout())
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLEVEL\tNAME\tDESCRIPTION")
			for _, a := range analyzer.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.ID, a.Level, a.Name, a.Short)
			}
			return tw.Flush()
		},
	}
	choiceVar(cmd, format, "format", "`format`: text (a table) or json")
	return cmd
}

// ruleJSON is one rule in `rules --format json`; the keys are stable.
type ruleJSON struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Level            string   `json:"level"`
	Description      string   `json:"description"`
	Help             string   `json:"help"`
	HelpURI          string   `json:"helpUri"`
	SecuritySeverity string   `json:"securitySeverity"`
	Tags             []string `json:"tags"`
}

func writeRulesJSON(w io.Writer) error {
	out := []ruleJSON{}
	for _, a := range analyzer.All() {
		tags := append([]string{}, a.Tags...)
		out = append(out, ruleJSON{ID: a.ID, Name: a.Name, Level: string(a.Level), Description: a.Short,
			Help: a.Help, HelpURI: a.HelpURI(), SecuritySeverity: a.SecuritySeverity, Tags: tags})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func newExplainCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation page (Markdown)",
		Long: `Prints a rule's documentation page (Markdown): what it proves, the AWS
requirement behind it, failing and passing examples, how to fix and how to
suppress it. RULE is the rule's ID or its name, in any case, e.g. EKSSG021,
ekssg021 or control-plane-to-kubelet-10250-blocked.`,
		Args: func(_ *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return usageErrorf("explain needs a rule ID or name")
			case 1:
				return nil
			}
			return usageErrorf("explain takes one rule ID or name, got %d arguments", len(args))
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeRules(c, args, toComplete)
		},
		RunE: func(c *cobra.Command, args []string) error {
			a := ruleByIDOrName(args[0])
			if a == nil {
				var known []string
				for _, a := range analyzer.All() {
					known = append(known, a.ID+" ("+a.Name+")")
				}
				return usageErrorf("unknown rule %q; rules: %s", args[0], strings.Join(known, ", "))
			}
			page, ok := docs.Rule(a.ID)
			if !ok {
				// Tests make sure every rule has a page; say so if one is missing.
				fmt.Fprintf(c.ErrOrStderr(), "eks-sg-lint: rule %s has no documentation page (docs/rules/%s.md); see %s\n", a.ID, a.ID, a.HelpURI())
				return exitCode(2)
			}
			_, err := io.WriteString(c.OutOrStdout(), page)
			return err
		},
	}
}

func newGraphCommand() *cobra.Command {
	var input inputFlags
	var output string
	format := newChoice("mermaid", "mermaid", "dot")
	cmd := &cobra.Command{
		Use:   "graph [flags] [PATH...]",
		Short: "Draw each cluster's security-group flows (Mermaid or Graphviz dot)",
		Long: `Scans like eks-sg-lint and prints, instead of findings, a diagram per
cluster: the control plane, each node group and their security groups, with
the flows AWS requires (TCP 443, TCP 10250) and recommends (TCP 1025-65535,
all traffic between nodes) coloured green when proven allowed, red when
proven blocked, amber when partly blocked and grey when the files cannot
tell. Mermaid renders on GitHub; dot is Graphviz.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, paths []string) error {
			stderr := c.ErrOrStderr()
			opts, err := input.options(paths, nil)
			if err != nil {
				fmt.Fprintf(stderr, "eks-sg-lint: %s\n", esc(err.Error()))
				return exitCode(2)
			}
			out, err := newOutput("--output", output, paths)
			if err != nil {
				return err
			}
			rep := scan.Run(paths, opts)
			for _, e := range rep.Errors {
				fmt.Fprintln(stderr, report.FileErrorLine(e))
			}
			if err := out.checkNotInput(rep.Files); err != nil {
				return err
			}
			input.warnUndeclared(stderr, rep.Graph)
			if err := out.write(c.OutOrStdout(), func(w io.Writer) error { return report.WriteDiagram(w, rep.Graph, format.value) }); err != nil {
				fmt.Fprintf(stderr, "eks-sg-lint: writing the diagram: %s\n", esc(err.Error()))
				return exitCode(2)
			}
			if len(rep.Errors) > 0 {
				return exitCode(2)
			}
			return nil
		},
	}
	choiceVar(cmd, format, "format", "diagram `format`: mermaid or dot")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the diagram to `FILE` instead of standard output (its folder is created)")
	input.register(cmd.Flags())
	return cmd
}
