#!/usr/bin/env bash
# Static checks: golangci-lint with .golangci.yml, actionlint on the GitHub
# workflows, and (opt-in) govulncheck.
#
#   bash scripts/lint.sh                         # golangci-lint, actionlint
#   EKS_SG_LINT_VULNCHECK=1 bash scripts/lint.sh # and govulncheck, offline
#
# The tools are pinned below and installed with `go install` (through the Go
# module proxy) into .cache/bin/ at the module root when missing or of another
# version. Exits non-zero on any finding or failure.
#
# govulncheck's database normally comes from vuln.go.dev, which this project's
# machines cannot reach. With EKS_SG_LINT_VULNCHECK=1 it reads instead the
# OSV files that the golang.org/x/vulndb module carries in data/osv (the data
# vuln.go.dev is built from), fetched as a Go module at a pinned version:
# govulncheck -db file://DIR reads a folder of OSV files. The findings are
# only as new as that version: bump VULNDB_VERSION (or set
# EKS_SG_LINT_VULNDB_VERSION=latest) for newer data, or point
# EKS_SG_LINT_VULNDB at another database (e.g. https://vuln.go.dev where it
# is reachable).
set -euo pipefail
cd "$(dirname "$0")/.."

GOLANGCI_LINT_VERSION=v2.15.0
GOVULNCHECK_VERSION=v1.9.0
ACTIONLINT_VERSION=v1.7.12
VULNDB_VERSION=${EKS_SG_LINT_VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}

bin_dir=${EKS_SG_LINT_TOOLS_BIN:-$PWD/.cache/bin}
mkdir -p "$bin_dir"

# ensure NAME PACKAGE VERSION WANT ARGS...: install PACKAGE@VERSION as
# $bin_dir/NAME unless `NAME ARGS...` already prints a line matching WANT.
ensure() {
  local name=$1 pkg=$2 version=$3 want=$4
  shift 4
  local exe=$bin_dir/$name
  if [ -x "$exe" ]; then
    local have
    have=$("$exe" "$@" 2>/dev/null || true)
    if grep -Eq "$want" <<<"$have"; then
      return 0
    fi
  fi
  echo "lint: installing $pkg@$version into $bin_dir" >&2
  local start=$SECONDS
  GOBIN=$bin_dir GOFLAGS= go install "$pkg@$version"
  echo "lint: installed $name $version in $((SECONDS - start))s" >&2
}

status=0

ensure golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint \
  "$GOLANGCI_LINT_VERSION" "version ${GOLANGCI_LINT_VERSION#v} " version
echo "lint: golangci-lint $GOLANGCI_LINT_VERSION" >&2
start=$SECONDS
if ! "$bin_dir/golangci-lint" run ./...; then
  status=1
fi
# The development tools' module (tools/go.mod), which ./... does not reach;
# the same .golangci.yml applies (golangci-lint finds it in a parent folder).
if ! (cd tools && "$bin_dir/golangci-lint" run ./...); then
  status=1
fi
echo "lint: golangci-lint took $((SECONDS - start))s" >&2

# .github/workflows/*.yml: syntax, expressions, action inputs, and (when
# shellcheck is on PATH, as on GitHub's runners) the run: scripts.
ensure actionlint github.com/rhysd/actionlint/cmd/actionlint \
  "$ACTIONLINT_VERSION" "^${ACTIONLINT_VERSION}\$" -version
if command -v shellcheck >/dev/null; then sc="with shellcheck"; else sc="without shellcheck (not on PATH)"; fi
echo "lint: actionlint $ACTIONLINT_VERSION, $sc" >&2
if ! "$bin_dir/actionlint"; then
  status=1
fi

if [ "${EKS_SG_LINT_VULNCHECK:-0}" = 1 ]; then
  ensure govulncheck golang.org/x/vuln/cmd/govulncheck \
    "$GOVULNCHECK_VERSION" "govulncheck@${GOVULNCHECK_VERSION}\$" -version
  db=${EKS_SG_LINT_VULNDB:-}
  if [ -z "$db" ]; then
    # Outside any module, so go.mod and go.sum here are left alone.
    dir=$(cd "${TMPDIR:-/tmp}" && GOFLAGS= go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    if [ -z "$dir" ] || [ ! -d "$dir/data/osv" ]; then
      echo "lint: govulncheck: no data/osv in golang.org/x/vulndb@$VULNDB_VERSION" >&2
      exit 1
    fi
    db=file://$dir/data/osv
  fi
  echo "lint: govulncheck $GOVULNCHECK_VERSION, database $db" >&2
  start=$SECONDS
  if ! "$bin_dir/govulncheck" -db "$db" ./...; then
    status=1
  fi
  echo "lint: govulncheck took $((SECONDS - start))s" >&2
else
  echo "lint: govulncheck skipped: set EKS_SG_LINT_VULNCHECK=1 to run it (offline, against the pinned golang.org/x/vulndb data)" >&2
fi

if [ "$status" != 0 ]; then
  echo "lint: FAILED" >&2
else
  echo "lint: ok" >&2
fi
exit "$status"
