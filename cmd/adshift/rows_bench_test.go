package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/sources/kafka"
)

// BenchmarkRowsPerEvent runs the whole pipeline once on the real REES46 sample (embedded broker,
// real ClickHouse), with the simulated delivery showing every ad and writing its views, clicks
// and orders back, and reports what docs/sizing.md scales ClickHouse from: rows per clickstream
// event in each table and overall, and the bytes a row takes on disk, compressed, as
// system.parts counts them. The delivery's view, click and order rates are the simulator's
// defaults, not a real audience's.
func BenchmarkRowsPerEvent(b *testing.B) {
	a := testApp(b)
	a.cfg.Features.AllowedLateness = 24 * time.Hour // as in TestEndToEndOnRealRows: the delivery writes in ad time
	a.cfg.Outcomes.Lateness = -1
	brokers := onEmbeddedBroker(b, a)
	stop := startRun(b, a, []string{features.Name, creatives.Name, outcomes.Name})
	defer stop()

	var out bytes.Buffer
	if err := a.replay(b.Context(), "rees46", rees46File, mustSpeed(b, "max"), &out, io.Discard); err != nil {
		b.Fatalf("replay: %v", err)
	}
	events := float64(endOffsets(b, brokers, a.cfg.Topics.Clickstream.Name)) // the shoppers' own, before the delivery's
	p, err := a.producer(b.Context(), brokers, "bench-deliver")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close(context.Background())
	d := simulation.NewDelivery(simulation.DefaultDeliveryConfig(), p)
	g, err := kafka.NewGroup(a.group(brokers, d.Name()), d, a.log, nil)
	if err != nil {
		b.Fatal(err)
	}
	dctx, dstop := context.WithCancel(context.Background())
	ddone := make(chan error, 1)
	go func() { ddone <- g.Run(dctx) }()
	var ads int
	waitFor(b, "the ads to settle and be delivered", 300*time.Second, func() bool {
		before := ads
		ads = len(readAll(b, brokers, a.cfg.Topics.Ads.Name))
		return ads > 0 && ads == before && d.Counts().Ads >= int64(ads) && time.Since(d.LastAd()) > 2*time.Second
	})
	dstop()
	if err := <-ddone; err != nil {
		b.Fatalf("delivery: %v", err)
	}
	c := d.Counts()
	touches := uint64(c.Impressions + c.Clicks + c.Orders)
	waitFor(b, "outcomes to land in ClickHouse", 120*time.Second, func() bool {
		return clickhouseCount(b, a, "SELECT count() FROM $db.ads") >= uint64(ads) &&
			clickhouseCount(b, a, "SELECT count() FROM $db.ad_events") >= touches
	})
	// The figures are counts of one run, not times: the loop only keeps to the benchmark protocol.
	for b.Loop() {
	}
	var rows, size float64
	for _, table := range []string{"ads", "ad_events", "failed_events"} {
		n := float64(clickhouseCount(b, a, "SELECT count() FROM $db."+table))
		on := float64(clickhouseCount(b, a, "SELECT toUInt64(sum(bytes_on_disk)) FROM system.parts WHERE active AND database = '$db' AND table = '"+table+"'"))
		rows, size = rows+n, size+on
		b.ReportMetric(n/events, strings.ReplaceAll(table, "_", "-")+"-rows/event")
		if n > 0 {
			b.ReportMetric(on/n, strings.ReplaceAll(table, "_", "-")+"-bytes/row")
		}
	}
	b.ReportMetric(events, "events")
	b.ReportMetric(rows/events, "rows/event")
	b.ReportMetric(size/rows, "bytes/row")
}
