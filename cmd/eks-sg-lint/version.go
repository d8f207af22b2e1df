package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Stamped by the release build (scripts/release.sh):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=2026-01-02T03:04:05Z"
//
// Empty in other builds; buildStamp then falls back to what the Go toolchain
// recorded (the module version for `go install …@v1.2.3`, the VCS revision
// and time for a build inside a git checkout).
var version, commit, date string

// stamp is what a binary knows about its own build.
type stamp struct {
	Version  string // v1.2.3, or 0.1.0-dev when unknown
	Commit   string // full commit hash, "" when unknown
	Date     string // commit time, RFC 3339 UTC, "" when unknown
	Modified bool   // built from a checkout with uncommitted changes
}

// devVersion names a build that carries no version: `go build` in a
// checkout, or `go run`.
const devVersion = "0.1.0-dev"

// buildStamp returns the stamped values, filling the gaps from the build
// information the Go toolchain embeds.
func buildStamp() stamp {
	bi, _ := debug.ReadBuildInfo()
	return resolveStamp(version, commit, date, bi)
}

// resolveStamp prefers the -ldflags values and takes each missing one from
// bi (nil when the binary carries no build information).
func resolveStamp(version, commit, date string, bi *debug.BuildInfo) stamp {
	s := stamp{Version: version, Commit: commit, Date: date}
	if bi == nil {
		if s.Version == "" {
			s.Version = devVersion
		}
		return s
	}
	if s.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		s.Version = bi.Main.Version
	}
	if s.Version == "" {
		s.Version = devVersion
	}
	// vcs.* settings come from a build inside a checkout; the stamped values,
	// when present, describe the same commit.
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			if s.Commit == "" {
				s.Commit = kv.Value
			}
		case "vcs.time":
			if s.Date == "" {
				s.Date = kv.Value
			}
		case "vcs.modified":
			s.Modified = commit == "" && kv.Value == "true"
		}
	}
	return s
}

// toolVersion is the version alone: in --version's first line, in JSON and
// SARIF reports.
func toolVersion() string {
	return buildStamp().Version
}

// versionText is what --version and the version command print: the version
// on the first line (so `eks-sg-lint --version | head -n1` stays stable),
// then the commit, its date and the Go toolchain and platform.
func versionText() string {
	return formatVersion(buildStamp(), runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
}

func formatVersion(s stamp, goVersion, platform string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "eks-sg-lint %s\n", s.Version)
	c := s.Commit
	if c == "" {
		c = "unknown"
	}
	if s.Modified {
		c += " (modified)"
	}
	fmt.Fprintf(&b, "commit: %s\n", c)
	d := s.Date
	if d == "" {
		d = "unknown"
	}
	fmt.Fprintf(&b, "date:   %s\n", d)
	fmt.Fprintf(&b, "go:     %s %s\n", goVersion, platform)
	return b.String()
}
