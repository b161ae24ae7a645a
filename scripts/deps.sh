#!/usr/bin/env bash
# Installs what adshift's tests and demo need besides Go modules: kcat (a real Kafka client the
# interop tests drive), Node.js with the npm packages the interop tests drive (kafkajs and ajv;
# the collector's tracking SDKs), Debian's chromium (analytics.js in a real browser) and
# ClickHouse (scripts/clickhouse.sh installs that one) and ZooKeeper for its cluster tests. Installs only when missing, and only where
# it can (root on Debian/Ubuntu); otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Debian's zookeeper coordinates the two-server ClickHouse cluster (scripts/clickhouse.sh cluster-up).
[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
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

# npm packages, each folder pinned by its package-lock.json; npm ci again whenever the lock file
# is newer than the install:
#   sources/kafka/testdata/node      kafkajs and ajv (compression interop, JSON Schemas)
#   sources/collector/testdata/node  @segment/analytics-node, @rudderstack/rudder-sdk-node,
#                                    @segment/analytics-next (the collector's tracking SDKs)
for dir in sources/kafka/testdata/node sources/collector/testdata/node; do
	if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
		echo "deps: npm ci in $dir" >&2
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
done
