package terraform

import (
	"strings"
	"testing"
)

// Hostile or broken input ends in an error or a notification, never a
// panic, a hang or unbounded work.
func TestHostileModules(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		// wantErr or wantNote must appear in an error or notification.
		wantErr, wantNote string
	}{
		{name: "deep nesting", files: map[string]string{"main.tf": "locals { x = " + strings.Repeat("[", 100000) + " }"},
			wantErr: "brackets nest more than"},
		{name: "module calls itself", files: map[string]string{"main.tf": `module "again" { source = "./" }`},
			wantNote: "calls a module already being evaluated"},
		{name: "mutual module recursion", files: map[string]string{
			"main.tf":   `module "a" { source = "./a" }`,
			"a/main.tf": `module "b" { source = "../a" }`},
			wantNote: "calls a module already being evaluated"},
		{name: "huge count", files: map[string]string{"main.tf": `resource "aws_security_group" "g" { count = 1000000000 }`},
			wantNote: "more than the 1000 instances modelled"},
		{name: "locals that depend on each other", files: map[string]string{"main.tf": `locals {
  a = local.b
  b = local.a
}
resource "aws_security_group" "g" { name = local.a }`},
			wantNote: "depends on itself"},
		{name: "resources that depend on each other", files: map[string]string{"main.tf": `
resource "aws_security_group" "a" { name = aws_security_group.b.name }
resource "aws_security_group" "b" { name = aws_security_group.a.name }`},
			wantNote: "depends on itself"},
		{name: "cubic for loops", files: map[string]string{"main.tf": `locals {
  x = [for a in range(200) : [for b in range(200) : [for c in range(200) : a]]]
}
resource "aws_security_group" "g" { tags = { n = length(local.x) } }`},
			wantNote: "for-loops would take more than"},
		{name: "huge format width", files: map[string]string{"main.tf": `resource "aws_security_group" "g" { name = format("%999999999d", 1) }`}},
		{name: "setproduct explosion", files: map[string]string{"main.tf": `locals {
  l = range(100)
  p = setproduct(local.l, local.l, local.l, local.l)
}
resource "aws_security_group" "g" { tags = { n = length(local.p) } }`}},
		{name: "missing module folder", files: map[string]string{"main.tf": `module "gone" { source = "./nowhere" }`},
			wantErr: "nowhere"},
		{name: "control characters in labels", files: map[string]string{"main.tf": "resource \"aws_security_group\" \"a\\u001b[31m\" {}\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := scanMap(t, c.files, Options{})
			var text []string
			for _, e := range res.Errors {
				if e.Loc.File == "" {
					t.Errorf("error without a file: %+v", e)
				}
				text = append(text, "error: "+e.Msg)
			}
			for _, n := range res.Notes {
				text = append(text, "note: "+n.Message)
			}
			all := strings.Join(text, "\n")
			if c.wantErr != "" && !strings.Contains(all, "error: ") || c.wantErr != "" && !strings.Contains(all, c.wantErr) {
				t.Errorf("want an error with %q, got:\n%s", c.wantErr, all)
			}
			if c.wantNote != "" && !strings.Contains(all, c.wantNote) {
				t.Errorf("want a notification with %q, got:\n%s", c.wantNote, all)
			}
			if res.Doc != nil {
				for _, sg := range res.Doc.SGs {
					if strings.ContainsRune(sg.Name, 0x1b) {
						t.Errorf("control character in a name: %q", sg.Name)
					}
				}
			}
		})
	}
}

// Two roots calling one broken module report its error once; folders
// that only call each other are still scanned.
func TestSharedModuleErrorsOnceAndCycles(t *testing.T) {
	fsys := MapFS{
		"/r/a/main.tf":   []byte(`module "m" { source = "../mod" }`),
		"/r/b/main.tf":   []byte(`module "m" { source = "../mod" }`),
		"/r/mod/main.tf": []byte("resource \"aws_security_group\" \"x\" {\n  name = \n}\n"),
		"/r/x/main.tf":   []byte(`module "y" { source = "../y" }` + "\nresource \"aws_security_group\" \"gx\" {}\n"),
		"/r/y/main.tf":   []byte(`module "x" { source = "../x" }`),
	}
	res := Scan([]string{"/r/a", "/r/b", "/r/mod", "/r/x", "/r/y"}, Options{FS: fsys, Display: func(s string) string { return s }})
	errs := 0
	var dirs []string
	for _, r := range res {
		errs += len(r.Errors)
		dirs = append(dirs, r.Dir)
	}
	if errs != 1 {
		t.Errorf("%d errors, want the broken module's one", errs)
	}
	if strings.Join(dirs, " ") != "/r/a /r/b /r/x" {
		t.Errorf("roots %v, want a, b and one of the cycle x/y", dirs)
	}
}
