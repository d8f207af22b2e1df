// Command genrepo writes a synthetic repository of N templates copied from
// the test corpus, for eks-sg-lint's performance harness (see
// docs/performance.md and scripts/bench.sh):
//
//	go -C tools run ./genrepo -n 10000 -out /tmp/repo
//
// Files go 100 to a folder in nested folders (gNNN/dNNNN/). Each copy of
// the corpus rewrites literal cluster names (prod -> prod-<copy>) and
// physical sg-… IDs, so that clusters of different copies stay apart;
// -keep-names copies verbatim instead (every copy of a template then joins
// the same cluster: the adversarial many-node-groups case).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/scripts/genrepo/gen"
)

func main() {
	n := flag.Int("n", 10000, "number of files to write")
	out := flag.String("out", "", "output `folder` (created; must be empty)")
	perDir := flag.Int("per-dir", 100, "files per folder")
	keep := flag.Bool("keep-names", false, "copy files verbatim (no per-copy cluster names or sg IDs)")
	root := flag.String("root", "", "eks-sg-lint repository root (default: found from the working directory)")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: genrepo -out FOLDER [-n N] [-per-dir N] [-keep-names] [-root DIR]")
		os.Exit(2)
	}
	if *root == "" {
		wd, _ := os.Getwd()
		r, err := gen.FindRoot(wd)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genrepo:", err)
			os.Exit(2)
		}
		*root = r
	}
	st, err := gen.Generate(*out, gen.Options{Root: *root, N: *n, PerDir: *perDir, KeepNames: *keep})
	if err != nil {
		fmt.Fprintln(os.Stderr, "genrepo:", err)
		os.Exit(1)
	}
	fmt.Printf("genrepo: wrote %d files (%.1f MB) in %d folders under %s from %d corpus files (%d with renamed clusters)\n",
		st.Files, float64(st.Bytes)/1e6, st.Dirs, *out, st.Sources, st.Renamed)
	if len(st.Verbatim) > 0 {
		fmt.Printf("genrepo: copied verbatim (renaming changed their meaning): %s\n", strings.Join(st.Verbatim, ", "))
	}
}
