#!/usr/bin/env bash
# Release build with the Go toolchain alone: eks-sg-lint for every target,
# version, commit and date stamped, archived with the README (and LICENSE and
# CHANGELOG when present), and a checksums file. Reproducible: the same
# commit built with the same Go version gives the same bytes, wherever and
# whenever it runs.
#
#   scripts/release.sh v0.2.0                # all targets into dist/v0.2.0/
#   scripts/release.sh v0.2.0 OUT_DIR
#   TARGETS=linux/amd64 scripts/release.sh v0.2.0
#   EKS_SG_LINT_RELEASE_DRY_RUN=1 scripts/release.sh v0.2.0   # list, build nothing
#
# Writes, for VERSION v0.2.0:
#   eks-sg-lint_0.2.0_<os>_<arch>.tar.gz   (.zip for windows): eks-sg-lint[.exe], README.md, …
#   eks-sg-lint_0.2.0_checksums.txt        SHA-256 of every archive (sha256sum -c)
#
# What makes two builds the same: CGO_ENABLED=0, -trimpath (no build
# folder in the binary), -buildvcs=false with the commit stamped by -X
# instead, the date taken from the commit (SOURCE_DATE_EPOCH overrides it),
# never from the clock, GOAMD64/GOARM64 fixed, the caller's GOFLAGS and
# go.work ignored; archives written by tools/relpack (sorted entries, every
# entry dated the commit time, uid/gid 0, no gzip name or time). The Go
# version must match: it is printed below and recorded in each binary
# (`go version -m eks-sg-lint`).
#
# The work tree must be clean (the commit stamped is the one built), except
# with EKS_SG_LINT_RELEASE_ALLOW_DIRTY=1 (the commit then gets "-dirty").
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: scripts/release.sh vMAJOR.MINOR.PATCH[-PRERELEASE] [OUT_DIR]" >&2
  exit 2
fi
out=${2:-dist/$version}
targets=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
base=eks-sg-lint_${version#v}

archive_name() { # OS ARCH
  if [ "$1" = windows ]; then echo "${base}_$1_$2.zip"; else echo "${base}_$1_$2.tar.gz"; fi
}

if [ "${EKS_SG_LINT_RELEASE_DRY_RUN:-0}" = 1 ]; then
  for t in $targets; do archive_name "${t%/*}" "${t#*/}"; done
  echo "${base}_checksums.txt"
  exit 0
fi

commit=$(git rev-parse --verify HEAD)
if [ -n "$(git status --porcelain)" ]; then
  if [ "${EKS_SG_LINT_RELEASE_ALLOW_DIRTY:-0}" != 1 ]; then
    echo "release: the work tree has uncommitted changes (git status); commit them, or set EKS_SG_LINT_RELEASE_ALLOW_DIRTY=1" >&2
    exit 1
  fi
  commit=$commit-dirty
fi
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
if ! [[ $epoch =~ ^[0-9]+$ ]]; then
  echo "release: SOURCE_DATE_EPOCH must be seconds since 1970, not $epoch" >&2
  exit 2
fi
# RFC 3339 in UTC: GNU date, then BSD date (macOS).
date=$(TZ=UTC date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || TZ=UTC date -u -r "$epoch" +%Y-%m-%dT%H:%M:%SZ)

if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "release: $out is not empty (old archives would be summed with the new ones)" >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/eks-sg-lint-release.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The caller's settings must not reach the build.
export GOFLAGS='' GOWORK=off CGO_ENABLED=0 GOAMD64=v1 GOARM64=v8.0 GOEXPERIMENT=''
echo "release: $version, commit $commit, date $date, $(go version)" >&2
go -C tools build -o "$work/relpack" ./relpack

docs=("$PWD/README.md")
license=
for f in LICENSE LICENSE.md LICENSE.txt COPYING NOTICE CHANGELOG.md; do
  if [ -f "$f" ]; then
    docs+=("$PWD/$f")
    if [ "$f" != NOTICE ] && [ "$f" != CHANGELOG.md ]; then license=$f; fi
  fi
done
if [ -z "$license" ]; then
  echo "release: warning: no LICENSE file at the repository root; the archives carry none" >&2
fi

ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
archives=()
for t in $targets; do
  goos=${t%/*} goarch=${t#*/}
  exe=eks-sg-lint
  if [ "$goos" = windows ]; then exe=eks-sg-lint.exe; fi
  mkdir -p "$work/$goos-$goarch"
  start=$SECONDS
  GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false -ldflags="$ldflags" \
    -o "$work/$goos-$goarch/$exe" ./cmd/eks-sg-lint
  name=$(archive_name "$goos" "$goarch")
  "$work/relpack" archive -o "$out/$name" -mtime "$epoch" "$work/$goos-$goarch/$exe" "${docs[@]}"
  archives+=("$out/$name")
  echo "release: $name: binary $(wc -c <"$work/$goos-$goarch/$exe" | tr -d ' ') bytes, archive $(wc -c <"$out/$name" | tr -d ' ') bytes, $((SECONDS - start))s" >&2
done
"$work/relpack" checksums -o "$out/${base}_checksums.txt" "${archives[@]}"
echo "release: wrote ${#archives[@]} archives and ${base}_checksums.txt to $out" >&2
