package main

import "io"

// subcommand runs `eks-sg-lint rules|explain|graph …`; ok is false when
// args do not start with a subcommand.
func subcommand(args []string, stdout, stderr io.Writer) (code int, ok bool) {
	return 0, false
}
