package scan

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/analyzer"
	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers"
	"github.com/eks-sg-lint/eks-sg-lint/report"
)

// splitTerraform takes Terraform's files out of the per-file inputs: a
// folder of .tf files is one module and is read as a whole. It returns the
// other inputs and the folders (absolute, sorted) that hold .tf files.
// Folders under .terraform (modules `terraform init` downloaded) are not
// modules of their own.
func splitTerraform(inputs []input) ([]input, []string) {
	rest := inputs[:0:0]
	dirs := map[string]bool{}
	for _, in := range inputs {
		lower := strings.ToLower(in.abs)
		switch {
		case parsers.IsTerraformFile(lower):
			if !strings.Contains(filepath.ToSlash(in.abs), "/.terraform/") {
				dirs[filepath.Dir(in.abs)] = true
			}
		case strings.HasSuffix(lower, ".tfvars") || strings.HasSuffix(lower, ".tfvars.json"):
			// read with its module, not as a file of its own: a changed
			// variables file rescans the module it sets
			if in.explicit && !strings.Contains(filepath.ToSlash(in.abs), "/.terraform/") {
				dirs[filepath.Dir(in.abs)] = true
			}
		default:
			rest = append(rest, in)
		}
	}
	out := make([]string, 0, len(dirs))
	for d := range dirs {
		out = append(out, d)
	}
	sort.Strings(out)
	return rest, out
}

// scanTerraform evaluates the Terraform folders and adds what they give to
// the report's inputs; each root's document (and its variants) may yet
// give way to a plan of it (pairPlans).
func scanTerraform(dirs []string, wd string, opts Options) (roots []*tfRoot, files []string, errs []report.FileError, notes []graph.Notification) {
	if len(dirs) == 0 {
		return nil, nil, nil, nil
	}
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	res := parsers.ParseTerraform(dirs, parsers.TerraformOptions{
		Display:  func(abs string) string { return DisplayPath(abs, wd) },
		Vars:     opts.TerraformVars,
		VarFiles: opts.TerraformVarFiles,
		MaxSize:  limit,
	})
	for _, r := range res {
		root := &tfRoot{res: r, doc: r.Doc}
		if len(r.Variants) > 1 {
			a := alternatives{files: map[string]bool{}, docs: r.Variants}
			for _, f := range r.Files {
				a.files[f] = true
			}
			root.alt = &a
		}
		roots = append(roots, root)
		files = append(files, r.Files...)
		for _, e := range r.Errors {
			errs = append(errs, report.FileError{Loc: e.Loc, Message: e.Msg})
		}
		notes = append(notes, r.Notes...)
	}
	return roots, files, errs, notes
}

// alternatives are a Terraform root's documents, one per major of a
// modelled module its version constraint admits.
type alternatives struct {
	files map[string]bool
	docs  []*graph.Document
}

// holdInEveryVariant keeps, of the findings in a root's files, those that
// each of its variants, analysed alone, also reports: the same rule at the
// same place (the messages may differ: a v18 node group has one more
// group). Findings elsewhere are kept as they are. A finding that only a
// link with other files of the scan makes is not kept for such a root: the
// variants are analysed without them.
func holdInEveryVariant(findings []analyzer.Finding, alts []alternatives, rules []*analyzer.Analyzer) []analyzer.Finding {
	site := func(f analyzer.Finding) string { return f.RuleID + "\x00" + f.Loc.String() }
	for _, a := range alts {
		var every map[string]bool
		for _, d := range a.docs {
			got, _ := analyzer.Run(graph.Merge([]*graph.Document{d}), rules)
			seen := map[string]bool{}
			for _, f := range got {
				if every == nil || every[site(f)] {
					seen[site(f)] = true
				}
			}
			every = seen
		}
		kept := findings[:0:0]
		for _, f := range findings {
			if !a.files[f.Loc.File] || every[site(f)] {
				kept = append(kept, f)
			}
		}
		findings = kept
	}
	return findings
}
