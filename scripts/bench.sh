#!/usr/bin/env bash
# Whole-process performance harness for eks-sg-lint (docs/performance.md).
#
#   scripts/bench.sh            # 10,000-template repository
#   N=2000 RUNS=3 scripts/bench.sh
#
# Builds the binary once, generates a repository of N templates from the
# test corpus into a temporary folder (tools/genrepo), then prints, for
# one template, the whole corpus, the N-template repository and the
# parse-only floor of that repository (the same files found, read and
# parsed into yaml.v3 node trees, nothing else: benchtool parse): wall time
# (min and median), CPU time (user+system) and peak RSS of the process, and
# how the repository scan compares with its floor. The whole corpus holds
# files broken on purpose, so eks-sg-lint exits 2 there.
#
# Needs only Go (and bash, awk); hyperfine is run in addition when it is
# installed. Timings on a busy machine are noisy: compare CPU times too, and
# look at the load average printed first.
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-5}          # runs of the repository-sized measurements
SMALL_RUNS=${SMALL_RUNS:-50}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/eks-sg-lint-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== eks-sg-lint benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(go version | cut -d' ' -f3-), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs"
if [ -r /proc/loadavg ]; then
	echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates wall times)"
fi

go build -o "$tmp/eks-sg-lint" ./cmd/eks-sg-lint
# The generator and the timer are in the tools module (tools/go.mod).
go -C tools build -o "$tmp/genrepo" ./genrepo
go -C tools build -o "$tmp/benchtool" ./benchtool

"$tmp/genrepo" -n "$N" -out "$tmp/repo"

bin="$tmp/eks-sg-lint"
one=testdata/examples/cluster-with-nodes.yaml
largest=testdata/corpus/cloudformation/quickstart-amazon-eks-nodegroup__amazon-eks-nodegroup.template.yaml

echo
"$tmp/benchtool" run -runs "$SMALL_RUNS" -warmup 3 -label "one template (README example)" -- "$bin" "$one"
"$tmp/benchtool" run -runs "$SMALL_RUNS" -warmup 3 -label "one template (largest, 52 KB)" -- "$bin" "$largest"
"$tmp/benchtool" run -runs "$SMALL_RUNS" -warmup 3 -label "whole corpus" -exit 0,1,2 -- "$bin" testdata/corpus testdata/examples
"$tmp/benchtool" run -runs "$RUNS" -warmup 1 -label "$N templates" -save "$tmp/scan.txt" -- "$bin" "$tmp/repo"
"$tmp/benchtool" run -runs "$RUNS" -warmup 1 -label "$N templates, parse-only floor" -save "$tmp/floor.txt" -- "$tmp/benchtool" parse "$tmp/repo"
read -r scan_wall scan_cpu _ <"$tmp/scan.txt"
read -r floor_wall floor_cpu _ <"$tmp/floor.txt"
awk -v sw="$scan_wall" -v fw="$floor_wall" -v sc="$scan_cpu" -v fc="$floor_cpu" -v label="$N templates vs floor:" \
	'BEGIN { printf "%-34s %.2fx the wall time of the floor (medians), %.2fx its CPU time\n", label, sw / fw, sc / fc }'

if command -v hyperfine >/dev/null 2>&1; then
	echo
	echo "== hyperfine"
	hyperfine -N -i --warmup 3 --runs "$SMALL_RUNS" --style basic \
		"$bin $one" "$bin $largest" "$bin testdata/corpus testdata/examples"
	hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic \
		"$bin $tmp/repo" "$tmp/benchtool parse $tmp/repo"
fi
