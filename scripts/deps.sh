#!/usr/bin/env bash
# Installs what adshift's tests and demo need besides Go modules: kcat (a real Kafka client the
# interop tests drive) and ClickHouse (scripts/clickhouse.sh installs that one). Installs only when
# missing, and only where it can (root on Debian/Ubuntu); otherwise it says what to install.
set -euo pipefail
missing=()
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing ${missing[*]}" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	echo "deps: please install ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
	exit 1
fi
