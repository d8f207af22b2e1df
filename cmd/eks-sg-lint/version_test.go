package main

import (
	"runtime/debug"
	"testing"
)

func TestResolveStamp(t *testing.T) {
	vcs := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/eks-sg-lint/eks-sg-lint", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "1111111111111111111111111111111111111111"},
			{Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	goInstall := &debug.BuildInfo{Main: debug.Module{Path: "github.com/eks-sg-lint/eks-sg-lint", Version: "v0.3.0"}}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  stamp
	}{
		{"release build: ldflags win over vcs", "v1.2.3", "2222222222222222222222222222222222222222", "2026-05-06T07:08:09Z", vcs,
			stamp{Version: "v1.2.3", Commit: "2222222222222222222222222222222222222222", Date: "2026-05-06T07:08:09Z"}},
		{"go build in a dirty checkout", "", "", "", vcs,
			stamp{Version: devVersion, Commit: "1111111111111111111111111111111111111111", Date: "2026-01-02T03:04:05Z", Modified: true}},
		{"go install @version", "", "", "", goInstall, stamp{Version: "v0.3.0"}},
		{"no build information", "", "", "", nil, stamp{Version: devVersion}},
		{"only the version stamped (action from a tag)", "v0.2.0", "", "", goInstall, stamp{Version: "v0.2.0"}},
	} {
		if got := resolveStamp(tc.version, tc.commit, tc.date, tc.bi); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestFormatVersion(t *testing.T) {
	got := formatVersion(stamp{Version: "v1.2.3", Commit: "2222222222222222222222222222222222222222", Date: "2026-05-06T07:08:09Z"}, "go1.26.1", "darwin/arm64")
	want := "eks-sg-lint v1.2.3\n" +
		"commit: 2222222222222222222222222222222222222222\n" +
		"date:   2026-05-06T07:08:09Z\n" +
		"go:     go1.26.1 darwin/arm64\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = formatVersion(stamp{Version: devVersion, Commit: "abc", Modified: true}, "go1.26.1", "linux/amd64")
	want = "eks-sg-lint 0.1.0-dev\ncommit: abc (modified)\ndate:   unknown\ngo:     go1.26.1 linux/amd64\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
