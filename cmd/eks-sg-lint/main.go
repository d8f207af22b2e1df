// Command eks-sg-lint proves, offline, that an Amazon EKS cluster's
// security groups meet AWS's requirements. This package is the CLI only:
// commands, flags, exit codes and output selection (spf13/cobra parses the
// command line, prints help and generates shell completion).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/eks-sg-lint/eks-sg-lint/internal/batchgc"
)

func main() {
	batchgc.Configure()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitCode ends a command with a code after it has printed what went wrong.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageErrorf is a mistake on the command line: run prints it with a
// pointer to --help and exits 2.
func usageErrorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// commandNames are the words recognised as a command when they are the
// first argument (cobra's own __complete included, which shells call).
var commandNames = map[string]bool{
	"rules": true, "explain": true, "graph": true, "version": true, "help": true, "completion": true,
	cobra.ShellCompRequestCmd: true, cobra.ShellCompNoDescRequestCmd: true,
}

// run is the whole CLI; main only adds the process's streams and exit.
//
// A command is recognised only as the first argument, so `eks-sg-lint -v
// rules` scans a folder named rules: when the first argument is not a
// command, the root command runs alone (cobra would otherwise look for a
// command among the paths).
func run(args []string, stdout, stderr io.Writer) int {
	withCommands := len(args) > 0 && commandNames[args[0]]
	root := newRootCommand(stdout, stderr, withCommands)
	root.SetArgs(normalizeArgs(root, args))
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	if cmd == nil {
		cmd = root
	}
	fmt.Fprintf(stderr, "eks-sg-lint: %s\nRun '%s --help' for usage.\n", esc(err.Error()), cmd.CommandPath())
	return 2
}

// singleDashLongRe is a long flag written with one dash (-format), as Go's
// flag package, which earlier versions used, accepts.
var singleDashLongRe = regexp.MustCompile(`^-([a-z][a-z0-9-]+)(=.*)?$`)

// normalizeArgs rewrites `-format x` to `--format x` for the long flags of
// any command, so command lines written for earlier versions keep working;
// everything after "--" is a path and left alone.
func normalizeArgs(root *cobra.Command, args []string) []string {
	long := map[string]bool{"help": true}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) { long[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if m := singleDashLongRe.FindStringSubmatch(a); m != nil && long[m[1]] {
			out[i] = "-" + a
		}
	}
	return out
}
