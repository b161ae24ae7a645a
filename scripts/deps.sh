#!/usr/bin/env bash
# Installs what adshift's tests and demo need besides Go modules: kcat (a real Kafka client the
# interop tests drive), Node.js with kafkajs (the Node.js client the compression interop tests
# drive) and ClickHouse (scripts/clickhouse.sh installs that one). Installs only when missing,
# and only where it can (root on Debian/Ubuntu); otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "deps: installing ${missing[*]}" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "deps: please install ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
		exit 1
	fi
fi

# kafkajs and ajv, pinned by their package-lock.json, for the kafkajs and JSON Schema tests
# (sources/kafka, cmd/adshift); npm ci again whenever the lock file is newer than the install.
kafkajs_dir=sources/kafka/testdata/node
if [ ! -f "$kafkajs_dir/node_modules/.package-lock.json" ] ||
	[ "$kafkajs_dir/package-lock.json" -nt "$kafkajs_dir/node_modules/.package-lock.json" ]; then
	echo "deps: npm ci in $kafkajs_dir" >&2
	(cd "$kafkajs_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
