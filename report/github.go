package report

import "io"

// WriteGitHub writes GitHub Actions workflow commands (::error file=…::),
// one per finding, so pull requests get annotations without code scanning.
func WriteGitHub(w io.Writer, r *Report) error { return nil }
