package scan

import (
	"path/filepath"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/terraform"
)

// A plan and the root module it was made from, both in one scan, would
// describe every resource twice. They are paired instead: the plan's
// document (its values are what apply will create) replaces the root's
// HCL document, and each planned resource is located at its block in the
// .tf files. A plan pairs with the root module in its own folder, else
// with the nearest root below its folder (plans are often written beside
// or above the configuration: `terraform -chdir=infra show -json`), when
// the plan's configuration declares only resources and module calls that
// root declares too; two equally near roots that both fit pair with
// neither. A plan elsewhere stands alone, located in the plan file.

// tfRoot is one evaluated root module and the document the scan keeps for it.
type tfRoot struct {
	res terraform.Result
	doc *graph.Document
	// alt holds the root's documents per major of a modelled module its
	// version constraint admits (nil when one): a plan knows the major.
	alt *alternatives
}

// planFile is one parsed plan.
type planFile struct {
	abs  string
	plan *terraform.Plan
	// docs are what parsing gave: the plan located in itself.
	docs *[]*graph.Document
}

// pairPlans replaces the documents of paired plans and roots, and says
// which were paired.
func pairPlans(plans []planFile, roots []*tfRoot) []graph.Notification {
	var notes []graph.Notification
	for _, p := range plans {
		r := pairFor(p, roots)
		if r == nil {
			continue
		}
		doc, planNotes := p.plan.Document(&r.res)
		if r.res.Doc != nil {
			doc.Suppressions = append(doc.Suppressions, r.res.Doc.Suppressions...)
			doc.DeclaredVars = append(doc.DeclaredVars, r.res.Doc.DeclaredVars...)
		}
		*p.docs = []*graph.Document{doc}
		r.doc, r.alt = nil, nil
		notes = append(notes, planNotes...)
		notes = append(notes, graph.Notification{Level: "note", Loc: graph.Location{File: p.plan.File},
			Message: "Terraform plan of the root module " + r.res.Dir + ": its findings point at the blocks there, and the module's HCL is not evaluated on its own"})
	}
	return notes
}

func pairFor(p planFile, roots []*tfRoot) *tfRoot {
	dir := filepath.Dir(p.abs)
	addrs, calls, hasConfig := p.plan.RootConfig()
	best, bestDepth, tie := (*tfRoot)(nil), -1, false
	for _, r := range roots {
		rd := r.res.RootDir()
		if rd == "" {
			continue
		}
		depth := 0
		if rd != dir {
			rel, err := filepath.Rel(dir, rd)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || !hasConfig {
				continue
			}
			depth = len(strings.Split(rel, string(filepath.Separator)))
		}
		if hasConfig && !r.res.HasResources(addrs, calls) {
			continue
		}
		switch {
		case best == nil || depth < bestDepth:
			best, bestDepth, tie = r, depth, false
		case depth == bestDepth:
			tie = true
		}
	}
	if tie {
		return nil
	}
	return best
}
