package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/config"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/scan"
)

// inputFlags are the flags that say how inputs are read, shared by the
// scan and `graph`: parameter values, the config file, the size limit.
// Flags for further input kinds are added here, in register and options.
type inputFlags struct {
	params     paramFlag
	vars       paramFlag
	varFiles   []string
	configPath string
	maxSize    int64
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	f.params = paramFlag{}
	fs.Var(f.params, "param", "CloudFormation parameter value `KEY=VALUE` (repeatable; overrides defaults; AWS::StackName too)")
	f.vars = paramFlag{}
	fs.Var(f.vars, "var", "Terraform root-module variable `NAME=VALUE` (repeatable; wins over terraform.tfvars, *.auto.tfvars and --var-file)")
	fs.StringArrayVar(&f.varFiles, "var-file", nil, "Terraform variables `FILE` (.tfvars or .tfvars.json; repeatable, read in order after terraform.tfvars and *.auto.tfvars)")
	fs.StringVar(&f.configPath, "config", "", "configuration `FILE` (default: .eks-sg-lint.yaml in the first path's folder or a parent)")
	fs.Int64Var(&f.maxSize, "max-file-size", scan.DefaultMaxFileSize, "largest file to read, in `bytes`")
}

// options builds the scan's options from these flags and the configuration
// file; rules, when set, adjusts the config's rule choices first (the
// command line wins over the file).
func (f *inputFlags) options(paths []string, rules *ruleChoice) (scan.Options, error) {
	opts := scan.Options{Params: f.params, MaxFileSize: f.maxSize, ToolName: "eks-sg-lint", Version: toolVersion(),
		TerraformVars: f.vars}
	for _, vf := range f.varFiles {
		if abs, err := filepath.Abs(vf); err == nil {
			vf = abs
		}
		opts.TerraformVarFiles = append(opts.TerraformVarFiles, vf)
	}
	cfg, err := loadConfig(f.configPath, paths)
	if err != nil {
		return opts, fmt.Errorf("config: %w", err)
	}
	if cfg == nil {
		if rules == nil || rules.empty() {
			return opts, nil
		}
		cfg = &config.Config{}
	}
	if rules != nil {
		rules.applyTo(cfg)
	}
	opts.Rules = cfg.ApplyRules(analyzer.All())
	if cfg.File == "" {
		return opts, nil // only the command line's rule choices
	}
	wd, _ := os.Getwd()
	cfg.Display = scan.DisplayPath(cfg.Dir+string(os.PathSeparator)+filepath.Base(cfg.File), wd)
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

type paramFlag map[string]string

func (p paramFlag) String() string { return "" }

func (p paramFlag) Type() string { return "KEY=VALUE" }

func (p paramFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	p[k] = v
	return nil
}

// choiceFlag is a string flag with a fixed set of values: a wrong value is
// a usage error naming the choices, and shells complete them.
type choiceFlag struct {
	value   string
	choices []string
}

func newChoice(def string, choices ...string) *choiceFlag {
	return &choiceFlag{value: def, choices: choices}
}

func (c *choiceFlag) String() string { return c.value }

func (c *choiceFlag) Type() string { return "string" }

func (c *choiceFlag) Set(s string) error {
	for _, ch := range c.choices {
		if s == ch {
			c.value = s
			return nil
		}
	}
	return fmt.Errorf("must be %s, not %q", orList(c.choices), s)
}

// complete lets shells offer the choices.
func (c *choiceFlag) complete(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return c.choices, cobra.ShellCompDirectiveNoFileComp
}

// orList writes "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// choiceVar registers a choice flag with its completion.
func choiceVar(cmd *cobra.Command, c *choiceFlag, name, usage string) {
	cmd.Flags().Var(c, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, c.complete) // fails only for an unknown flag name
}

// ruleChoice is --enable and --disable: rule IDs or names, repeatable,
// meaning what `rules: {ID: {enabled: true|false}}` means in the config
// file, which they override.
type ruleChoice struct {
	enable, disable []string
}

func (r *ruleChoice) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&r.enable, "enable", nil, "run `RULE` (ID or name, repeatable) even if the config file disables it")
	cmd.Flags().StringArrayVar(&r.disable, "disable", nil, "do not run `RULE` (ID or name, repeatable), like enabled: false in the config file")
	for _, name := range []string{"enable", "disable"} {
		_ = cmd.RegisterFlagCompletionFunc(name, completeRules)
	}
}

func (r *ruleChoice) empty() bool { return len(r.enable) == 0 && len(r.disable) == 0 }

// validate resolves names to IDs (in place) and rejects unknown rules and
// a rule both enabled and disabled.
func (r *ruleChoice) validate() error {
	resolve := func(flag string, list []string) error {
		for i, s := range list {
			a := ruleByIDOrName(s)
			if a == nil {
				return usageErrorf("--%s %s: no such rule; `eks-sg-lint rules` lists them", flag, s)
			}
			list[i] = a.ID
		}
		return nil
	}
	if err := resolve("enable", r.enable); err != nil {
		return err
	}
	if err := resolve("disable", r.disable); err != nil {
		return err
	}
	for _, e := range r.enable {
		for _, d := range r.disable {
			if e == d {
				return usageErrorf("--enable and --disable both name %s", e)
			}
		}
	}
	return nil
}

func (r *ruleChoice) applyTo(cfg *config.Config) {
	if cfg.Rules == nil {
		cfg.Rules = map[string]config.Rule{}
	}
	set := func(ids []string, on bool) {
		for _, id := range ids {
			rule := cfg.Rules[id]
			v := on
			rule.Enabled = &v
			cfg.Rules[id] = rule
		}
	}
	set(r.enable, true)
	set(r.disable, false)
}

// ruleByIDOrName finds a rule by its ID or its name, ignoring case.
func ruleByIDOrName(s string) *analyzer.Analyzer {
	s = strings.TrimSpace(s)
	if a := analyzer.ByID(strings.ToUpper(s)); a != nil {
		return a
	}
	for _, a := range analyzer.All() {
		if strings.EqualFold(a.Name, s) {
			return a
		}
	}
	return nil
}

// completeRules offers rule IDs and names, each described by its rule.
func completeRules(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, a := range analyzer.All() {
		out = append(out, a.ID+"\t"+a.Name, a.Name+"\t"+a.ID)
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// warnUndeclared says, on stderr, which --param (CloudFormation) or --var
// (Terraform) names no scanned input declares: a typo (ClustrName) would
// otherwise be ignored silently. Pseudo parameters (AWS::StackName, …)
// need no declaration.
func (f *inputFlags) warnUndeclared(w io.Writer, g *graph.Graph) {
	var params, vars map[string]bool
	if g != nil {
		params, vars = g.DeclaredParams, g.DeclaredVars
	}
	warn := func(flag, what string, given map[string]string, declared map[string]bool) {
		names := make([]string, 0, len(given))
		for name := range given {
			if !declared[name] && !(flag == "--param" && strings.HasPrefix(name, "AWS::")) {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			hint := ""
			if near := closest(name, declared); near != "" {
				hint = "; did you mean " + near + "?"
			}
			fmt.Fprintf(w, "eks-sg-lint: warning: %s %s: no scanned input declares a %s named %s%s\n", flag, esc(name), what, esc(name), esc(hint))
		}
	}
	warn("--param", "parameter", f.params, params)
	warn("--var", "variable", f.vars, vars)
}

// closest is the declared name nearest to name (at most 2 edits, case
// ignored), "" when none is.
func closest(name string, declared map[string]bool) string {
	best, bestDist := "", 3
	for d := range declared {
		if dist := editDistance(strings.ToLower(name), strings.ToLower(d)); dist < bestDist || (dist == bestDist && d < best) {
			best, bestDist = d, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance, on bytes (names are ASCII).
func editDistance(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return 1 << 30 // not a typo of a parameter name
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
