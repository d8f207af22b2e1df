package terraform

import (
	"strings"
	"testing"
)

// BenchmarkModelledModule is one module "eks" call evaluated against the
// model of one major, and against three (a constraint admitting 18-20).
func BenchmarkModelledModule(b *testing.B) {
	for _, c := range []struct{ name, version string }{{"one-major", `"~> 20.0"`}, {"three-majors", `">= 18.0"`}} {
		b.Run(c.name, func(b *testing.B) {
			fsys := MapFS{"/m/main.tf": []byte(strings.Replace(eksCall, "%q", c.version, 1))}
			opts := Options{FS: fsys, Display: func(s string) string { return s }}
			for b.Loop() {
				if r := Scan([]string{"/m"}, opts); len(r[0].Doc.NodeGroups) != 1 {
					b.Fatal("no node group")
				}
			}
		})
	}
}
