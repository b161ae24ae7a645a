#!/usr/bin/env bash
# `make bench`: every package's benchmarks, one package at a time (-p 1) so they don't fight over
# the cores, then one table of every ratio scripts/bench-targets.tsv names against its target,
# written as JSON to var/bench/summary.json too. The raw output stays in var/bench/raw.txt.
#
#   scripts/bench.sh                 # everything
#   BENCH=Ratio scripts/bench.sh     # only benchmarks matching a -bench pattern
#   PKGS=./sources/kafka/ scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/bench
mkdir -p "$out"
status=0
# shellcheck disable=SC2086
go test -p 1 -run '^$' -bench "${BENCH:-.}" -benchmem -timeout 60m ${PKGS:-./...} | tee "$out/raw.txt" || status=$?
echo
go run ./scripts/benchsum -targets scripts/bench-targets.tsv -json "$out/summary.json" <"$out/raw.txt"
echo "bench: summary in $out/summary.json, raw output in $out/raw.txt"
exit $status
