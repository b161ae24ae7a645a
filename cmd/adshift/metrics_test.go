package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// scrape returns what /metrics serves, after checking it with promtool's metric linter (the code
// `promtool check metrics` runs).
func scrape(t *testing.T, a *app) string {
	t.Helper()
	code, body := get(t, "http://"+a.cfg.HTTP.Addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	problems, err := promlint.New(strings.NewReader(body)).Lint()
	if err != nil {
		t.Fatalf("lint /metrics: %v", err)
	}
	for _, p := range problems {
		t.Errorf("promtool check metrics: %s: %s", p.Metric, p.Text)
	}
	return body
}

// sample returns the value of the series line that starts with series, or fails.
func sample(t *testing.T, body, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no series %s", series)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s = %q: %v", series, m[1], err)
	}
	return v
}

// /metrics passes promtool's checks before any input and after some; error counters are there,
// at 0, before the first error; the build is named; freshness and the end-to-end latency of an
// ad follow the events that went in.
func TestMetricsPassPromtoolAndMeanSomething(t *testing.T) {
	a := testApp(t)
	stop := startRun(t, a, allStages)
	defer stop()

	body := scrape(t, a)
	sample(t, body, fmt.Sprintf(`adshift_build_info{goversion=%q,version=%q}`, runtime.Version(), version))
	for _, series := range []string{
		`adshift_features_failures_total{kind="malformed_json"}`,
		`adshift_features_failures_total{kind="late_event"}`,
		`adshift_clickhouse_flush_errors_total{retryable="false",table="ad_events"}`,
		`adshift_group_process_errors_total{group="adshift-outcomes"}`,
	} {
		if v := sample(t, body, series); v != 0 {
			t.Errorf("%s = %v before any input, want 0", series, v)
		}
	}
	if !strings.Contains(body, `adshift_group_event_freshness_seconds{group="adshift-features"} NaN`) {
		t.Errorf("freshness before any record is not NaN")
	}

	// Produced as replay and trackers do: keyed by user, stamped with the event time.
	var recs []pipeline.Record
	for i, product := range []string{"1004767", "1004833", "1005115"} {
		ev := schemas.Event{
			Type: "track", Event: schemas.ProductViewed, UserID: "metrics-shopper", MessageID: fmt.Sprintf("m-%d", i),
			Timestamp:  time.Now().Add(-time.Minute).UTC(),
			Properties: schemas.Properties{ProductID: product, Category: "electronics.smartphone", Brand: "samsung", Price: 200, Currency: "USD"},
		}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, pipeline.Record{Topic: a.cfg.Topics.Clickstream.Name, Key: []byte(ev.UserID), Value: b, Timestamp: ev.Timestamp})
	}
	recs = append(recs, pipeline.Record{Topic: a.cfg.Topics.Clickstream.Name, Key: []byte("metrics-broken"), Value: []byte("not json"),
		Timestamp: time.Now().Add(-time.Minute)})
	out, err := a.producer(t.Context(), a.clientBrokers(), "metrics-test")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close(t.Context())
	if err := out.Emit(t.Context(), recs); err != nil {
		t.Fatal(err)
	}

	waitFor(t, "an ad's latency in /metrics", 30*time.Second, func() bool {
		body = scrape(t, a)
		return strings.Contains(body, "adshift_ad_ready_latency_seconds_count 1")
	})
	// The events happened a minute ago: the ad is about a minute behind them, as is the stage.
	if sum := sample(t, body, "adshift_ad_ready_latency_seconds_sum"); sum < 60 || sum > 120 {
		t.Errorf("ad latency %vs, want about 60s after events a minute old", sum)
	}
	if f := sample(t, body, `adshift_group_event_freshness_seconds{group="adshift-features"}`); f < 60 || f > 120 {
		t.Errorf("features freshness %vs, want about 60s after events a minute old", f)
	}
	if v := sample(t, body, `adshift_features_failures_total{kind="malformed_json"}`); v != 1 {
		t.Errorf("malformed_json failures %v, want 1", v)
	}
	for _, series := range []string{"adshift_kafka_buffered_produce_records", "adshift_kafka_buffered_fetch_records"} {
		if !strings.Contains(body, "# TYPE "+series+" gauge") {
			t.Errorf("/metrics lacks the gauge %s", series)
		}
	}
}
