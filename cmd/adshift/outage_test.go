package main

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/sinks/clickhouse/clickhousetest"
	"github.com/adshift/adshift/sources/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// The outcomes stage runs as a process of its own, reaching ClickHouse through a proxy, beside
// the rekey, features and creatives stages and a delivery system showing the ads. 15s into the
// replay the proxy resets every connection and refuses new ones for 25s, longer than the
// writer's retries last, so batches fail and the partitions retry them. The process stays up,
// says it is not ready, and counts the failed inserts; once ClickHouse is back every row lands,
// once: the distinct ids in ClickHouse are exactly those the outcomes stage writes from the same
// topics with nothing failing, the ads those of a clean run, the impressions, clicks and orders
// those the delivery system wrote, the failed events the dead letters of the bad inputs.
func TestClickHouseOutageLosesNothing(t *testing.T) {
	want := adIDsOfReplay(t, "max", false)
	r := newChaosRig(t)
	proxy := clickhousetest.NewProxy(t, r.a.cfg.ClickHouse.Addr)
	stages := r.stages(t)
	landing := startAdshift(t, append(slices.Clone(r.env), "ADSHIFT_CLICKHOUSE_ADDR="+proxy.Addr(),
		"ADSHIFT_CLICKHOUSE_DATABASE="+r.a.cfg.ClickHouse.Database), "run", "--stages=outcomes")
	if !eventually(60*time.Second, func() bool { return landing.status("/readyz") == http.StatusOK }) {
		t.Fatalf("the outcomes stage not ready within 60s:\n%s", landing.out.String())
	}
	d := startDelivery(t, r.a)
	r.replay(t)
	produceBad(t, []string{r.addr}, r.a.cfg.Topics.Clickstream.Name) // dead letters to land too

	r.at(15 * time.Second)
	written := landing.metric("adshift_clickhouse_rows_written_total", "", "")
	proxy.SetUp(false)
	t.Logf("ClickHouse cut off after %.0f rows written", written)
	if !eventually(20*time.Second, func() bool { return landing.status("/readyz") == http.StatusServiceUnavailable }) {
		t.Errorf("/readyz does not report the outage")
	}
	r.at(40 * time.Second)
	select {
	case <-landing.done:
		t.Fatalf("the outcomes stage exited during the outage:\n%s", landing.out.String())
	default:
	}
	if code := landing.status("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz answered %d during the outage, want 200: the stage runs, it only waits", code)
	}
	retried := landing.metric("adshift_clickhouse_flush_errors_total", "retryable", "true")
	failed := landing.metric("adshift_group_process_errors_total", "group", "adshift-outcomes")
	proxy.SetUp(true)
	_, refused := proxy.Counts()
	t.Logf("during the outage: %.0f insert attempts failed and were retried, %.0f batches failed, %d connections refused", retried, failed, refused)
	if retried < 3 || failed < 1 || refused == 0 {
		t.Errorf("the outage is not in the metrics: flush errors retried %.0f (want ≥ 3), process errors %.0f (want ≥ 1), connections refused %d", retried, failed, refused)
	}
	if !eventually(30*time.Second, func() bool { return landing.status("/readyz") == http.StatusOK }) {
		t.Errorf("/readyz not ready again within 30s of ClickHouse coming back")
	}
	recovered := func() bool { return strings.Contains(landing.out.String(), "batch processed after retries") }
	if !eventually(30*time.Second, recovered) || !strings.Contains(landing.out.String(), "clickhouse insert failed; retrying") {
		t.Errorf("the log does not tell of the outage and the recovery:\n%s", landing.out.String())
	}

	ads := r.finish(t, stages)
	if !slices.Equal(ads, want) {
		t.Errorf("%d ads missing, %d not made by a clean run (%d)", len(minus(want, ads)), len(minus(ads, want)), len(want))
	}
	adRecords := len(readAll(t, []string{r.addr}, r.a.cfg.Topics.Ads.Name))
	if !eventually(60*time.Second, func() bool {
		return d.Counts().Ads >= int64(adRecords) && time.Since(d.LastAd()) > 2*time.Second
	}) {
		t.Fatalf("the delivery showed %d of %d ads", d.Counts().Ads, adRecords)
	}
	topics := []string{r.a.cfg.Topics.Ads.Name, r.a.cfg.Topics.DLQ.Name, r.a.cfg.Topics.Clickstream.Name}
	input := endOffsets(t, []string{r.addr}, topics...)
	if !eventually(60*time.Second, func() bool { return landing.processed("adshift-outcomes") >= float64(input) }) {
		t.Fatalf("the outcomes stage processed %.0f of %d records:\n%s", landing.processed("adshift-outcomes"), input, landing.out.String())
	}
	// Stopping writes the orders still waiting out their lateness.
	if err := landing.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-landing.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("the outcomes stage did not stop within 60s:\n%s", landing.out.String())
	}
	if code := landing.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the outcomes stage exited %d, want 0:\n%s", code, landing.out.String())
	}

	clean := outcomeIDs(t, r.a, []string{r.addr}, topics)
	got := landedIDs(t, r.a)
	for kind, ids := range clean {
		t.Logf("%s: %d landed, %d from a clean pass", kind, len(got[kind]), len(ids))
		if missing, extra := minus(ids, got[kind]), minus(got[kind], ids); len(missing)+len(extra) > 0 {
			t.Errorf("%s: %d missing (e.g. %v), %d not written by a clean pass (e.g. %v)", kind, len(missing), head(missing), len(extra), head(extra))
		}
	}
	if n := len(got["failure"]); n != len(badInputs()) {
		t.Errorf("failed events: %d landed, want the %d bad inputs", n, len(badInputs()))
	}
	if !slices.Equal(got["ad"], ads) {
		t.Errorf("ads: %d landed, %d distinct on %s", len(got["ad"]), len(ads), r.a.cfg.Topics.Ads.Name)
	}
	c := d.Counts()
	delivered := map[string]int{"impression": int(c.Impressions), "click": int(c.Clicks), "delivered order": int(c.Orders)}
	landed := map[string]int{"impression": len(got["impression"]), "click": len(got["click"]), "delivered order": 0}
	for _, id := range got["conversion"] {
		if strings.HasPrefix(id, "conv:demo-") {
			landed["delivered order"]++
		}
	}
	if !maps.Equal(landed, delivered) {
		t.Errorf("landed %v, the delivery system wrote %v", landed, delivered)
	}
	for table, id := range map[string]string{"ads": "ad_id", "ad_events": "event_id", "failed_events": "failure_id"} {
		rows := clickhouseCount(t, r.a, "SELECT count() FROM $db."+table+" FINAL")
		if distinct := clickhouseCount(t, r.a, "SELECT uniqExact("+id+") FROM $db."+table); rows != distinct {
			t.Errorf("%s: %d rows after FINAL, %d distinct ids: duplicates", table, rows, distinct)
		}
	}
}

// startDelivery runs the simulated delivery system on a's brokers until the test ends.
func startDelivery(t *testing.T, a *app) *simulation.Delivery {
	t.Helper()
	p, err := a.producer(t.Context(), a.cfg.Kafka.Brokers, "chaos-deliver")
	if err != nil {
		t.Fatal(err)
	}
	cfg := simulation.DefaultDeliveryConfig()
	cfg.AdsTopic, cfg.ClickstreamTopic = a.cfg.Topics.Ads.Name, a.cfg.Topics.Clickstream.Name
	d := simulation.NewDelivery(cfg, p)
	g, err := kafka.NewGroup(a.group(a.cfg.Kafka.Brokers, d.Name()), d, a.log, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("delivery: %v", err)
		}
		_ = p.Close(context.Background())
	})
	return d
}

// outcomeIDs runs the outcomes stage in memory over every record of topics, partition by
// partition in offset order, with a writer that never fails, and returns the ids of the rows it
// writes by kind ("ad", "impression", "click", "conversion", "failure"), each sorted.
func outcomeIDs(t *testing.T, a *app, brokers, topics []string) map[string][]string {
	t.Helper()
	w := &pipelinetest.RowWriter{}
	st, err := outcomes.New(a.cfg.Outcomes, a.cfg.Topics.Names(), w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range topics {
		parts := map[int32][]pipeline.Record{}
		for _, r := range readAll(t, brokers, topic) {
			parts[r.Partition] = append(parts[r.Partition], pipeline.Record{Topic: r.Topic, Partition: r.Partition,
				Offset: r.Offset, Key: r.Key, Value: r.Value, Headers: franz.Headers(r.Headers), Timestamp: franz.EventTime(r)})
		}
		for _, partition := range slices.Sorted(maps.Keys(parts)) {
			recs := parts[partition]
			slices.SortFunc(recs, func(x, y pipeline.Record) int { return int(x.Offset - y.Offset) })
			proc, err := st.Open(t.Context(), topic, partition)
			if err != nil {
				t.Fatal(err)
			}
			if err := proc.Process(t.Context(), recs); err != nil {
				t.Fatal(err)
			}
			if err := proc.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := map[string]map[string]bool{"ad": {}, "impression": {}, "click": {}, "conversion": {}, "failure": {}}
	for _, rows := range w.Writes {
		for _, ad := range rows.Ads {
			ids["ad"][ad.AdID] = true
		}
		for _, e := range rows.Events {
			ids[e.Kind][e.EventID] = true
		}
		for _, f := range rows.Failures {
			ids["failure"][f.FailureID] = true
		}
	}
	out := map[string][]string{}
	for kind, set := range ids {
		out[kind] = slices.Sorted(maps.Keys(set))
	}
	return out
}

// landedIDs returns the distinct ids in a's ClickHouse database by kind, as outcomeIDs does.
func landedIDs(t *testing.T, a *app) map[string][]string {
	t.Helper()
	conn, err := clickhouseConn(a.cfg.ClickHouse.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	db := a.cfg.ClickHouse.Database
	out := map[string][]string{}
	for kind, q := range map[string]string{
		"ad":         "SELECT DISTINCT ad_id FROM " + db + ".ads",
		"impression": "SELECT DISTINCT event_id FROM " + db + ".ad_events WHERE kind = 'impression'",
		"click":      "SELECT DISTINCT event_id FROM " + db + ".ad_events WHERE kind = 'click'",
		"conversion": "SELECT DISTINCT event_id FROM " + db + ".ad_events WHERE kind = 'conversion'",
		"failure":    "SELECT DISTINCT failure_id FROM " + db + ".failed_events",
	} {
		rows, err := conn.Query(t.Context(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out[kind] = append(out[kind], id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[kind])
	}
	return out
}

// head is the first few of ids, for a message.
func head(ids []string) []string { return ids[:min(len(ids), 3)] }

// status is the HTTP status the process answers path with (0 while it does not answer).
func (p *process) status(path string) int {
	resp, err := http.Get("http://" + p.httpAddr + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// metric sums the counter or gauge name over the series whose label is value (every series when
// label is empty) from the process's /metrics (-1 while it does not answer).
func (p *process) metric(name, label, value string) float64 {
	resp, err := http.Get("http://" + p.httpAddr + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return -1
	}
	sum := 0.0
	for _, m := range mfs[name].GetMetric() {
		match := label == ""
		for _, l := range m.GetLabel() {
			match = match || (l.GetName() == label && l.GetValue() == value)
		}
		if match {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}
