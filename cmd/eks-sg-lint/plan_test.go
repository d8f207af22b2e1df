package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Terraform plan is an input like any other: its findings make exit 1;
// a broken plan is a file error with its line (exit 2) while the other
// inputs are still scanned and reported.
func TestPlanInputAndBrokenPlan(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "rules", "EKSSG001", "tf-plan-untagged-node-sg.json"))
	if err != nil {
		t.Fatal(err)
	}
	inTemp(t)
	writeFile(t, "plan.json", string(good))
	r := runCLI(t, "--no-progress", "plan.json")
	if r.code != 1 || !strings.Contains(r.stdout, "plan.json:192:22: error EKSSG001") {
		t.Fatalf("the plan's finding at its node group's group, exit 1:\n%s", r)
	}
	writeFile(t, "broken/plan.json", "{\n  \"format_version\": \"1.2\",\n  \"resource_changes\": [\n    {\"change\": {\"actions\": \"create\"}}\n  ]\n}\n")
	r = runCLI(t, "--no-progress", "plan.json", "broken/plan.json")
	if r.code != 2 || !strings.Contains(r.stdout+r.stderr, "broken/plan.json:4:") || !strings.Contains(r.stdout, "EKSSG001") {
		t.Fatalf("a broken plan is exit 2 at its line, the good one still reported:\n%s", r)
	}
}
