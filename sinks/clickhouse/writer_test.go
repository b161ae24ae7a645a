package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sinks/clickhouse/clickhousetest"
)

// TestWriterGroupCommitsConcurrentWrites has many goroutines write rounds of rows. With an
// interval too long to matter, a flush happens only once every goroutine's rows of a round are
// in, so each round is exactly one group commit, and every row is readable once its Write returns.
func TestWriterGroupCommitsConcurrentWrites(t *testing.T) {
	const goroutines, rounds = 8, 5
	cfg := testConfig()
	cfg.BatchRows = goroutines * 3 // each Write carries an ad, an impression and a click
	cfg.FlushInterval, cfg.Linger = time.Hour, time.Hour
	c := migratedTest(t, cfg)
	reg := prometheus.NewRegistry()
	w := newWriter(t, c, cfg, reg)

	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for g := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				ad := fmt.Sprintf("ad-%d-%d", g, r)
				errs <- w.Write(t.Context(), schemas.Rows{
					Ads:    []schemas.Ad{testAd(ad, "value", schemas.GeneratorLLM, schemas.GroupTreatment)},
					Events: []schemas.AdEvent{testEvent("imp-"+ad, schemas.Impression, ad, 0), testEvent("clk-"+ad, schemas.Click, ad, 0)},
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
	}

	// Every Write has returned, so every row must be visible before Close.
	wantCounts(t, c, map[string]uint64{
		"ads": goroutines * rounds, "ad_events": 2 * goroutines * rounds,
		"ad_events.impression": goroutines * rounds, "ad_events.click": goroutines * rounds,
		"failed_events": 0,
	})
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := flushes(t, w); got != rounds {
		t.Errorf("%d writes took %d flushes, want %d group commits", goroutines*rounds, got, rounds)
	}
	for table, want := range map[string]float64{TableAds: goroutines * rounds, TableAdEvents: 2 * goroutines * rounds} {
		if got := counter(t, w.metrics.rows.WithLabelValues(table)); got != want {
			t.Errorf("rows written metric for %s = %v, want %v", table, got, want)
		}
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	if want := "adshift_clickhouse_flush_duration_seconds,adshift_clickhouse_flush_errors_total,adshift_clickhouse_rows_written_total"; strings.Join(names, ",") != want {
		t.Errorf("registry exposes %v, want %s", names, want)
	}
}

// Writers block until their rows land, so once every partition worker has written, no more rows
// come: the batch is flushed after the linger, not after the (here endless) flush interval.
func TestWriterLingerFlushesWhenWritersWait(t *testing.T) {
	cfg := testConfig()
	cfg.BatchRows, cfg.FlushInterval, cfg.Linger = 1_000_000, time.Hour, 5*time.Millisecond
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())
	for round := range 3 {
		ad := fmt.Sprint("ad-", round)
		if err := w.Write(t.Context(), schemas.Rows{Events: []schemas.AdEvent{testEvent("imp-"+ad, schemas.Impression, ad, 0)}}); err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, c, map[string]uint64{"ad_events": 3, "ad_events.impression": 3, "ads": 0, "failed_events": 0})
}

// TestWriterRedeliveryKeepsCountsExact writes the same rows twice, as a redelivered input
// would, plus a duplicate inside one batch; distinct counts and the summary stay exact.
func TestWriterRedeliveryKeepsCountsExact(t *testing.T) {
	cfg := testConfig()
	cfg.FlushInterval = 10 * time.Millisecond
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	rows := schemas.Rows{
		Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)},
		Events: []schemas.AdEvent{
			testEvent("e1", schemas.Impression, "a1", 0), testEvent("e1", schemas.Impression, "a1", 0),
			testEvent("e2", schemas.Conversion, "a1", 40),
		},
		Failures: []schemas.FailedEvent{testFailure("clickstream/2/7", schemas.MalformedJSON)},
	}
	for range 2 {
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, c, map[string]uint64{
		"ads": 1, "ad_events": 2, "ad_events.impression": 1, "ad_events.conversion": 1,
		"failed_events": 1, "failed_events.malformed_json": 1,
	})
	// Revenue summed over distinct events, as the report does: the redelivery adds none.
	var imp, conv uint64
	var revenue float64
	err := c.conn.QueryRow(t.Context(), `SELECT countIf(k = 'impression'), countIf(k = 'conversion'), sumIf(rev, k = 'conversion')
FROM (SELECT event_id, any(kind) AS k, any(revenue) AS rev FROM `+c.table(TableAdEvents)+` GROUP BY event_id)`).Scan(&imp, &conv, &revenue)
	if err != nil {
		t.Fatal(err)
	}
	if imp != 1 || conv != 1 || revenue != 40 {
		t.Errorf("after redelivery %d impressions, %d conversions, revenue %v; want 1, 1, 40", imp, conv, revenue)
	}
}

// TestWriterPermanentErrorFailsWrite writes into a database without tables: the error names the
// table, reaches the caller, and is not retried.
func TestWriterPermanentErrorFailsWrite(t *testing.T) {
	cfg := testConfig()
	cfg.FlushInterval = time.Millisecond
	c := openTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	err := w.Write(t.Context(), schemas.Rows{Events: []schemas.AdEvent{testEvent("e1", schemas.Click, "a1", 0)}})
	if err == nil || !strings.Contains(err.Error(), "insert 1 rows into ad_events") {
		t.Fatalf("Write into a missing table: %v, want an insert error naming ad_events", err)
	}
	if got := counter(t, w.metrics.errors.WithLabelValues(TableAdEvents, "false")); got != 1 {
		t.Errorf("permanent errors counted %v, want 1", got)
	}
	if got := counter(t, w.metrics.errors.WithLabelValues(TableAdEvents, "true")); got != 0 {
		t.Errorf("a missing table was retried %v times", got)
	}
}

func TestWriterClosed(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := w.Write(t.Context(), schemas.Rows{Ads: []schemas.Ad{testAd("a1", "value", "llm", "treatment")}})
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	if err := w.Write(t.Context(), schemas.Rows{}); err != nil {
		t.Errorf("empty Write after Close: %v, want nil", err)
	}
}

// TestWriterCloseFlushesPending: rows written with a long interval land on Close.
func TestWriterCloseFlushesPending(t *testing.T) {
	cfg := testConfig()
	cfg.FlushInterval = time.Hour
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	ctx, cancel := context.WithCancel(t.Context())
	written := make(chan error, 1)
	go func() {
		written <- w.Write(ctx, schemas.Rows{Failures: []schemas.FailedEvent{testFailure("f1", schemas.TooLarge)}})
	}()
	waitFor(t, func() bool { w.mu.Lock(); defer w.mu.Unlock(); return w.pending == 1 })
	if err := w.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-written; err != nil {
		t.Fatalf("Write pending at Close: %v", err)
	}
	wantCounts(t, c, map[string]uint64{"failed_events": 1, "failed_events.too_large": 1})
}

func wantCounts(t *testing.T, c *Client, want map[string]uint64) {
	t.Helper()
	got, err := distinctCounts(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("count %s = %d, want %d (all counts: %v)", k, got[k], n, got)
		}
	}
}

func counter(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// flushes is how many flushes the writer observed.
func flushes(t *testing.T, w *Writer) uint64 {
	t.Helper()
	var m dto.Metric
	if err := w.metrics.duration.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

// waitFor polls cond until it holds, failing the test after a generous deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// proxiedConfig is the test configuration reaching the server through a proxy the test can cut,
// flushing at once and retrying a failed flush for as long as the test lasts.
func proxiedConfig(t *testing.T) (*clickhousetest.Proxy, Config) {
	t.Helper()
	p := clickhousetest.NewProxy(t, testAddr())
	cfg := testConfig()
	cfg.Addr = p.Addr()
	cfg.FlushInterval = time.Millisecond
	cfg.MaxRetries = 1000
	return p, cfg
}

// TestWriterRetriesThroughOutage cuts the network under a Write: the Write waits through the
// retries and succeeds once the server is reachable again, landing its rows exactly once.
func TestWriterRetriesThroughOutage(t *testing.T) {
	p, cfg := proxiedConfig(t)
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	p.SetUp(false)
	written := make(chan error, 1)
	go func() {
		written <- w.Write(t.Context(), schemas.Rows{Events: []schemas.AdEvent{testEvent("e1", schemas.Click, "a1", 0)}})
	}()
	waitFor(t, func() bool { return counter(t, w.metrics.errors.WithLabelValues(TableAdEvents, "true")) >= 2 })
	select {
	case err := <-written:
		t.Fatalf("Write returned %v during the outage, want it to wait", err)
	default:
	}
	p.SetUp(true)
	if err := <-written; err != nil {
		t.Fatalf("Write after the outage: %v", err)
	}
	wantCounts(t, c, map[string]uint64{"ad_events": 1, "ad_events.click": 1})
}

// TestWriterCloseAbandonsFailingFlush: Close with an ended context stops retrying and fails the
// writers waiting on that flush instead of hanging.
func TestWriterCloseAbandonsFailingFlush(t *testing.T) {
	p, cfg := proxiedConfig(t)
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)

	p.SetUp(false)
	written := make(chan error, 1)
	go func() {
		written <- w.Write(t.Context(), schemas.Rows{Ads: []schemas.Ad{testAd("a1", "value", "llm", "treatment")}})
	}()
	waitFor(t, func() bool { return counter(t, w.metrics.errors.WithLabelValues(TableAds, "true")) >= 1 })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Close with an ended context: %v, want context.Canceled", err)
	}
	if err := <-written; err == nil || !strings.Contains(err.Error(), "insert 1 rows into ads") {
		t.Errorf("Write whose flush was abandoned: %v, want the insert error", err)
	}
	p.SetUp(true)
}

// TestWriterBackpressure: while flushes fail, pending rows stop at (Flushes+1)×BatchRows and
// further writers wait for room instead of growing the buffer; all land once the server is back.
func TestWriterBackpressure(t *testing.T) {
	const writers = 10
	p, cfg := proxiedConfig(t)
	cfg.BatchRows = 2
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	p.SetUp(false)
	errs := make(chan error, writers)
	for i := range writers {
		go func() {
			id := fmt.Sprintf("f%d", i)
			errs <- w.Write(t.Context(), schemas.Rows{Failures: []schemas.FailedEvent{testFailure(id, schemas.LateEvent)}})
		}()
	}
	pending := func() int { w.mu.Lock(); defer w.mu.Unlock(); return w.pending }
	if want := (DefaultConfig().Flushes + 1) * cfg.BatchRows; w.maxPending != want || want >= writers {
		t.Fatalf("cap on pending rows %d, want %d, fewer than the %d writers", w.maxPending, want, writers)
	}
	waitFor(t, func() bool { return pending() == w.maxPending })
	retried := counter(t, w.metrics.errors.WithLabelValues(TableFailedEvents, "true"))
	waitFor(t, func() bool {
		return counter(t, w.metrics.errors.WithLabelValues(TableFailedEvents, "true")) >= retried+2
	})
	if n := pending(); n != w.maxPending {
		t.Errorf("%d rows pending through failing flushes, want the cap of %d", n, w.maxPending)
	}
	p.SetUp(true)
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, c, map[string]uint64{"failed_events": writers, "failed_events.late_event": writers})
}

func BenchmarkWriter(b *testing.B) {
	const rowsPerWrite = 100
	cfg := testConfig()
	cfg.FlushInterval = 50 * time.Millisecond
	c := migratedTest(b, cfg)
	w := newWriter(b, c, cfg, nil)
	defer w.Close(b.Context())

	b.ReportAllocs()
	b.SetParallelism(8) // partition workers per core
	var seq atomic.Uint64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			rows := schemas.Rows{Events: make([]schemas.AdEvent, rowsPerWrite)}
			for i := range rows.Events {
				rows.Events[i] = testEvent(fmt.Sprintf("e%d-%d", n, i), schemas.Impression, fmt.Sprintf("a%d", n), 0)
			}
			if err := w.Write(b.Context(), rows); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*rowsPerWrite)/b.Elapsed().Seconds(), "rows/s")
}

// A failed event lands with the user it was about and its record key, so a dead letter can be
// traced to a shopper (and forgotten with them).
func TestWriterFailedEventUserAndKey(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())
	if err := w.Write(t.Context(), schemas.Rows{Failures: []schemas.FailedEvent{testFailure("clickstream/0/9", schemas.MissingUser)}}); err != nil {
		t.Fatal(err)
	}
	var user, key string
	if err := c.conn.QueryRow(t.Context(), "SELECT user, `key` FROM "+c.table(TableFailedEvents)+
		" WHERE failure_id = 'clickstream/0/9'").Scan(&user, &key); err != nil {
		t.Fatal(err)
	}
	if user != "u-clickstream/0/9" || key != "k-clickstream/0/9" {
		t.Errorf("failed event's user %q and key %q, want u-clickstream/0/9 and k-clickstream/0/9", user, key)
	}
}
