package main

import (
	"strings"
	"testing"
)

func TestSelection(t *testing.T) {
	catalog := map[string][]string{}
	err := collect([]byte(`
mapping "aws_instance" {
  vpc_security_group_ids = SecurityGroupIdStringList
  security_groups        = SecurityGroupStringList
  subnet_id              = String
}
mapping "aws_elasticache_cluster" {
  security_group_names = CacheSecurityGroupNameList
  security_group_ids   = SecurityGroupIdsList
}
mapping "aws_datasync_location_efs" {
  security_group_arns = Ec2SecurityGroupArnList
}
mapping "aws_security_group_rule" {
  source_security_group_id = SecurityGroupId
}
mapping "aws_lb" {
  security_groups = SecurityGroups
}
`), "x.hcl", catalog)
	if err != nil {
		t.Fatal(err)
	}
	src, err := render(catalog, "abc")
	if err != nil {
		t.Fatal(err)
	}
	got := string(src)
	for _, want := range []string{
		`"aws_elasticache_cluster": {"security_group_ids"}`,
		`"aws_instance":            {"security_groups", "vpc_security_group_ids"}`,
		`"aws_lb":                  {"security_groups"}`,
		"at abc. DO NOT EDIT.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, not := range []string{"security_group_rule", "security_group_names", "arns"} {
		if strings.Contains(got, not) {
			t.Errorf("%q must not be selected:\n%s", not, got)
		}
	}
}
