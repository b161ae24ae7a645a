#!/usr/bin/env bash
# Starts and stops the local ClickHouse server that the demo, the tests and CI use.
#
#   scripts/clickhouse.sh up [--reuse]  install when missing (root on Debian/Ubuntu), start, wait until it answers
#   scripts/clickhouse.sh down          stop it
#   scripts/clickhouse.sh status
#   scripts/clickhouse.sh cluster-up    a local cluster for clickhouse.cluster: ZooKeeper and two servers
#   scripts/clickhouse.sh cluster-down  stop it
#
# Data and logs live under var/clickhouse (ADSHIFT_CH_DIR to move them). The server binds
# 127.0.0.1 only; the native port is ADSHIFT_CH_PORT (default 9000) and the HTTP port
# ADSHIFT_CH_HTTP_PORT (default 8123). Every command is idempotent.
#
# The script only ever uses a server it started itself: `up` refuses a port that something else
# holds, because the demo drops and recreates its database on the server it is given. A
# ClickHouse someone else started is used only when asked: `up --reuse` or ADSHIFT_CH_REUSE=1.
# `down` stops only the server this script started.
#
# The cluster (cluster-up) is Debian's zookeeper and two ClickHouse servers, the replicas of one
# shard of the cluster "adshift", each with macros {shard} and {replica}, under var/clickhouse-cluster
# (ADSHIFT_CH_CLUSTER_DIR). Its ports never meet the single server's: native ADSHIFT_CH_CLUSTER_PORT
# (default 19001) and the next one, HTTP and interserver ports after ADSHIFT_CH_CLUSTER_HTTP_PORT
# (default 18124: 18124, 18125 HTTP; 18126, 18127 interserver), ZooKeeper ADSHIFT_ZK_PORT (12181).
#
# TLS on the native protocol, for the tests of clickhouse.tls: ADSHIFT_CH_TLS_PORT (tcp_port_secure),
# ADSHIFT_CH_TLS_CERT and ADSHIFT_CH_TLS_KEY (the server's PEM certificate and key) and, to require
# a client certificate it signed, ADSHIFT_CH_TLS_CA.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${ADSHIFT_CH_DIR:-$root/var/clickhouse}
port=${ADSHIFT_CH_PORT:-9000}
http_port=${ADSHIFT_CH_HTTP_PORT:-8123}
pidfile="$dir/server.pid"
tls_port=${ADSHIFT_CH_TLS_PORT:-}
tls_cert=${ADSHIFT_CH_TLS_CERT:-}
tls_key=${ADSHIFT_CH_TLS_KEY:-}
tls_ca=${ADSHIFT_CH_TLS_CA:-}
cluster_dir=${ADSHIFT_CH_CLUSTER_DIR:-$root/var/clickhouse-cluster}
cluster_port=${ADSHIFT_CH_CLUSTER_PORT:-19001}
cluster_http_port=${ADSHIFT_CH_CLUSTER_HTTP_PORT:-18124}
zk_port=${ADSHIFT_ZK_PORT:-12181}
extra_xml=""

log() { printf 'clickhouse: %s\n' "$*" >&2; }

# server_cmd prints the command that runs a server: Debian's clickhouse-server, or a current
# single `clickhouse` binary.
server_cmd() {
	if command -v clickhouse-server >/dev/null 2>&1; then
		echo clickhouse-server
	elif command -v clickhouse >/dev/null 2>&1; then
		echo "clickhouse server"
	fi
}

client_cmd() {
	if command -v clickhouse-client >/dev/null 2>&1; then
		echo clickhouse-client
	elif command -v clickhouse >/dev/null 2>&1; then
		echo "clickhouse client"
	fi
}

install() {
	[ -n "$(server_cmd)" ] && [ -n "$(client_cmd)" ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		log "installing Debian's clickhouse-server and clickhouse-client"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			clickhouse-server clickhouse-client >/dev/null
		return 0
	fi
	log "no ClickHouse found: install Debian's clickhouse-server (apt-get install clickhouse-server clickhouse-client)"
	log "or put a current single 'clickhouse' binary on the PATH"
	exit 1
}

# config_root prints the configuration's root element: current releases want <clickhouse>, those
# before 21.11 (Debian's 18.16) only know <yandex>.
config_root() {
	local version major minor
	# shellcheck disable=SC2046
	version=$($(client_cmd) --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+' | head -n 1)
	major=${version%%.*}
	minor=${version#*.}
	if [ -n "$version" ] && { [ "$major" -gt 21 ] || { [ "$major" -eq 21 ] && [ "$minor" -ge 11 ]; }; }; then
		echo clickhouse
	else
		echo yandex
	fi
}

# server_pid prints the pid of the server using this directory's configuration. The script keeps
# the pid file itself (18.16 writes one only when daemonised), and finds a server it lost track of
# by its exact configuration path.
server_pid() {
	local pid
	if [ -f "$pidfile" ]; then
		pid=$(cat "$pidfile")
		if kill -0 "$pid" 2>/dev/null; then
			echo "$pid"
			return 0
		fi
		rm -f "$pidfile"
	fi
	pid=$(pgrep -f -- "--config-file=$dir/config.xml" | head -n 1 || true)
	if [ -n "$pid" ]; then
		echo "$pid" >"$pidfile"
		echo "$pid"
	fi
}

running() {
	[ -n "$(server_pid)" ]
}

answers() {
	# A listener that is not ClickHouse would keep the client waiting for its hello.
	# shellcheck disable=SC2046
	timeout 10 $(client_cmd) --host 127.0.0.1 --port "$port" --query 'SELECT 1' >/dev/null 2>&1
}

# listening succeeds when something accepts connections on 127.0.0.1:$1.
listening() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# refuse_foreign exits when a server this script did not start holds one of its ports, unless a
# ClickHouse on the native port is to be reused (--reuse, ADSHIFT_CH_REUSE=1): then it succeeds.
refuse_foreign() {
	if answers; then
		if [ "$reuse" = 1 ]; then
			log "reusing the ClickHouse that answers on 127.0.0.1:$port, not started by this script, as asked (--reuse or ADSHIFT_CH_REUSE=1); make demo drops and recreates its database there"
			exit 0
		fi
		log "another ClickHouse, not started by this script, already answers on 127.0.0.1:$port; refusing to use it, since make demo drops and recreates its database on the server it uses"
		log "to use it anyway: scripts/clickhouse.sh up --reuse, or ADSHIFT_CH_REUSE=1 (ADSHIFT_CH_REUSE=1 make test); to start this script's own server beside it: ADSHIFT_CH_PORT=<free port> ADSHIFT_CH_HTTP_PORT=<free port>"
		exit 1
	fi
	if listening "$port"; then
		log "something that is not ClickHouse listens on 127.0.0.1:$port; pick a free port: ADSHIFT_CH_PORT=<port> (the tests and the demo follow it)"
		exit 1
	fi
	if listening "$http_port"; then
		log "something not started by this script listens on the HTTP port 127.0.0.1:$http_port; pick a free one: ADSHIFT_CH_HTTP_PORT=<port>"
		exit 1
	fi
}

write_config() {
	local root_element
	root_element=$(config_root)
	mkdir -p "$dir"/{data,tmp,user_files,format_schemas,log}
	# var/ is a module of its own, so `go test ./...` never walks the server's data while it
	# changes under it.
	mkdir -p "$root/var"
	[ -f "$root/var/go.mod" ] || printf 'module adshift.local/var\n' >"$root/var/go.mod"
	cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<$root_element>
    <logger>
        <level>warning</level>
        <log>$dir/log/server.log</log>
        <errorlog>$dir/log/server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$port</tcp_port>
    <http_port>$http_port</http_port>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <mark_cache_size>268435456</mark_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
$(tls_config)
$extra_xml
</$root_element>
XML
	cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<$root_element>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval><duration>3600</duration><queries>0</queries><errors>0</errors>
            <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
        </default>
    </quotas>
</$root_element>
XML
}

# tls_config prints the secure native port and its certificate, when ADSHIFT_CH_TLS_PORT is set.
tls_config() {
	[ -n "$tls_port" ] || return 0
	if [ -z "$tls_cert" ] || [ -z "$tls_key" ]; then
		log "ADSHIFT_CH_TLS_PORT needs ADSHIFT_CH_TLS_CERT and ADSHIFT_CH_TLS_KEY"
		exit 1
	fi
	local verify="<verificationMode>none</verificationMode>"
	if [ -n "$tls_ca" ]; then
		verify="<verificationMode>strict</verificationMode><caConfig>$tls_ca</caConfig>"
	fi
	cat <<XML
    <tcp_port_secure>$tls_port</tcp_port_secure>
    <openSSL>
        <server>
            <certificateFile>$tls_cert</certificateFile>
            <privateKeyFile>$tls_key</privateKeyFile>
            $verify
            <loadDefaultCAFile>false</loadDefaultCAFile>
            <cacheSessions>true</cacheSessions>
            <disableProtocols>sslv2,sslv3</disableProtocols>
            <preferServerCiphers>true</preferServerCiphers>
        </server>
    </openSSL>
XML
}

# wait_answers polls the server up to n times, half a second apart, and fails early if the
# server process has exited.
wait_answers() {
	for _ in $(seq 1 "$1"); do
		answers && return 0
		running || return 1
		sleep 0.5
	done
	return 1
}

up() {
	install
	if running; then
		if wait_answers 120; then
			log "already running on 127.0.0.1:$port (pid $(server_pid))"
			return 0
		fi
		log "pid $(server_pid) runs but does not answer on 127.0.0.1:$port; see $dir/log"
		exit 1
	fi
	refuse_foreign
	write_config
	log "starting on 127.0.0.1:$port, data under $dir"
	# shellcheck disable=SC2046
	(cd "$dir" && exec $(server_cmd) --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1) &
	echo $! >"$pidfile"
	if wait_answers 120; then
		log "ready on 127.0.0.1:$port"
		return 0
	fi
	log "did not answer within 60s; last lines of $dir/log:"
	tail -n 20 "$dir/log/server.err.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
	exit 1
}

down() {
	local pid
	pid=$(server_pid)
	if [ -z "$pid" ]; then
		if answers; then
			log "not running; the ClickHouse on 127.0.0.1:$port was not started by this script and is left alone"
		else
			log "not running"
		fi
		return 0
	fi
	kill "$pid"
	for _ in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || { log "stopped"; rm -f "$pidfile"; return 0; }
		sleep 0.5
	done
	log "still running after 30s; killing pid $pid"
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidfile"
}

# zk_pid prints the pid of the ZooKeeper this script started for the cluster.
zk_pid() {
	local pid
	if [ -f "$cluster_dir/zk/zk.pid" ]; then
		pid=$(cat "$cluster_dir/zk/zk.pid")
		if kill -0 "$pid" 2>/dev/null; then
			echo "$pid"
		fi
	fi
}

zk_up() {
	if [ ! -f /usr/share/java/zookeeper.jar ]; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
			log "installing Debian's zookeeper"
			apt-get update -qq
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zookeeper >/dev/null
		else
			log "no ZooKeeper found: apt-get install zookeeper"
			exit 1
		fi
	fi
	[ -n "$(zk_pid)" ] && return 0
	if listening "$zk_port"; then
		log "something not started by this script listens on 127.0.0.1:$zk_port; pick a free port: ADSHIFT_ZK_PORT=<port>"
		exit 1
	fi
	mkdir -p "$cluster_dir/zk/data"
	cat >"$cluster_dir/zk/zoo.cfg" <<CFG
tickTime=500
initLimit=10
syncLimit=5
dataDir=$cluster_dir/zk/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
	log "starting ZooKeeper on 127.0.0.1:$zk_port"
	(exec java -Xmx256m -Dzookeeper.log.dir="$cluster_dir/zk" -Dzookeeper.root.logger=WARN,CONSOLE \
		-cp "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar" org.apache.zookeeper.server.quorum.QuorumPeerMain \
		"$cluster_dir/zk/zoo.cfg" >"$cluster_dir/zk/zk.log" 2>&1) &
	echo $! >"$cluster_dir/zk/zk.pid"
	for _ in $(seq 1 120); do
		listening "$zk_port" && return 0
		[ -n "$(zk_pid)" ] || break
		sleep 0.25
	done
	log "ZooKeeper did not listen within 30s; last lines of $cluster_dir/zk/zk.log:"
	tail -n 20 "$cluster_dir/zk/zk.log" >&2 || true
	exit 1
}

zk_down() {
	local pid
	pid=$(zk_pid)
	[ -n "$pid" ] || return 0
	kill "$pid"
	for _ in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$cluster_dir/zk/zk.pid"
}

# cluster_xml prints node n's (1 or 2) cluster configuration: ZooKeeper, the cluster "adshift" of
# one shard with both servers as replicas, the node's macros and its interserver port.
cluster_xml() {
	cat <<XML
    <zookeeper><node><host>127.0.0.1</host><port>$zk_port</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper>
    <remote_servers>
        <adshift>
            <shard>
                <internal_replication>true</internal_replication>
                <replica><host>127.0.0.1</host><port>$cluster_port</port></replica>
                <replica><host>127.0.0.1</host><port>$((cluster_port + 1))</port></replica>
            </shard>
        </adshift>
    </remote_servers>
    <macros><shard>1</shard><replica>node$1</replica></macros>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>$((cluster_http_port + 1 + $1))</interserver_http_port>
    <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
XML
}

# node runs cmd (up, down) for cluster node n with its own directory and ports.
node() {
	local n=$1 cmd=$2
	(
		dir="$cluster_dir/node$n"
		pidfile="$dir/server.pid"
		port=$((cluster_port + n - 1))
		http_port=$((cluster_http_port + n - 1))
		tls_port=""
		extra_xml=$(cluster_xml "$n")
		reuse=0
		"$cmd"
	)
}

# ddl_ready succeeds once node n's distributed DDL worker has its queue in ZooKeeper: a server
# answers SELECT 1 before its ZooKeeper session and DDL worker are up, and ON CLUSTER queries
# need both.
ddl_ready() {
	local p=$((cluster_port + $1 - 1))
	# shellcheck disable=SC2046
	[ "$(timeout 10 $(client_cmd) --host 127.0.0.1 --port "$p" \
		--query "SELECT name FROM system.zookeeper WHERE path = '/clickhouse/task_queue'" 2>/dev/null)" = ddl ]
}

cluster_up() {
	zk_up
	node 1 up
	node 2 up
	for n in 1 2; do
		for _ in $(seq 1 60); do
			ddl_ready "$n" && continue 2
			sleep 0.5
		done
		log "node $n's distributed DDL queue did not appear in ZooKeeper within 30s; see $cluster_dir/node$n/log and $cluster_dir/zk/zk.log"
		exit 1
	done
	log "cluster adshift ready: 127.0.0.1:$cluster_port and 127.0.0.1:$((cluster_port + 1)), ZooKeeper 127.0.0.1:$zk_port"
}

cluster_down() {
	node 1 down
	node 2 down
	zk_down
}

cmd=${1:-}
[ $# -gt 0 ] && shift
reuse=0
case "${ADSHIFT_CH_REUSE:-}" in 1 | true | yes) reuse=1 ;; esac
for arg in "$@"; do
	case "$arg" in
	--reuse) reuse=1 ;;
	*) echo "usage: $0 up [--reuse] | down | status | cluster-up | cluster-down" >&2; exit 2 ;;
	esac
done

case "$cmd" in
up) up ;;
down) down ;;
cluster-up) cluster_up ;;
cluster-down) cluster_down ;;
status)
	if running && answers; then
		log "running on 127.0.0.1:$port (pid $(server_pid))"
	elif answers; then
		log "a ClickHouse not started by this script answers on 127.0.0.1:$port"
	else
		log "not running"
		exit 1
	fi
	;;
*) echo "usage: $0 up [--reuse] | down | status | cluster-up | cluster-down" >&2; exit 2 ;;
esac
