package main

import "github.com/eks-sg-lint/eks-sg-lint/internal/safetext"

// esc makes untrusted text (file names, IDs, messages, what the user typed)
// safe to print on one line of a terminal or CI log.
func esc(s string) string { return safetext.Line(s) }
