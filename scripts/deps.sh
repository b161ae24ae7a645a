#!/usr/bin/env bash
# Installs what adshift's tests and demo need besides Go modules: kcat (a real Kafka client the
# interop tests drive) and ClickHouse (scripts/clickhouse.sh installs that one). Installs only when
# missing, and only where it can (root on Debian/Ubuntu); otherwise it says what to install.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The collector's tests: Node.js runs the tracking SDKs, Debian's chromium runs analytics.js.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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

# The collector's tracking SDKs from npm (@segment/analytics-node, @rudderstack/rudder-sdk-node,
# @segment/analytics-next), pinned by the package-lock.json beside them; again only when the
# installed tree is missing or older than the lock file.
sdks="$root/sources/collector/testdata/node"
if [ ! -f "$sdks/node_modules/.package-lock.json" ] || [ "$sdks/package-lock.json" -nt "$sdks/node_modules/.package-lock.json" ]; then
	echo "deps: npm ci in sources/collector/testdata/node" >&2
	(cd "$sdks" && npm ci --no-audit --no-fund --loglevel=error)
fi
