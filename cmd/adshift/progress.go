package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/rekey"
)

// progress tells the operator of "adshift run" what each stage has done: a line per stage every
// log.progress_interval while it runs, and a summary line per stage once it has stopped. It
// reads the counters the stages already keep in the metrics registry, so the log and /metrics
// never disagree.
type progress struct {
	reg    prometheus.Gatherer
	log    *slog.Logger
	stages []string

	start  time.Time
	prev   gathered // at the last line; nil before the first
	prevAt time.Time
}

func newProgress(reg prometheus.Gatherer, log *slog.Logger, stages []string, start time.Time) *progress {
	return &progress{reg: reg, log: log, stages: stages, start: start, prevAt: start}
}

// run logs the stages' progress every interval until ctx ends.
func (p *progress) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.report(now)
		}
	}
}

// report logs one progress line per stage, its rates over the time since the previous line.
func (p *progress) report(now time.Time) {
	cur, err := gather(p.reg)
	if err != nil {
		p.log.Debug("progress: read metrics", "err", err)
		return
	}
	for _, stage := range p.stages {
		p.log.Info("progress", stageLine(stage, cur, p.prev, now.Sub(p.prevAt), true)...)
	}
	p.prev, p.prevAt = cur, now
}

// summary logs one closing line per stage: what it did over the whole run.
func (p *progress) summary(now time.Time) {
	cur, err := gather(p.reg)
	if err != nil {
		p.log.Warn("stage summary: read metrics", "err", err)
		return
	}
	for _, stage := range p.stages {
		attrs := stageLine(stage, cur, nil, now.Sub(p.start), false)
		attrs = append(attrs, "ran", now.Sub(p.start).Round(100*time.Millisecond).String())
		p.log.Info("stage summary", attrs...)
	}
}

// stageLine is what one line says about stage, from the counters in cur: totals, and rates
// over elapsed against prev (nil: since the start). live adds what only a running stage has: its
// consumer lag and what it holds in memory.
func stageLine(stage string, cur, prev gathered, elapsed time.Duration, live bool) []any {
	group := []string{"group", "adshift-" + stage}
	perSecond := func(name string) float64 {
		d := cur.sum(name) - prev.sum(name)
		if elapsed <= 0 {
			return 0
		}
		return math.Round(d/elapsed.Seconds()*10) / 10
	}
	attrs := []any{"stage", stage}
	switch stage {
	case rekey.Name:
		events := cur.by("adshift_rekey_events_total", "outcome")
		attrs = append(attrs,
			"events", count(total(events)),
			"events_per_s", perSecond("adshift_rekey_events_total"),
			"rekeyed", count(events["rekeyed"]),
			"identities", count(cur.sum("adshift_rekey_identities_total")))
	case features.Name:
		deadLetters := cur.by("adshift_features_failures_total", "kind")
		attrs = append(attrs,
			"events", count(cur.sum("adshift_features_events_total")),
			"events_per_s", perSecond("adshift_features_events_total"),
			"shifts", count(cur.sum("adshift_features_shifts_total")),
			"dead_letters", count(total(deadLetters)))
		if len(deadLetters) > 0 {
			attrs = append(attrs, "dead_letter_kinds", byKey(deadLetters))
		}
		if live {
			attrs = append(attrs, "profiles", count(cur.sum("adshift_features_profiles")))
		}
	case creatives.Name:
		results := cur.by("adshift_creatives_shifts_total", "result")
		noProduct := cur.by("adshift_creatives_no_product_total", "reason")
		attrs = append(attrs,
			"shifts", count(total(results)),
			"shifts_per_s", perSecond("adshift_creatives_shifts_total"),
			"ads", count(results["ad"]),
			"no_product", count(results["no_product"]))
		if share, ok := noAdShare(results); ok {
			attrs = append(attrs, "no_ad_share", share)
		}
		if len(noProduct) > 0 {
			attrs = append(attrs, "no_product_reasons", byKey(noProduct))
		}
		delete(results, "ad")
		delete(results, "no_product")
		if len(results) > 0 {
			attrs = append(attrs, "other_results", byKey(results))
		}
	case outcomes.Name:
		attrs = append(attrs,
			"records", count(cur.sum("adshift_outcomes_records_total")),
			"records_per_s", perSecond("adshift_outcomes_records_total"),
			"rows", count(cur.sum("adshift_clickhouse_rows_written_total")),
			"flushes", count(cur.sum("adshift_clickhouse_flush_duration_seconds")),
			"failed_flushes", count(cur.sum("adshift_clickhouse_flush_errors_total")))
	case archive.Name:
		attrs = append(attrs,
			"records", count(cur.sum("adshift_archive_records_total")),
			"files", count(cur.sum("adshift_archive_files_total")),
			"publish_errors", count(cur.sum("adshift_archive_publish_errors_total")))
		if live {
			attrs = append(attrs, "held_bytes", count(cur.sum("adshift_archive_held_bytes")))
		}
	}
	// The lag is looked up every few seconds; until the first lookup there is nothing to say.
	if lag, ok := cur.find("adshift_group_lag_records", group...); live && ok {
		attrs = append(attrs, "lag", count(lag))
	}
	return attrs
}

// gathered is one reading of a metrics registry: every series of every metric, by metric name.
// A counter or gauge series holds its value, a histogram its number of observations.
type gathered map[string][]series

type series struct {
	labels map[string]string
	value  float64
}

func gather(g prometheus.Gatherer) (gathered, error) {
	mfs, err := g.Gather()
	if err != nil {
		return nil, err
	}
	out := make(gathered, len(mfs))
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			s := series{labels: make(map[string]string, len(m.GetLabel()))}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				s.value = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				s.value = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				s.value = float64(m.GetHistogram().GetSampleCount())
			default:
				continue
			}
			out[mf.GetName()] = append(out[mf.GetName()], s)
		}
	}
	return out, nil
}

// find sums the series of name labelled with every name, value pair of match, and reports
// whether there was any.
func (g gathered) find(name string, match ...string) (float64, bool) {
	var sum float64
	found := false
	for _, s := range g[name] {
		if s.matches(match) {
			sum += s.value
			found = true
		}
	}
	return sum, found
}

// sum is find's sum alone: 0 when there is no such series.
func (g gathered) sum(name string, match ...string) float64 {
	v, _ := g.find(name, match...)
	return v
}

// by sums the series of name by their value of label, leaving out those at zero.
func (g gathered) by(name, label string) map[string]float64 {
	out := make(map[string]float64)
	for _, s := range g[name] {
		if s.value != 0 {
			out[s.labels[label]] += s.value
		}
	}
	return out
}

func (s series) matches(match []string) bool {
	for i := 0; i+1 < len(match); i += 2 {
		if s.labels[match[i]] != match[i+1] {
			return false
		}
	}
	return true
}

// count is a counter's value as the whole number it is.
func count(v float64) int64 { return int64(math.Round(v)) }

func total(m map[string]float64) float64 {
	var t float64
	for _, v := range m {
		t += v
	}
	return t
}

// byKey writes counts by key as "late_event:3,malformed_json:1", keys in order: one word a
// text log keeps unquoted.
func byKey(m map[string]float64) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, count(m[k])))
	}
	return strings.Join(parts, ",")
}

// noAdShare is the share of distinct shifts that got no ad, for whatever reason ("1.6%"); false
// before any shift was read.
func noAdShare(results map[string]float64) (string, bool) {
	distinct := total(results) - results["repeated"]
	if distinct <= 0 {
		return "", false
	}
	return fmt.Sprintf("%.1f%%", 100*(distinct-results["ad"])/distinct), true
}
