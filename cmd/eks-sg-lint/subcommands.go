package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/docs"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

const rulesUsage = `Usage: eks-sg-lint rules

Lists every rule: ID, default level, name and what it proves.
`

const explainUsage = `Usage: eks-sg-lint explain RULE-ID

Prints a rule's documentation page (Markdown): what it proves, the AWS
requirement behind it, failing and passing examples, how to fix and how to
suppress it. RULE-ID is case-insensitive, e.g. EKSSG021 or ekssg021.
`

// subcommand runs `eks-sg-lint rules|explain …`; ok is false when args do
// not start with a subcommand. Only the first argument names a
// subcommand, so `eks-sg-lint ./rules` (or `eks-sg-lint -- rules`) scans a
// file or folder named "rules".
func subcommand(args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case "rules":
		return runRules(args[1:], stdout, stderr), true
	case "explain":
		return runExplain(args[1:], stdout, stderr), true
	case "graph":
		return runGraph(args[1:], stdout, stderr), true
	}
	return 0, false
}

// isHelp reports whether args ask for help.
func isHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help")
}

func runRules(args []string, stdout, stderr io.Writer) int {
	if isHelp(args) {
		fmt.Fprint(stdout, rulesUsage)
		return 0
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "eks-sg-lint: rules takes no arguments, got %q (to scan a path named \"rules\", write ./rules)\n\n%s", strings.Join(args, " "), rulesUsage)
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLEVEL\tNAME\tDESCRIPTION")
	for _, a := range analyzer.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", a.ID, a.Level, a.Name, a.Short)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: %v\n", err)
		return 2
	}
	return 0
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	if isHelp(args) {
		fmt.Fprint(stdout, explainUsage)
		return 0
	}
	if len(args) != 1 {
		if len(args) == 0 {
			fmt.Fprintf(stderr, "eks-sg-lint: explain needs a rule ID\n\n%s", explainUsage)
		} else {
			fmt.Fprintf(stderr, "eks-sg-lint: explain takes one rule ID, got %d arguments\n\n%s", len(args), explainUsage)
		}
		return 2
	}
	id := strings.ToUpper(strings.TrimSpace(args[0]))
	a := analyzer.ByID(id)
	if a == nil {
		fmt.Fprintf(stderr, "eks-sg-lint: unknown rule %q; valid IDs: %s\n", args[0], strings.Join(ruleIDs(), ", "))
		return 2
	}
	page, ok := docs.Rule(a.ID)
	if !ok {
		// Tests make sure every rule has a page; say so if one is missing.
		fmt.Fprintf(stderr, "eks-sg-lint: rule %s has no documentation page (docs/rules/%s.md); see %s\n", a.ID, a.ID, a.HelpURI())
		return 2
	}
	if _, err := io.WriteString(stdout, page); err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: %v\n", err)
		return 2
	}
	return 0
}

func ruleIDs() []string {
	var ids []string
	for _, a := range analyzer.All() {
		ids = append(ids, a.ID)
	}
	return ids
}

const graphUsage = `Usage: eks-sg-lint graph [flags] [PATH...]

Scans like eks-sg-lint and prints, instead of findings, a diagram per
cluster: the control plane, each node group and their security groups, with
the flows AWS requires (TCP 443, TCP 10250) and recommends (TCP 1025-65535,
all traffic between nodes) coloured green when proven allowed, red when
proven blocked, amber when partly blocked and grey when the files cannot
tell. Mermaid renders on GitHub; dot is Graphviz.

Flags:
`

func runGraph(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("eks-sg-lint graph", flag.ContinueOnError)
	fset.SetOutput(stderr)
	format := fset.String("format", "mermaid", "diagram format: mermaid or dot")
	output := fset.String("output", "", "write the diagram to `FILE` instead of standard output")
	configPath := fset.String("config", "", "configuration `FILE`")
	params := paramFlag{}
	fset.Var(params, "param", "CloudFormation parameter value `KEY=VALUE` (repeatable)")
	fset.Usage = func() {
		fmt.Fprint(stderr, graphUsage)
		fset.PrintDefaults()
	}
	paths, code, ok := parseInterleaved(fset, args)
	if !ok {
		return code
	}
	if *format != "mermaid" && *format != "dot" {
		fmt.Fprintf(stderr, "eks-sg-lint graph: --format must be mermaid or dot, not %q\n", *format)
		return 2
	}
	opts, err := scanOptions(params, *configPath, paths, scan.DefaultMaxFileSize)
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: config: %s\n", safetext.Line(err.Error()))
		return 2
	}
	rep := scan.Run(paths, opts)
	for _, e := range rep.Errors {
		fmt.Fprintln(stderr, report.FileErrorLine(e))
	}
	write := func(w io.Writer) error { return report.WriteDiagram(w, rep.Graph, *format) }
	if *output != "" && *output != "-" {
		err = writeFileWith(*output, write)
	} else {
		err = write(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: writing the diagram: %v\n", err)
		return 2
	}
	if len(rep.Errors) > 0 {
		return 2
	}
	return 0
}
