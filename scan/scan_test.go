package scan

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDisplayPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX paths")
	}
	const wd = "/home/me/repo"
	for _, tc := range []struct {
		abs, wd, want string
	}{
		{"/home/me/repo/a.yaml", wd, "a.yaml"},
		{"/home/me/repo/stacks/nodes.yaml", wd, "stacks/nodes.yaml"},
		{"/home/me/repo/./stacks//nodes.yaml", wd, "stacks/nodes.yaml"},
		{"/home/me/repo/x/../stacks/nodes.yaml", wd, "stacks/nodes.yaml"},
		{"/home/me/repo", wd, "."},
		{"/home/me/repo/stacks/", wd, "stacks"},
		// Outside wd: absolute.
		{"/home/me/other/a.yaml", wd, "/home/me/other/a.yaml"},
		{"/home/me/a.yaml", wd, "/home/me/a.yaml"},
		{"/etc/a.yaml", wd, "/etc/a.yaml"},
		{"/home/me/repo-old/a.yaml", wd, "/home/me/repo-old/a.yaml"},
		{"/home/me/repo/../other/a.yaml", wd, "/home/me/other/a.yaml"},
		// Names starting with ".." inside wd stay relative.
		{"/home/me/repo/..foo", wd, "..foo"},
		{"/home/me/repo/..foo/a.yaml", wd, "..foo/a.yaml"},
		{"/home/me/repo/...", wd, "..."},
		{"/home/me/repo/stacks/..hidden.yaml", wd, "stacks/..hidden.yaml"},
		// wd with a trailing slash, and the root as wd.
		{"/home/me/repo/a.yaml", wd + "/", "a.yaml"},
		{"/a.yaml", "/", "a.yaml"},
		// No wd: absolute.
		{"/home/me/repo/a.yaml", "", "/home/me/repo/a.yaml"},
	} {
		if got := DisplayPath(tc.abs, tc.wd); got != tc.want {
			t.Errorf("DisplayPath(%q, %q) = %q, want %q", tc.abs, tc.wd, got, tc.want)
		}
	}
}

func TestDisplayPathForwardSlashes(t *testing.T) {
	wd := t.TempDir()
	in := filepath.Join(wd, "a", "b", "c.yaml")
	if got := DisplayPath(in, wd); got != "a/b/c.yaml" {
		t.Errorf("inside: %q", got)
	}
	out := filepath.Join(filepath.Dir(wd), "x", "y.yaml")
	got := DisplayPath(out, wd)
	if got != filepath.ToSlash(out) || strings.Contains(got, `\`) || !filepath.IsAbs(filepath.FromSlash(got)) {
		t.Errorf("outside: %q, want absolute %q", got, filepath.ToSlash(out))
	}
}

// tagged is a template with one EKSSG026 note and nothing else.
const tagged = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nodes
      Tags:
        - Key: kubernetes.io/cluster/prod
          Value: owned
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: [!Ref NodeSecurityGroup]
        UserData: !Base64 "#!/bin/bash\n/etc/eks/bootstrap.sh prod\n"
  NodeGroup:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: "1"
      MaxSize: "2"
      LaunchTemplate:
        LaunchTemplateId: !Ref LaunchTemplate
        Version: "1"
  # Rules as the AWS node-group template has them; the control-plane
  # group is a parameter, so only the cluster-SG note is proven.
  NodeSelf:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref NodeSecurityGroup, IpProtocol: "-1", SourceSecurityGroupId: !Ref NodeSecurityGroup}
  NodeFromControlPlane:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref NodeSecurityGroup, IpProtocol: tcp, FromPort: 443, ToPort: 65535, SourceSecurityGroupId: !Ref ControlPlaneSecurityGroup}
Parameters:
  ControlPlaneSecurityGroup:
    Type: AWS::EC2::SecurityGroup::Id
`

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks not supported: %v", err)
	}
}

func displays(in []input) []string {
	var out []string
	for _, i := range in {
		out = append(out, i.display)
	}
	return out
}

// collectWithin runs collect with a deadline, so a loop fails the test
// instead of hanging it.
func collectWithin(t *testing.T, paths []string, wd string) ([]input, []string) {
	t.Helper()
	type res struct {
		in   []input
		errs []string
	}
	done := make(chan res, 1)
	go func() {
		in, errs, _ := collect(paths, wd)
		var es []string
		for _, e := range errs {
			es = append(es, e.Loc.String()+": "+e.Message)
		}
		done <- res{in, es}
	}()
	select {
	case r := <-done:
		return r.in, r.errs
	case <-time.After(10 * time.Second):
		t.Fatal("collect did not return in 10s (symlink loop?)")
		return nil, nil
	}
}

func TestCollectSymlinkLoop(t *testing.T) {
	wd := t.TempDir()
	dir := filepath.Join(wd, "dir")
	write(t, filepath.Join(dir, "nodes.yaml"), tagged)
	symlink(t, dir, filepath.Join(dir, "link"))        // dir/link -> dir (absolute)
	symlink(t, "..", filepath.Join(dir, "sub-parent")) // dir/sub-parent -> wd (relative)

	in, errs := collectWithin(t, []string{"dir"}, wd)
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := strings.Join(displays(in), ","); got != "dir/nodes.yaml" {
		t.Errorf("collected %q, want dir/nodes.yaml once", got)
	}

	rep := Run([]string{"dir"}, Options{WorkDir: wd})
	if len(rep.Errors) != 0 || len(rep.Findings) != 1 || len(rep.Files) != 1 {
		t.Errorf("Run: %d errors, %d findings, files %v; want 0, 1, [dir/nodes.yaml]", len(rep.Errors), len(rep.Findings), rep.Files)
	}
}

func TestCollectSymlinkToFile(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "elsewhere", "real.txt"), tagged) // extension not walked
	write(t, filepath.Join(wd, "dir", "a.yaml"), tagged)
	symlink(t, filepath.Join("..", "elsewhere", "real.txt"), filepath.Join(wd, "dir", "link.yaml"))
	symlink(t, "a.yaml", filepath.Join(wd, "dir", "z-same-as-a.yaml")) // same file as a.yaml

	in, errs := collectWithin(t, []string{"dir"}, wd)
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := strings.Join(displays(in), ","); got != "dir/a.yaml,dir/link.yaml" {
		t.Errorf("collected %q, want dir/a.yaml,dir/link.yaml", got)
	}

	rep := Run([]string{"dir"}, Options{WorkDir: wd})
	if len(rep.Errors) != 0 {
		t.Errorf("errors: %v", rep.Errors)
	}
	// Count the per-file note; the two copies of one cluster's nodes also
	// (truly) cannot reach each other, which EKSSG022 reports.
	files := map[string]int{}
	for _, f := range rep.Findings {
		if f.RuleID == "EKSSG026" {
			files[f.Loc.File]++
		}
	}
	if files["dir/link.yaml"] != 1 || files["dir/a.yaml"] != 1 || len(files) != 2 {
		t.Errorf("EKSSG026 findings per file = %v, want one in dir/a.yaml and one in dir/link.yaml", files)
	}

	// A symlink named explicitly is read too.
	symlink(t, filepath.Join(wd, "elsewhere", "real.txt"), filepath.Join(wd, "explicit.yaml"))
	rep = Run([]string{"explicit.yaml"}, Options{WorkDir: wd})
	if len(rep.Errors) != 0 || len(rep.Findings) != 1 || rep.Findings[0].Loc.File != "explicit.yaml" {
		t.Errorf("explicit symlink: errors %v, findings %v", rep.Errors, rep.Findings)
	}
}

func TestCollectDanglingSymlink(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "dir", "a.yaml"), tagged)
	symlink(t, filepath.Join(wd, "missing.yaml"), filepath.Join(wd, "dir", "dangling.yaml"))
	symlink(t, "nowhere", filepath.Join(wd, "dir", "dangling-dir"))

	in, errs := collectWithin(t, []string{"dir"}, wd)
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := strings.Join(displays(in), ","); got != "dir/a.yaml" {
		t.Errorf("collected %q, want dir/a.yaml", got)
	}
	rep := Run([]string{"dir"}, Options{WorkDir: wd})
	if len(rep.Errors) != 0 || len(rep.Findings) != 1 {
		t.Errorf("Run: errors %v, %d findings", rep.Errors, len(rep.Findings))
	}

	// Named explicitly, a dangling symlink is an error.
	rep = Run([]string{"dir/dangling.yaml"}, Options{WorkDir: wd})
	if len(rep.Errors) != 1 || rep.Errors[0].Loc.File != "dir/dangling.yaml" {
		t.Errorf("explicit dangling symlink: errors %v", rep.Errors)
	}
}

// A symlink to a folder inside a walked folder is not followed (so no
// loops), but a symlink to a folder named on the command line is the
// user's folder and must be walked.
func TestCollectExplicitSymlinkedFolder(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "real", "a.yaml"), tagged)
	symlink(t, "real", filepath.Join(wd, "link"))

	in, errs := collectWithin(t, []string{"link"}, wd)
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := strings.Join(displays(in), ","); got != "link/a.yaml" {
		t.Errorf("a symlinked folder named explicitly must be walked; collected %q", got)
	}
}

// Folders given twice, or a folder and a file in it, yield each file once.
func TestCollectDeduplicates(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "dir", "a.yaml"), tagged)
	write(t, filepath.Join(wd, "dir", "sub", "b.yml"), tagged)
	write(t, filepath.Join(wd, "dir", "notes.txt"), "not walked")
	in, errs := collectWithin(t, []string{"dir", "dir/a.yaml", filepath.Join(wd, "dir"), "./dir/sub", "dir/"}, wd)
	if len(errs) != 0 {
		t.Errorf("errors: %v", errs)
	}
	if got := strings.Join(displays(in), ","); got != "dir/a.yaml,dir/sub/b.yml" {
		t.Errorf("collected %q", got)
	}
	for _, i := range in {
		if i.explicit {
			t.Errorf("%s is explicit, but the folder named it first", i.display)
		}
	}
}
