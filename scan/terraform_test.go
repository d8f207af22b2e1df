package scan

import (
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// objectName reduces a finding identity to the objects' own names:
// CloudFormation's `cfn:<file>#NodeSecurityGroup` and Terraform's
// `tf:<folder>#aws_security_group.NodeSecurityGroup` both become
// NodeSecurityGroup (the equivalence inputs name resources alike).
var (
	scopedKey = regexp.MustCompile(`(cfn|tf):[^#,]*#(aws_[a-z0-9_]+\.)?`)
	// The property an attachment goes through is named in each language
	// (SecurityGroupIds, vpc_security_group_ids): keep the resource.
	attachedVia = regexp.MustCompile(`^attached=(aws_[a-z0-9_]+\.)?([^.]+)\..*$`)
)

func normalizedFindings(t *testing.T, dir string) []string {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	rep := Run([]string{abs}, Options{WorkDir: abs})
	if len(rep.Errors) > 0 {
		t.Fatalf("%s: %v", dir, rep.Errors)
	}
	var out []string
	for _, f := range rep.Findings {
		ids := make([]string, len(f.Identity))
		for i, id := range f.Identity {
			ids[i] = attachedVia.ReplaceAllString(scopedKey.ReplaceAllString(id, ""), "attached=$2")
		}
		out = append(out, f.RuleID+" "+strings.Join(ids, " "))
	}
	sort.Strings(out)
	return out
}

// TestTerraformEquivalentToCloudFormation: the same cluster written in
// Terraform and in CloudFormation gives the same rules about the same
// objects (issue 12, "Done when").
func TestTerraformEquivalentToCloudFormation(t *testing.T) {
	cfn := normalizedFindings(t, "../testdata/equivalence/cloudformation")
	tf := normalizedFindings(t, "../testdata/equivalence/terraform")
	if len(cfn) < 8 {
		t.Fatalf("the CloudFormation side should prove eight rules, got %v", cfn)
	}
	if !reflect.DeepEqual(cfn, tf) {
		t.Errorf("findings differ\ncloudformation:\n  %s\nterraform:\n  %s", strings.Join(cfn, "\n  "), strings.Join(tf, "\n  "))
	}
}
