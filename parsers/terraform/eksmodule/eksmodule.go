// Package eksmodule is eks-sg-lint's built-in knowledge of the Terraform
// module terraform-aws-modules/eks/aws: for each major version it models, a
// small Terraform module of our own (embedded .tf files) that creates what
// the real one creates for security groups, from the facts recorded, with
// citations, in docs/terraform-aws-eks-module.md. The Terraform parser
// evaluates it in place of the module when no downloaded copy is at hand.
//
// Each model file cites the real module's file at the major's tag in
// comments of the form
//
//	# @ node_groups.tf:216-223 cause: node_security_group_tags, tags
//
// placed right above the block or argument they describe: "@" names the
// module's file and line, "cause:" the caller's arguments that a finding on
// that block points at (the first one the caller wrote; the module block
// itself when none is, because a default caused it). A cause is an argument
// (`tags`), a key inside one (`eks_managed_node_group_defaults.remote_access`)
// or a key inside any element of one (`eks_managed_node_groups.*.remote_access`).
//
// Each major is a module of its own, much of it repeated from the next on
// purpose: the majors differ in small ways (rule sets, defaults, renamed
// arguments, per-group SGs) that a shared template would hide, and each
// file cites the lines of its own tag.
package eksmodule

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	version "github.com/hashicorp/go-version"
)

//go:embed v18 v19 v20 v21
var models embed.FS

// Major is one modelled major version.
type Major struct {
	Number int
	// Tag is the release tag the model was read at (the last of the major
	// when it was written).
	Tag string
}

// Label names the module and tag, for messages.
func (m Major) Label() string { return "terraform-aws-modules/eks/aws " + m.Tag }

// SourceFile is the address of a file of the real module at the model's
// tag, as a related location shows it (a page the user can open).
func (m Major) SourceFile(file string) string {
	return "https://github.com/terraform-aws-modules/terraform-aws-eks/blob/" + m.Tag + "/" + file
}

// Majors are the modelled majors, newest first: Terraform installs the
// newest version a constraint admits, so the first admitted is the one a
// fresh `terraform init` gets.
var Majors = []Major{{21, "v21.19.0"}, {20, "v20.37.2"}, {19, "v19.21.0"}, {18, "v18.31.2"}}

// Files returns the model of a major: paths relative to the module's root
// ("main.tf", "modules/eks-managed-node-group/main.tf") to contents.
func Files(major int) map[string][]byte {
	out := map[string][]byte{}
	root := "v" + strconv.Itoa(major)
	_ = fs.WalkDir(models, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := models.ReadFile(p)
		if err == nil {
			out[strings.TrimPrefix(p, root+"/")] = data
		}
		return err
	})
	return out
}

// registrySource matches the registry address of the module, with or
// without the registry host, and a `//subdir`.
var registrySource = regexp.MustCompile(`^(?i)(?:registry\.terraform\.io/|registry\.opentofu\.org/)?terraform-aws-modules/eks/aws(?://([^?]*))?$`)

// gitSource matches the module's GitHub repository as a Git or GitHub
// source, capturing a `//subdir` and the query (a `ref`).
var gitSource = regexp.MustCompile(`^(?i)(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]terraform-aws-modules/terraform-aws-eks(?:\.git)?(?://([^?]*))?(?:\?(.*))?$`)

// Submodules are the folders of the module a caller may name with
// `//subdir` that are modelled: the node-group submodules, whose model
// variables carry the real ones' names.
var Submodules = map[string]bool{"modules/eks-managed-node-group": true, "modules/self-managed-node-group": true}

// Source reports whether a module source is this module (sub is its
// `//subdir`, "" for the root; ok is false for a submodule not modelled),
// and the version it pins itself (a Git `ref`), if any.
func Source(source string) (ok bool, sub, ref string) {
	var query string
	if m := registrySource.FindStringSubmatch(source); m != nil {
		sub = m[1]
	} else if m := gitSource.FindStringSubmatch(source); m != nil {
		sub, query = m[1], m[2]
	} else {
		return false, "", ""
	}
	sub = strings.Trim(path.Clean("/"+sub), "/")
	if sub != "" && !Submodules[sub] {
		return false, sub, ""
	}
	for _, kv := range strings.Split(query, "&") {
		if v, found := strings.CutPrefix(kv, "ref="); found {
			ref = strings.TrimPrefix(v, "v")
		}
	}
	return true, sub, ref
}

// Admitted lists the modelled majors a version constraint admits, newest
// first. An empty constraint admits every one. older is true when the
// constraint also admits majors older than the oldest modelled.
func Admitted(constraint string) (majors []Major, older bool, err error) {
	constraint = strings.TrimSpace(constraint)
	if constraint == "" {
		return Majors, true, nil
	}
	cs, err := version.NewConstraint(constraint)
	if err != nil {
		return nil, false, fmt.Errorf("version constraint %q: %w", constraint, err)
	}
	// A major is admitted when some release of it satisfies the
	// constraint. Candidates: the major's first and last known releases
	// and every version the constraint names (an exact pin, a bound).
	var named []*version.Version
	for _, c := range cs {
		if v, err := version.NewVersion(strings.TrimLeft(c.String(), "=!<>~ ")); err == nil {
			named = append(named, v)
		}
	}
	admits := func(major int, last string) bool {
		cands := []string{fmt.Sprintf("%d.0.0", major), last}
		for _, v := range named {
			if s := v.Segments(); len(s) > 0 && s[0] == major {
				cands = append(cands, v.String())
				// just past a bound: ">20.8.5" admits 20.8.6
				cands = append(cands, fmt.Sprintf("%d.%d.%d", s[0], seg(s, 1), seg(s, 2)+1), fmt.Sprintf("%d.%d.0", s[0], seg(s, 1)+1))
			}
		}
		for _, c := range cands {
			if v, err := version.NewVersion(c); err == nil && cs.Check(v) {
				return true
			}
		}
		return false
	}
	for _, m := range Majors {
		if admits(m.Number, strings.TrimPrefix(m.Tag, "v")) {
			majors = append(majors, m)
		}
	}
	for major := 1; major < Majors[len(Majors)-1].Number; major++ {
		if admits(major, fmt.Sprintf("%d.999.999", major)) {
			older = true
			break
		}
	}
	return majors, older, nil
}

func seg(s []int, i int) int {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// onlyIn are arguments that exist only in some majors: Terraform rejects
// an argument the module does not declare, so a call that writes one
// cannot be using the other majors. From the variable lists of
// variables.tf at each tag (docs/terraform-aws-eks-module.md, section 1).
var onlyIn = map[string][]int{
	// renamed in v21 (variables.tf@v21.19.0 against variables.tf@v20.37.2)
	"cluster_name": {18, 19, 20}, "cluster_version": {18, 19, 20},
	"cluster_endpoint_private_access": {18, 19, 20}, "cluster_endpoint_public_access": {18, 19, 20},
	"cluster_endpoint_public_access_cidrs": {18, 19, 20}, "cluster_additional_security_group_ids": {18, 19, 20},
	"create_cluster_security_group": {18, 19, 20}, "cluster_security_group_id": {18, 19, 20},
	"cluster_security_group_additional_rules": {18, 19, 20}, "cluster_security_group_tags": {18, 19, 20},
	"create_cluster_primary_security_group_tags": {18, 19, 20}, "cluster_ip_family": {18, 19, 20},
	"eks_managed_node_group_defaults": {18, 19, 20}, "self_managed_node_group_defaults": {18, 19, 20},
	"name": {21}, "kubernetes_version": {21}, "endpoint_private_access": {21}, "endpoint_public_access": {21},
	"endpoint_public_access_cidrs": {21}, "additional_security_group_ids": {21}, "create_security_group": {21},
	"security_group_id": {21}, "security_group_additional_rules": {21}, "security_group_tags": {21},
	"create_primary_security_group_tags": {21}, "ip_family": {21},
	// added in v19 (variables.tf@v19.21.0:339)
	"node_security_group_enable_recommended_rules": {19, 20, 21},
	// v18 only (variables.tf@v18.31.2:326)
	"node_security_group_ntp_ipv4_cidr_block": {18},
	// v20 only at the root (node_groups.tf@v20.37.2:186)
	"enable_efa_support": {20},
}

// Narrow keeps the majors that declare every argument written; excluded
// names, for each major left out, an argument that rules it out.
func Narrow(majors []Major, args []string) (kept []Major, excluded map[int]string) {
	sort.Strings(args)
	excluded = map[int]string{}
	for _, m := range majors {
		for _, a := range args {
			if in, known := onlyIn[a]; known && !contains(in, m.Number) {
				excluded[m.Number] = a
				break
			}
		}
		if _, out := excluded[m.Number]; !out {
			kept = append(kept, m)
		}
	}
	return kept, excluded
}

func contains(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// Annotation is one "# @ … cause: …" comment of a model file.
type Annotation struct {
	// File and Line cite the real module's file (Line 0: the file only).
	File string
	Line int
	// Causes are the caller's arguments, most specific first.
	Causes []string
}

// ParseAnnotation reads a comment's text ("# @ main.tf:342 cause: a, b");
// ok is false for any other comment.
func ParseAnnotation(comment string) (a Annotation, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(comment), "# @ ")
	if !found {
		return a, false
	}
	cite, causes, _ := strings.Cut(rest, " cause: ")
	cite = strings.TrimSpace(cite)
	file, lines, _ := strings.Cut(cite, ":")
	a.File = path.Clean(file)
	if first, _, _ := strings.Cut(lines, "-"); first != "" {
		a.Line, _ = strconv.Atoi(first)
	}
	for _, c := range strings.Split(causes, ",") {
		if c = strings.TrimSpace(c); c != "" {
			a.Causes = append(a.Causes, c)
		}
	}
	return a, true
}
