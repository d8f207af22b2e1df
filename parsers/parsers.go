// Package parsers detects the format of a file by its content and hands it
// to the parser for that format. Parsers produce graph facts; they never
// judge.
package parsers

import (
	"bytes"
	"errors"
	"path"
	"strings"

	"github.com/eks-sg-lint/eks-sg-lint/graph"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/awsjson"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/cloudformation"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/eksctl"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/terraform"
	"github.com/eks-sg-lint/eks-sg-lint/parsers/yamltree"
	yaml "go.yaml.in/yaml/v3"
)

// Options are the user's inputs that parsers need.
type Options struct {
	// Params are CloudFormation parameter values (--param K=V).
	Params map[string]string
}

// Result is what parsing one file gave.
type Result struct {
	// Format names the recognised format ("cloudformation"), or "" when the
	// file is not one the tool reads.
	Format string
	// Ours says the file is one of the tool's inputs: a format was
	// recognised, or (when parsing failed) its content carries the markers
	// of one (see Ours). A broken file that is ours is an error; one that is
	// not (a Helm template, a JSONC tsconfig) is skipped.
	Ours  bool
	Docs  []*graph.Document
	Notes []graph.Notification
	// Plan is the decoded Terraform plan (Format "terraform-plan"), for the
	// scan to locate it at the HCL it was made from when that is scanned too.
	Plan *terraform.Plan
}

// FileError is an error at a position of a file (Line 0 when unknown).
type FileError = yamltree.Error

// Parse reads one file's bytes. file is the name used in locations; its
// extension decides only whether a file starting with '{' may be YAML.
func Parse(file string, data []byte, opts Options) (res Result, err error) {
	data, err = decode(data)
	if err != nil {
		res.Ours = Ours(data)
		return res, positioned(err)
	}
	var ends yamltree.Ends // where JSON values end, for locations
	docs, warnings, asYAML, err := parseTree(file, data, &ends)
	for _, w := range warnings {
		res.Notes = append(res.Notes, graph.Notification{Level: "warning", Message: w.Msg,
			Loc: graph.Location{File: file, Line: w.Line, Column: w.Column}})
	}
	if err != nil {
		res.Ours = Ours(data)
		return res, positioned(err)
	}
	for _, d := range docs {
		var doc *graph.Document
		var err error
		switch {
		case terraform.IsPlan(d):
			res.Format = "terraform-plan"
			var plan *terraform.Plan
			if plan, err = terraform.DecodePlan(file, data, d); err == nil {
				var notes []graph.Notification
				doc, notes = plan.Document(nil)
				res.Plan, res.Notes = plan, append(res.Notes, notes...)
			}
		case cloudformation.IsTemplate(d):
			res.Format = "cloudformation"
			doc, err = cloudformation.Parse(file, d, cloudformation.Options{Params: opts.Params})
		case eksctl.IsClusterConfig(d):
			res.Format = "eksctl"
			doc, err = eksctl.Parse(file, d)
		case cloudformation.IsAssetManifest(d):
			// cdk.out/<stack>.assets.json: where nested templates are.
			res.Format = "cdk-assets"
			doc = cloudformation.ParseAssetManifest(file, d)
		case awsjson.Detect(d) != "":
			res.Format = "aws-cli-json"
			doc, err = awsjson.Parse(file, d)
		default:
			continue
		}
		res.Ours = true
		if err != nil {
			return res, positioned(err)
		}
		fillEnds(doc, ends)
		res.Docs = append(res.Docs, doc)
	}
	if len(res.Docs) > 0 && asYAML {
		// JSON has no comments: only CloudFormation Metadata and the config
		// file suppress there.
		sups, notes := commentSuppressions(file, data, docs)
		res.Docs[0].Suppressions = append(res.Docs[0].Suppressions, sups...)
		res.Notes = append(res.Notes, notes...)
	}
	return res, nil
}

// parseTree parses data as strict JSON when it starts like JSON, else as
// YAML. The JSON path is an optimisation and a strictness check for JSON
// files: a file not named .json that fails it (YAML flow style, JSON with
// a '#' comment in a .yaml file) is read as YAML. asYAML says which parser
// gave the tree (only YAML has comments).
//
// ends receives the end positions of the JSON tree (none for YAML).
func parseTree(file string, data []byte, ends *yamltree.Ends) (docs []*yaml.Node, warnings []yamltree.Warning, asYAML bool, err error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] != '{' && trimmed[0] != '[' {
		docs, warnings, err = yamltree.Parse(data, yamltree.Options{})
		return docs, warnings, true, err
	}
	docs, warnings, err = yamltree.Parse(data, yamltree.Options{JSON: true, Ends: ends})
	ext := strings.ToLower(path.Ext(file))
	if err == nil || ext == ".json" {
		return docs, warnings, false, err
	}
	*ends = nil // read as YAML: its positions are the tree's
	yDocs, yWarnings, yErr := yamltree.Parse(data, yamltree.Options{})
	if yErr == nil {
		return yDocs, yWarnings, true, nil
	}
	if ext == ".yaml" || ext == ".yml" {
		return nil, yWarnings, true, yErr // what the author meant to write
	}
	return nil, warnings, false, err
}

// positioned turns a parser's error into a FileError, keeping its position
// when the parser gave one (any error with Line and Column fields).
func positioned(err error) *FileError {
	var p interface{ Position() (int, int) }
	if errors.As(err, &p) {
		line, col := p.Position()
		msg := err.Error()
		if m, ok := err.(interface{ Message() string }); ok {
			msg = m.Message()
		}
		return &FileError{Line: line, Column: col, Msg: msg}
	}
	return &FileError{Msg: err.Error()}
}

// TerraformOptions are the user's inputs for Terraform folders.
type TerraformOptions struct {
	Display  func(abs string) string
	Vars     map[string]string
	VarFiles []string
	MaxSize  int64
}

// IsTerraformFile reports whether a file is Terraform configuration (.tf,
// .tf.json), read by folder through ParseTerraform rather than by Parse.
func IsTerraformFile(path string) bool { return terraform.IsTerraformFile(path) }

// ParseTerraform reads folders of Terraform files; each folder that no
// other one calls as a local module is a root module.
func ParseTerraform(dirs []string, opts TerraformOptions) []terraform.Result {
	res := terraform.Scan(dirs, terraform.Options{FS: terraform.OSFS{MaxSize: opts.MaxSize},
		Display: opts.Display, Vars: opts.Vars, VarFiles: opts.VarFiles})
	for _, r := range res {
		if r.Doc == nil {
			continue
		}
		for _, c := range r.Comments {
			if s, ok := parseIgnore(c.File, yamltree.Comment{Line: c.Line, Column: c.Column, Text: c.Text}); ok {
				r.Doc.Suppressions = append(r.Doc.Suppressions, s)
			}
		}
	}
	return res
}
