#!/usr/bin/env bash
# Compares the benchmarks of two revisions side by side in one run, so a change's speed and memory
# are judged against a baseline measured on the same machine at the same time:
#
#   scripts/bench-compare.sh BASE [HEAD] [ROUNDS]
#   ONLY=pipeline/features scripts/bench-compare.sh BASE   # only packages whose head path matches
#
# Each revision is checked out into its own worktree under var/bench/, every benchmark package is
# compiled once per revision, and the two binaries run in turn (base, head, base, head, …) ROUNDS
# times (default 4), so drift on a shared machine falls on both. benchstat (golang.org/x/perf)
# prints the comparison; a package whose path moved between the revisions is matched by the
# benchmark name it holds (see PKGS). ClickHouse must be running (`make clickhouse-up`) for
# sinks/clickhouse.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: scripts/bench-compare.sh BASE [HEAD] [ROUNDS]}
head=${2:-HEAD}
rounds=${3:-4}
out=$(pwd)/var/bench
mkdir -p "$out"
# Tests and benchmarks read ../shared/data from the repository root: give the worktrees the same.
ln -sfn "$(cd .. && pwd)/shared" "$out/shared"

# package path at base | package path at head | benchmarks
PKGS=(
	"pipeline/features|pipeline/features|."
	"pipeline/creative|pipeline/creatives|BenchmarkStage"
	"sources/kafka|sources/kafka|."
	"cmd/adshift|cmd/adshift|."
	"sinks/clickhouse|sinks/clickhouse|."
	"sinks/parquet|sinks/parquet|."
	"sources/parquet|sources/parquet|."
	"schemas|schemas|."
	"sources/dataset|sources/dataset|."
	"pipeline/seed|pipeline/seed|."
)

benchstat=$(go env GOPATH)/bin/benchstat
if [ ! -x "$benchstat" ]; then
	echo "bench-compare: installing benchstat" >&2
	go install golang.org/x/perf/cmd/benchstat@latest
fi

worktree() { # rev dir
	rm -rf "$2"
	git worktree prune
	git worktree add --quiet --detach "$2" "$1"
}
worktree "$base" "$out/base"
worktree "$head" "$out/head"
trap 'git worktree remove --force "$out/base"; git worktree remove --force "$out/head"' EXIT

: >"$out/base.txt"
: >"$out/head.txt"
for spec in "${PKGS[@]}"; do
	IFS='|' read -r pbase phead pattern <<<"$spec"
	[[ -n "${ONLY:-}" && "$phead" != *"$ONLY"* ]] && continue
	name=$(echo "$phead" | tr / _)
	sides=()
	[ -d "$out/base/$pbase" ] && sides+=(base) # a package new at head has no base side
	[ -d "$out/head/$phead" ] && sides+=(head)
	for side in "${sides[@]}"; do
		pkg=$pbase
		[ "$side" = head ] && pkg=$phead
		echo "bench-compare: building $side $pkg" >&2
		(cd "$out/$side" && go test -c -o "$out/$name.$side.test" "./$pkg")
	done
	for r in $(seq "$rounds"); do
		for side in "${sides[@]}"; do
			pkg=$pbase
			[ "$side" = head ] && pkg=$phead
			echo "bench-compare: round $r/$rounds $side $pkg" >&2
			# Benchmarks read data relative to their package folder, as under go test. The package
			# line names the head's path on both sides, so benchstat pairs moved packages.
			(cd "$out/$side/$pkg" && "$out/$name.$side.test" \
				-test.run '^$' -test.bench "$pattern" -test.benchmem -test.count 1 -test.timeout 30m) |
				sed "s|^pkg: .*|pkg: github.com/adshift/adshift/$phead|" >>"$out/$side.txt"
		done
	done
done
"$benchstat" base="$out/base.txt" head="$out/head.txt" | tee "$out/compare.txt"
