package scan

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// What pre-commit passes by name in a real repository: files that are not
// ours, several of which do not parse. On main the Helm template, the JSONC
// tsconfig and the broken workflow were errors (exit 2, commit blocked).
var notOurs = map[string]string{
	"chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n" +
		"spec:\n  template:\n    spec:\n      nodeSelector:\n        alpha.eksctl.io/nodegroup-name: ng-1\n" +
		"      containers:\n        - name: app\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n",
	"chart/values.yaml":         "replicaCount: 1\nresources: {}\n",
	"tsconfig.json":             "{\n  // the compiler\n  \"compilerOptions\": {\"strict\": true,},\n}\n",
	".github/workflows/ci.yaml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        with: {a: [}\n",
	"k8s/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n" +
		"    service.beta.kubernetes.io/aws-load-balancer-security-groups: sg-1\n",
}

// Broken files that are ours: errors with a line, named or walked. On main
// the walked describe-instances and describe-security-group-rules dumps
// were dropped without a word.
var brokenOurs = map[string]string{
	"aws/instances.json":  "{\n  \"Reservations\": [\n    {\"Instances\": [],}\n  ]\n}\n",
	"aws/rules.json":      "{\"SecurityGroupRules\": [\n  {\"GroupId\": \"sg-1\",}\n]}\n",
	"aws/sgs.json":        "{\n  \"SecurityGroups\": [\n    {\"GroupId\": \"sg-1\", \"IpPermissions\": [],}\n  ]\n}\n",
	"aws/cluster.json":    "{\"cluster\": {\"name\": \"x\",\n  \"resourcesVpcConfig\": {},}}\n",
	"cfn/nodes.yaml":      "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  SG:\n\tType: AWS::EC2::SecurityGroup\n",
	"eksctl/cluster.yaml": "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: x\n",
}

func TestNotOursNamedIsSkippedWithANote(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	paths := []string{companion}
	for name, src := range notOurs {
		write(t, filepath.Join(dir, name), src)
		paths = append(paths, name)
	}
	sort.Strings(paths)
	rep := scanWithin(t, paths, Options{WorkDir: dir})
	checkSane(t, rep)
	checkCompanion(t, rep)
	if len(rep.Errors) != 0 {
		t.Errorf("errors for files that are not ours: %v", rep.Errors)
	}
	for name := range notOurs {
		found := false
		for _, n := range rep.Notifications {
			found = found || n.Loc.File == name && strings.HasSuffix(n.Message, "is not a CloudFormation template, eksctl config or AWS CLI output; skipped") ||
				n.Loc.File == name && n.Message == "not a CloudFormation template, eksctl config or AWS CLI output; skipped"
		}
		if !found {
			t.Errorf("%s: no skip note:\n%s", name, notesOf(rep))
		}
	}
	// Walked, the same files are skipped silently.
	rep = scanWithin(t, nil, Options{WorkDir: dir})
	if len(rep.Errors) != 0 {
		t.Errorf("walked: errors %v", rep.Errors)
	}
	for _, n := range rep.Notifications {
		if _, ok := notOurs[n.Loc.File]; ok {
			t.Errorf("walked: note %v", n)
		}
	}
}

func TestBrokenOursIsAnErrorNamedOrWalked(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, companion), tagged)
	var paths []string
	for name, src := range brokenOurs {
		write(t, filepath.Join(dir, name), src)
		paths = append(paths, name)
	}
	for _, scanned := range [][]string{append([]string{companion}, paths...), nil} {
		rep := scanWithin(t, scanned, Options{WorkDir: dir})
		checkSane(t, rep)
		checkCompanion(t, rep)
		got := map[string]bool{}
		for _, e := range rep.Errors {
			got[e.Loc.File] = true
			if e.Loc.Line < 1 {
				t.Errorf("%s: error without a line: %s", e.Loc.File, e.Message)
			}
		}
		for name := range brokenOurs {
			if !got[name] {
				t.Errorf("named %v: %s is not an error (errors %v)", scanned != nil, name, rep.Errors)
			}
		}
	}
}
