#!/usr/bin/env bash
# Regenerates the tables of docs/sizing.md from benchmarks run on this machine: each benchmark
# the guide scales from, one package at a time with a short benchtime, then scripts/sizing.
# Needs ClickHouse (scripts/clickhouse.sh up) for BenchmarkWriter and BenchmarkRowsPerEvent.
#
#   scripts/sizing.sh                       # run the benchmarks, rewrite docs/sizing.md
#   scripts/sizing.sh --ctr 0.01            # the same with other assumptions (go run ./scripts/sizing -h)
#   SIZING_RAW=var/bench/sizing-raw.txt scripts/sizing.sh   # reuse a run's output, no benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
raw=${SIZING_RAW:-}
if [ -z "$raw" ]; then
	raw=var/bench/sizing-raw.txt
	mkdir -p var/bench
	: >"$raw"
	bench() {
		echo "### go test -bench $*" | tee -a "$raw"
		uptime | tee -a "$raw"
		go test -p 1 -count=1 -run '^$' -benchmem -timeout 20m -bench "$@" | tee -a "$raw"
	}
	bench 'BenchmarkStage$' -benchtime 3x ./pipeline/features/
	bench 'BenchmarkBytesPerUser/users=1000000/model' -benchtime 1x ./pipeline/features/
	bench 'BenchmarkFeaturesEndToEnd' -benchtime 1x ./sources/kafka/
	bench 'BenchmarkStage$' -benchtime 2x ./pipeline/creatives/
	bench 'BenchmarkWriter$' -benchtime 2s ./sinks/clickhouse/
	bench 'BenchmarkArchive/rees46/zstd' -benchtime 2x ./sinks/parquet/
	bench 'BenchmarkModelCallsOnRealReplay|BenchmarkChangelogRestore|BenchmarkRowsPerEvent' -benchtime 1x ./cmd/adshift/
fi
go run ./scripts/sizing -cores "$(nproc)" -doc docs/sizing.md "$@" <"$raw"
echo "sizing: docs/sizing.md rewritten from $raw"
