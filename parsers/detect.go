package parsers

import (
	"bytes"
	"fmt"
	"regexp"
	"unicode/utf16"
	"unicode/utf8"
)

// oursMarkers are content markers of the tool's inputs that survive broken
// syntax (a trailing comma, a tab, a half-merged conflict): a file that
// fails to parse is one of ours, and so an error, only if it carries one.
// They are deliberately specific, because pre-commit names every staged
// .yaml and .json: Helm templates, tsconfig.json, workflows, Kubernetes
// manifests (whose lower-case `resources:` and `alpha.eksctl.io/…` labels
// must not count) must be skipped, not reported.
var oursMarkers = []*regexp.Regexp{
	// CloudFormation: the version key, a top-level Resources key (YAML at
	// column 0: Kubernetes' and Helm's `resources:` are lower case and
	// nested; in broken JSON the level cannot be told), or a resource type
	// AWS::Service::Type.
	regexp.MustCompile(`(?m)(?:^|[{,\s])["']?AWSTemplateFormatVersion["']?\s*:`),
	regexp.MustCompile(`(?m)^["']?Resources["']?\s*:|"Resources"\s*:`),
	regexp.MustCompile(`["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::[A-Za-z0-9]+`),
	// eksctl: apiVersion eksctl.io/… (kind may be what is broken).
	regexp.MustCompile(`(?m)(?:^|[{,\s])["']?apiVersion["']?\s*:\s*["']?eksctl\.io/`),
	// AWS CLI JSON (or --output yaml): the EC2 outputs' top-level keys.
	regexp.MustCompile(`(?m)(?:^|[{,\s])["']?(?:SecurityGroups|SecurityGroupRules|Reservations)["']?\s*:\s*(?:\[|$)`),
	// AWS CLI eks describe-cluster / describe-nodegroup: their EKS fields.
	regexp.MustCompile(`"(?:resourcesVpcConfig|nodegroupArn)"\s*:`),
	// Terraform plan JSON (terraform show -json): its top-level sections.
	regexp.MustCompile(`"(?:planned_values|resource_changes)"\s*:\s*[\[{]`),
}

// Ours reports whether data carries the content markers of one of the
// tool's inputs: CloudFormation, eksctl, AWS CLI JSON or a Terraform plan. NUL bytes are
// ignored, so that UTF-16 without a byte order mark is recognised too.
func Ours(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		data = bytes.ReplaceAll(data, []byte{0}, nil)
	}
	for _, m := range oursMarkers {
		if m.Match(data) {
			return true
		}
	}
	return false
}

// decode returns data as UTF-8: UTF-16 LE or BE with a byte order mark
// (what Windows PowerShell 5.1 writes for `aws … > sgs.json`) is converted,
// BOM dropped; anything else is returned as it is (yamltree checks UTF-8).
// Positions in the converted text count characters, as in any other file.
func decode(data []byte) ([]byte, error) {
	var order func([]byte) uint16
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
	default:
		return data, nil
	}
	body := data[2:]
	out := make([]byte, 0, len(body)+len(body)/2)
	line, col := 1, 1
	for i := 0; i+1 < len(body); i += 2 {
		r := rune(order(body[i:]))
		if utf16.IsSurrogate(r) {
			var r2 rune = utf8.RuneError
			if i+3 < len(body) {
				r2 = rune(order(body[i+2:]))
			}
			if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
				return out, &FileError{Line: line, Column: col,
					Msg: fmt.Sprintf("invalid UTF-16: unpaired surrogate 0x%04x", order(body[i:]))}
			}
			i += 2
		}
		switch r {
		case '\n':
			line, col = line+1, 1
		case '\r':
			// a CRLF's LF moves to the next line; a lone CR is a break too
			if i+3 >= len(body) || order(body[i+2:]) != '\n' {
				line, col = line+1, 1
			}
		default:
			col++
		}
		out = utf8.AppendRune(out, r)
	}
	if len(body)%2 != 0 {
		return out, &FileError{Line: line, Column: col, Msg: "invalid UTF-16: the file ends in half a character"}
	}
	return out, nil
}
