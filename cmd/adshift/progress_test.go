package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
)

func TestByKey(t *testing.T) {
	f := func(m map[string]float64, want string) {
		t.Helper()
		if got := byKey(m); got != want {
			t.Errorf("byKey(%v) = %q, want %q", m, got, want)
		}
	}
	f(nil, "")
	f(map[string]float64{"late_event": 3}, "late_event:3")
	f(map[string]float64{"missing_user": 1, "late_event": 3, "malformed_json": 2}, "late_event:3,malformed_json:2,missing_user:1")
}

// The share of shifts without an ad counts each distinct shift once, whatever kept it from an ad.
func TestNoAdShare(t *testing.T) {
	f := func(results map[string]float64, want string) {
		t.Helper()
		got, ok := noAdShare(results)
		if got != want || ok != (want != "") {
			t.Errorf("noAdShare(%v) = %q, %v; want %q", results, got, ok, want)
		}
	}
	f(nil, "")
	f(map[string]float64{"repeated": 2}, "")
	f(map[string]float64{"ad": 40}, "0.0%")
	f(map[string]float64{"no_product": 40}, "100.0%")
	f(map[string]float64{"ad": 3, "no_product": 1, "repeated": 5}, "25.0%")
	f(map[string]float64{"ad": 61, "guard_rejected": 1, "generate_error": 1, "dead_lettered": 1}, "4.7%")
}

// runLog collects what a running pipeline logs, as JSON lines.
type runLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *runLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// lines returns the lines logged with msg for stage.
func (l *runLog) lines(t *testing.T, msg, stage string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	text := l.buf.String()
	l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["msg"] == msg && line["stage"] == stage {
			out = append(out, line)
		}
	}
	return out
}

// number reads key of a log line as a count.
func number(t *testing.T, line map[string]any, key string) int64 {
	t.Helper()
	v, ok := line[key].(float64)
	if !ok {
		t.Fatalf("log line %v has no number %s", line, key)
	}
	return int64(v)
}

// kinds reads "late_event:3,malformed_json:1" back into counts by kind.
func kinds(t *testing.T, s string) map[string]int64 {
	t.Helper()
	out := make(map[string]int64)
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, ":")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			t.Fatalf("%q is not kind:count", part)
		}
		out[k] = n
	}
	return out
}

// What run logs agrees with what it did: while it runs, a progress line per stage; once it has
// stopped, a summary per stage whose counts are those of the topics and tables it wrote.
func TestRunLogsProgressAndSummary(t *testing.T) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Log.ProgressInterval = 100 * time.Millisecond
	var log runLog
	a.log = slog.New(slog.NewJSONHandler(io.MultiWriter(&log, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelInfo}))
	stages := []string{rekey.Name, "features", "creatives", "outcomes"}
	stop := startRun(t, a, stages)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	var out bytes.Buffer
	if err := a.replay(t.Context(), "rees46", realRows(t, 2000), mustSpeed(t, "max"), &out, io.Discard); err != nil {
		t.Fatalf("replay: %v", err)
	}
	bad := badInputs()
	kcat(t, strings.Join(slicesOf(bad), "\n")+"\n", "-P", "-b", brokers[0], "-t", a.cfg.Topics.Clickstream.Name, "-K:")
	tp := a.cfg.Topics
	waitFor(t, "every stage to process all its input", 120*time.Second, func() bool {
		return recordsProcessed(t, a, "features") == float64(endOffsets(t, brokers, tp.Clickstream.Name)) &&
			recordsProcessed(t, a, "creatives") == float64(endOffsets(t, brokers, tp.Shifts.Name)) &&
			recordsProcessed(t, a, "outcomes") == float64(endOffsets(t, brokers, tp.Ads.Name, tp.Clickstream.Name, tp.DLQ.Name))
	})
	waitFor(t, "a progress line from every stage", 30*time.Second, func() bool {
		for _, s := range stages {
			if len(log.lines(t, "progress", s)) == 0 {
				return false
			}
		}
		return true
	})
	stop()
	stopped = true

	summary := func(stage string) map[string]any {
		t.Helper()
		lines := log.lines(t, "stage summary", stage)
		if len(lines) != 1 {
			t.Fatalf("%d summary lines for %s, want 1", len(lines), stage)
		}
		return lines[0]
	}
	f := summary("features")
	var sent int64
	if _, err := fmt.Sscanf(out.String(), "replayed %d events", &sent); err != nil {
		t.Fatalf("replay summary %q: %v", out.String(), err)
	}
	if got := number(t, f, "events"); got != sent {
		t.Errorf("features summary: events=%d, want the %d replayed", got, sent)
	}
	if got, want := number(t, f, "shifts"), endOffsets(t, brokers, tp.Shifts.Name); got != want {
		t.Errorf("features summary: shifts=%d, want the %d on %s", got, want, tp.Shifts.Name)
	}
	deadLetters := number(t, f, "dead_letters")
	if want := endOffsets(t, brokers, tp.DLQ.Name); deadLetters != want {
		t.Errorf("features summary: dead_letters=%d, want the %d on %s", deadLetters, want, tp.DLQ.Name)
	}
	byKind, _ := f["dead_letter_kinds"].(string)
	var sum int64
	for kind, n := range kinds(t, byKind) {
		sum += n
		delete(bad, schemas.FailureKind(kind))
	}
	if sum != deadLetters || len(bad) > 0 {
		t.Errorf("features summary: dead_letter_kinds=%q, want every kind sent (missing: %v) adding up to %d", byKind, slicesOf(bad), deadLetters)
	}

	c := summary("creatives")
	if got, want := number(t, c, "ads"), endOffsets(t, brokers, tp.Ads.Name); got != want || got == 0 {
		t.Errorf("creatives summary: ads=%d, want the %d on %s", got, want, tp.Ads.Name)
	}
	if got, want := number(t, c, "shifts"), endOffsets(t, brokers, tp.Shifts.Name); got != want {
		t.Errorf("creatives summary: shifts=%d, want the %d read from %s", got, want, tp.Shifts.Name)
	}

	o := summary("outcomes")
	rows := int64(clickhouseCount(t, a, "SELECT count() FROM $db.ads") +
		clickhouseCount(t, a, "SELECT count() FROM $db.ad_events") +
		clickhouseCount(t, a, "SELECT count() FROM $db.failed_events"))
	if got := number(t, o, "rows"); got != rows || got == 0 {
		t.Errorf("outcomes summary: rows=%d, want the %d in ClickHouse", got, rows)
	}
	if number(t, o, "flushes") == 0 || number(t, o, "failed_flushes") != 0 {
		t.Errorf("outcomes summary: flushes=%v failed_flushes=%v, want some and none failed", o["flushes"], o["failed_flushes"])
	}
	if got, want := number(t, o, "records"), endOffsets(t, brokers, tp.Ads.Name, tp.Clickstream.Name, tp.DLQ.Name); got != want {
		t.Errorf("outcomes summary: records=%d, want the %d it read", got, want)
	}
}
