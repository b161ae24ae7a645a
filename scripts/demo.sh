#!/usr/bin/env bash
# make demo: the whole flow end to end on embedded defaults.
#   1. a fresh ClickHouse database, migrated
#   2. adshift train: the interest model, learnt from the sample (its card scores a time split)
#      adshift run: all three stages on the embedded Kafka broker, predicting with that model;
#      its live page is on http://$ADSHIFT_HTTP_ADDR/status
#   3. adshift deliver, in the background: a simulated delivery system shows the ads and writes
#      views, clicks and orders back into the clickstream as the ads arrive
#   4. adshift replay: a real REES46 sample into the clickstream at 120x its event time, so the
#      delivery's views and clicks interleave with the shoppers' own events (and purchases) in
#      event time, as they would live; plus two bad events sent with kcat
#   5. adshift report: rates with intervals per arm, segment and generator, lift with its interval and
#      mSPRT p-value, off-policy estimates, read from ClickHouse; the same with charts in var/demo/report.html
set -euo pipefail
cd "$(dirname "$0")/.."

bin=bin/adshift
work=var/demo
mkdir -p "$work"
export ADSHIFT_CLICKHOUSE_DATABASE=${ADSHIFT_CLICKHOUSE_DATABASE:-adshift_demo}
# adshift talks to the server clickhouse.sh runs, on its port.
export ADSHIFT_CLICKHOUSE_ADDR=${ADSHIFT_CLICKHOUSE_ADDR:-127.0.0.1:${ADSHIFT_CH_PORT:-9000}}
export ADSHIFT_HTTP_ADDR=${ADSHIFT_HTTP_ADDR:-127.0.0.1:9464}
export ADSHIFT_KAFKA_EMBEDDED_ADDR=${ADSHIFT_KAFKA_EMBEDDED_ADDR:-127.0.0.1:9092}
broker=$ADSHIFT_KAFKA_EMBEDDED_ADDR
db=$ADSHIFT_CLICKHOUSE_DATABASE
sample=data/sample/rees46-sample.csv

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ch() { clickhouse-client --host 127.0.0.1 --port "${ADSHIFT_CH_PORT:-9000}" --query "$1"; }

step "fresh ClickHouse database $db"
# The drop below only ever hits the server clickhouse.sh started, or one reused on request.
scripts/clickhouse.sh up
ch "DROP DATABASE IF EXISTS $db"
$bin migrate

step "adshift train: the interest model, from $sample"
$bin train --format rees46 --file "$sample" --out "$work/interest.model"
export ADSHIFT_FEATURES_MODEL=$work/interest.model

# The catalogue is the sample's own products (catalog.format rees46, catalog.path the sample): a
# stream needs its shop's catalogue. The README's "Each dataset with its catalogue" pairs the others.
step "adshift run (embedded Kafka on $broker, catalogue: the products of $sample, the interest model in $work/interest.model; log in $work/run.log)"
$bin run >"$work/run.log" 2>&1 &
run_pid=$!
stop_run() { kill -TERM "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null || true; }
trap stop_run EXIT
for _ in $(seq 1 120); do
	curl -fsS "http://$ADSHIFT_HTTP_ADDR/healthz" >/dev/null 2>&1 && break
	kill -0 "$run_pid" 2>/dev/null || { echo "adshift run exited:"; tail -n 20 "$work/run.log"; exit 1; }
	sleep 0.5
done
curl -fsS "http://$ADSHIFT_HTTP_ADDR/healthz" >/dev/null || { echo "adshift run did not become healthy"; tail -n 20 "$work/run.log"; exit 1; }
echo "live page: http://$ADSHIFT_HTTP_ADDR/status (rates and lag per stage, the latest ads, CTR by arm; open it now, it updates itself)"

step "deliver the ads as they arrive (simulated delivery system, writes Promotion Viewed/Clicked back; log in $work/deliver.txt)"
$bin deliver --idle 30s --first-wait 5m >"$work/deliver.txt" 2>&1 &
deliver_pid=$!
stop_all() { kill -TERM "$deliver_pid" 2>/dev/null || true; stop_run; }
trap stop_all EXIT

# Paced, not at max speed: an ad is shown two minutes of event time after the event that caused
# it (a second at 120x), so a shopper's later views, purchases and the delivery's reactions reach
# the outcomes stage in about event-time order, and its lateness window (1h, 30s here) absorbs
# the rest: click and view-through attribution happen as they would live.
step "replay $sample into the clickstream at 120x event time"
$bin replay --format rees46 --file "$sample" --speed 120x
printf '%s\n' 'demo-bad-1:{"type":"track","event":"Product Viewed"' \
	'demo-bad-2:{"type":"track","event":"Product Viewed","messageId":"demo-bad-2","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"1"}}' |
	kcat -P -b "$broker" -t clickstream -K:
echo "sent 2 bad events with kcat (malformed JSON, no user): they go to clickstream.dlq"

step "wait for the delivery to go quiet"
wait "$deliver_pid" || { echo "adshift deliver failed:"; cat "$work/deliver.txt"; exit 1; }
trap stop_run EXIT
cat "$work/deliver.txt"
impressions=$(sed -n 's/.*impressions=\([0-9]*\).*/\1/p' "$work/deliver.txt" | tail -n 1)

step "wait for the outcomes to land in ClickHouse"
for _ in $(seq 1 120); do
	landed=$(ch "SELECT uniqExact(event_id) FROM $db.ad_events WHERE kind = 'impression'")
	failed=$(ch "SELECT uniqExact(failure_id) FROM $db.failed_events")
	[ "$landed" -ge "${impressions:-0}" ] && [ "$failed" -ge 2 ] && break
	sleep 0.5
done
echo "impressions in ClickHouse: $landed of ${impressions:-?} delivered; failed events: $failed"
stop_run
trap - EXIT

step "report"
$bin report --html "$work/report.html"

# The hints run in the reader's shell, which has none of this script's exports: each command
# names the database, server and broker it needs (a test runs them as printed).
print_hints() {
	local env_ch="ADSHIFT_CLICKHOUSE_DATABASE=$db" chc="clickhouse-client" env_kafka="" archive
	if [ "$ADSHIFT_CLICKHOUSE_ADDR" != 127.0.0.1:9000 ]; then
		env_ch="ADSHIFT_CLICKHOUSE_ADDR=$ADSHIFT_CLICKHOUSE_ADDR $env_ch"
		chc="clickhouse-client --host ${ADSHIFT_CLICKHOUSE_ADDR%:*} --port ${ADSHIFT_CLICKHOUSE_ADDR##*:}"
	fi
	[ "$broker" = 127.0.0.1:9092 ] || env_kafka="ADSHIFT_KAFKA_EMBEDDED_ADDR=$broker "
	# run needs the demo's HTTP address too; replay ignores it.
	[ "${ADSHIFT_HTTP_ADDR:-127.0.0.1:9464}" = 127.0.0.1:9464 ] || env_kafka="${env_kafka}ADSHIFT_HTTP_ADDR=$ADSHIFT_HTTP_ADDR "
	# The folder this run archived to, as run logged it.
	archive=$(sed -n 's/.*msg="archiving to Parquet files" dir=\([^ ]*\).*/\1/p' "$work/run.log" 2>/dev/null | tail -n 1 || true)
	cat <<MSG

Where to look next:
  $work/run.log                       what the pipeline logged
  $work/interest.model.card.json      the interest model's card: data span, weights, time-split scores
  $work/report.html                   the report with charts: CTR by arm over time, lift with its interval
  $env_ch bin/adshift report --json   the same numbers for scripts
  $chc -q 'SELECT * FROM $db.ads LIMIT 3 FORMAT Vertical'
  $chc -q 'SELECT kind, detail FROM $db.failed_events'
  adshift.example.yaml                every setting, to point adshift at your Kafka, ClickHouse and model
  README.md, "Each dataset with its catalogue"   Taobao, Online Retail and Segment data, each with its catalogue

Run the pipeline again and watch it, or feed it this run's clickstream from its Parquet archive:
  $env_ch ${env_kafka}bin/adshift run   then, in another shell:
  http://${ADSHIFT_HTTP_ADDR:-127.0.0.1:9464}/status   the live page while it runs: stages, latest ads, CTR by arm
  kcat -b $broker -C -t ads.ready     watch ads as they are written
  ${env_kafka}bin/adshift replay --parquet ${archive:-var/archive}   replay this run's clickstream
MSG
}
print_hints
