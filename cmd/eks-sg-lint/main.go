// Command eks-sg-lint proves, offline, that an Amazon EKS cluster's
// security groups meet AWS's requirements. This file is the CLI only:
// flags, exit codes and output selection.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/config"
	"github.com/eks-sg-lint/eks-sg-lint/internal/safetext"
	"github.com/eks-sg-lint/eks-sg-lint/report"
	"github.com/eks-sg-lint/eks-sg-lint/sarif"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

const usageText = `eks-sg-lint: prove that Amazon EKS security groups are right, offline.

Usage:
  eks-sg-lint [flags] [PATH...]
  eks-sg-lint rules
  eks-sg-lint explain RULE-ID
  eks-sg-lint graph [--format mermaid|dot] [PATH...]

Commands:
  rules            list every rule: ID, level, name and what it proves
  explain RULE-ID  print a rule's documentation page (Markdown), e.g.
                   explain EKSSG021 (IDs are case-insensitive)
  graph            draw each cluster's control plane, node groups and the
                   flows between them (Mermaid or Graphviz dot)
  A command is recognised only as the first argument: to scan a file or
  folder named "rules", "explain" or "graph", write ./rules (or put -- first).

Scans CloudFormation templates (YAML or JSON), eksctl ClusterConfig files and
AWS CLI JSON output (describe-security-groups, describe-security-group-rules,
eks describe-cluster and describe-nodegroup, ec2 describe-instances) in the
given files and folders (default "."), links them into one model, follows
security groups from clusters to node groups, and reports violations of
AWS's EKS security group requirements with exact file:line positions.
Folders are walked recursively for .yaml, .yml, .json and .template files
(.git, node_modules and vendor are skipped); files of no known format are
skipped silently unless named explicitly. A .eks-sg-lint.yaml found in the
first path's folder or a parent configures rules, paths and parameters.
No AWS credentials are read and no network is used.

Flags:
`

const usageTail = `
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or a file could not be read or parsed (the report for
     every other file is still written)

Examples:
  eks-sg-lint templates/
  eks-sg-lint --param ClusterName=prod --format sarif --output lint.sarif .
  eks-sg-lint --fail-on error nodegroup.yaml

Rules: see README.md, or https://github.com/eks-sg-lint/eks-sg-lint#rules
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type paramFlag map[string]string

func (p paramFlag) String() string { return "" }

func (p paramFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	p[k] = v
	return nil
}

func run(args []string, stdout, stderr io.Writer) int {
	if code, ok := subcommand(args, stdout, stderr); ok {
		return code
	}
	fset := flag.NewFlagSet("eks-sg-lint", flag.ContinueOnError)
	fset.SetOutput(stderr)
	format := fset.String("format", "text", "output format: text, json, sarif, github (workflow-command annotations) or markdown")
	output := fset.String("output", "", "write the report to `FILE` instead of standard output")
	failOn := fset.String("fail-on", "warning", "exit 1 when a finding is at or above this `level`: error, warning, note or never")
	params := paramFlag{}
	fset.Var(params, "param", "CloudFormation parameter value `KEY=VALUE` (repeatable; overrides defaults; AWS::StackName too)")
	verbose := fset.Bool("v", false, "verbose: show notifications (what could not be proven, skipped files) and related locations")
	showVersion := fset.Bool("version", false, "print the version and exit")
	annotations := fset.Bool("annotations", false, "also print GitHub workflow-command annotations on standard output (with --output FILE for the main report)")
	summary := fset.String("summary", "", "also append the Markdown report to `FILE` (e.g. $GITHUB_STEP_SUMMARY)")
	configPath := fset.String("config", "", "configuration `FILE` (default: .eks-sg-lint.yaml in the first path's folder or a parent)")
	maxSize := fset.Int64("max-file-size", scan.DefaultMaxFileSize, "largest file to read, in `bytes`")
	fset.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fset.PrintDefaults()
		fmt.Fprint(stderr, usageTail)
	}

	paths, code, ok := parseInterleaved(fset, args)
	if !ok {
		return code
	}
	if *showVersion {
		fmt.Fprint(stdout, versionText())
		return 0
	}
	threshold, ok := map[string]int{"error": 3, "warning": 2, "note": 1, "never": 99}[*failOn]
	if !ok {
		fmt.Fprintf(stderr, "eks-sg-lint: --fail-on must be error, warning, note or never, not %q\n", *failOn)
		return 2
	}
	switch *format {
	case "text", "json", "sarif", "github", "markdown":
	default:
		fmt.Fprintf(stderr, "eks-sg-lint: --format must be text, json, sarif, github or markdown, not %q\n", *format)
		return 2
	}

	opts, err := scanOptions(params, *configPath, paths, *maxSize)
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: config: %s\n", safetext.Line(err.Error()))
		return 2
	}
	rep := scan.Run(paths, opts)

	out := stdout
	color := false
	var file *os.File
	if *output != "" && *output != "-" {
		f, err := os.Create(*output)
		if err != nil {
			fmt.Fprintf(stderr, "eks-sg-lint: %v\n", err)
			return 2
		}
		file, out = f, f
	} else if f, ok := stdout.(*os.File); ok {
		color = isTerminal(f) && os.Getenv("NO_COLOR") == ""
	}
	w := bufio.NewWriter(out)
	switch *format {
	case "json":
		err = report.WriteJSON(w, rep)
	case "sarif":
		err = sarif.Write(w, rep)
	case "github":
		err = report.WriteGitHub(w, rep)
	case "markdown":
		err = report.WriteMarkdown(w, rep)
	default:
		err = report.WriteText(w, rep, report.TextOptions{Color: color, Verbose: *verbose})
	}
	if err == nil {
		err = w.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil && *annotations && *format != "github" {
		err = report.WriteGitHub(stdout, rep)
	}
	if err == nil && *summary != "" {
		err = appendFile(*summary, func(w io.Writer) error { return report.WriteMarkdown(w, rep) })
	}
	if err != nil {
		fmt.Fprintf(stderr, "eks-sg-lint: writing the report: %v\n", err)
		return 2
	}
	if *format != "text" {
		// Machine formats keep stdout clean; say on stderr what went wrong.
		for _, e := range rep.Errors {
			fmt.Fprintln(stderr, report.FileErrorLine(e))
		}
	}
	if len(rep.Errors) > 0 {
		return 2
	}
	for _, f := range rep.Findings {
		if f.Suppression == nil && analyzer.Level(f.Level).Rank() >= threshold {
			return 1
		}
	}
	return 0
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// appendFile appends what write produces to a file (created if missing).
func appendFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// parseInterleaved parses flags that may come before or after paths
// (`eks-sg-lint dir --format sarif`); after "--" everything is a path. ok
// is false when parsing ended the command (help: 0, error: 2).
func parseInterleaved(fset *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	rest := args
	for {
		if err := fset.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		left := fset.Args()
		// The flag package swallows "--"; after it everything is a path.
		if consumed := len(rest) - len(left); consumed > 0 && rest[consumed-1] == "--" {
			return append(paths, left...), 0, true
		}
		if len(left) == 0 {
			return paths, 0, true
		}
		paths = append(paths, left[0])
		rest = left[1:]
	}
}

// writeFileWith creates a file and writes it with write.
func writeFileWith(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// scanOptions builds the scan's options from the command line and the
// configuration file (shared by the scan and `graph`).
func scanOptions(params map[string]string, configPath string, paths []string, maxSize int64) (scan.Options, error) {
	opts := scan.Options{Params: params, MaxFileSize: maxSize, ToolName: "eks-sg-lint", Version: toolVersion()}
	cfg, err := loadConfig(configPath, paths)
	if err != nil || cfg == nil {
		return opts, err
	}
	wd, _ := os.Getwd()
	cfg.Display = scan.DisplayPath(cfg.Dir+string(os.PathSeparator)+filepath.Base(cfg.File), wd)
	opts.Rules = cfg.ApplyRules(analyzer.All())
	opts.Exclude = cfg.Excluded
	opts.ParamsFor = cfg.ParamsFor
	absOf := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(wd, filepath.FromSlash(p))
	}
	opts.ExternalSuppression = func(f analyzer.Finding) *analyzer.Suppression { return cfg.Suppression(f, absOf) }
	return opts, nil
}

// loadConfig reads --config, or finds .eks-sg-lint.yaml from the first
// path's folder upwards; no file found is no configuration.
func loadConfig(explicit string, paths []string) (*config.Config, error) {
	if explicit != "" {
		return config.Load(explicit)
	}
	start := "."
	if len(paths) > 0 {
		start = paths[0]
		if st, err := os.Stat(start); err == nil && !st.IsDir() {
			start = filepath.Dir(start)
		}
	}
	if found, ok := config.Find(start); ok {
		return config.Load(found)
	}
	return nil, nil
}
