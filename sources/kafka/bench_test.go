package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

// BenchmarkFeaturesEndToEnd runs the features stage through the embedded broker — consumer
// group, decode, profiles, shifts, changelog writes, progress markers, commits — and, in the same
// run on the same records, a bare franz-go consumer group that only counts them. It reports both
// rates and their ratio (target: the stage at 60% of bare consumption or better).
func BenchmarkFeaturesEndToEnd(b *testing.B) {
	const copies = 8 // the REES46 sample eight times over, each copy its own shoppers, 3 hours later
	base := clickstreamRecords(b)
	var recs []*kgo.Record
	for c := range copies {
		for _, r := range base {
			cp := *r
			if c > 0 {
				cp.Key = fmt.Appendf(nil, "%s-%d", r.Key, c)
				cp.Value = shiftedEvent(b, r.Value, c)
			}
			recs = append(recs, &cp)
		}
	}
	addrs := startBroker(b, restoreTopics...)
	produceClickstream(b, addrs, recs)
	total := float64(len(recs))

	var bare, stage time.Duration
	for i := 0; b.Loop(); i++ {
		bare += timeBare(b, addrs, fmt.Sprintf("bare-%d", i), len(recs))
		stage += timeStage(b, addrs, fmt.Sprintf("adshift-features-%d", i), total)
	}
	n := float64(b.N)
	b.ReportMetric(total*n/bare.Seconds(), "bare-events/s")
	b.ReportMetric(total*n/stage.Seconds(), "stage-events/s")
	b.ReportMetric(bare.Seconds()/stage.Seconds(), "stage/bare")
}

// shiftedEvent returns the event of copy c: another shopper, another messageId, 3c hours later.
func shiftedEvent(b *testing.B, value []byte, c int) []byte {
	ev, err := schemas.DecodeEvent(value, schemas.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	ev.UserID = fmt.Sprintf("%s-%d", ev.UserID, c)
	ev.MessageID = fmt.Sprintf("%s-%d", ev.MessageID, c)
	ev.Timestamp = ev.Timestamp.Add(time.Duration(3*c) * time.Hour)
	out, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// timeBare consumes every record with a plain franz-go group consumer, with the same poll size
// and fetch settings the stage's group uses, and returns how long it took from the first fetch.
func timeBare(b *testing.B, addrs []string, group string, want int) time.Duration {
	b.Helper()
	cfg := testConfig(addrs, group).withDefaults()
	cl := newClient(b, addrs,
		kgo.ConsumerGroup(group), kgo.ConsumeTopics("clickstream"),
		kgo.FetchMaxWait(cfg.FetchMaxWait), kgo.HeartbeatInterval(cfg.HeartbeatInterval),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	ctx, cancel := context.WithTimeout(b.Context(), waitTimeout)
	defer cancel()
	var start time.Time
	got := 0
	for got < want {
		fetches := cl.PollRecords(ctx, cfg.MaxPollRecords)
		if err := ctx.Err(); err != nil {
			b.Fatalf("bare consumer read %d of %d: %v", got, want, err)
		}
		if start.IsZero() && fetches.NumRecords() > 0 {
			start = time.Now()
		}
		got += fetches.NumRecords()
	}
	took := time.Since(start)
	cl.Close()
	return took
}

// timeStage runs the features stage as its own group until it processed every record, and
// returns how long it took from its first processed batch.
func timeStage(b *testing.B, addrs []string, group string, want float64) time.Duration {
	b.Helper()
	prod, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, ExplicitPartitions: []string{"adshift.profiles"}}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = prod.Close(context.WithoutCancel(b.Context())) }()
	// No restore: every run starts from empty profiles, though the changelog topic holds the
	// earlier runs' (restoring is a cost of assignment, not of throughput).
	st, err := features.New(features.DefaultConfig(), prod, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	g, err := NewGroup(testConfig(addrs, group), st, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(waitTimeout)
	var start time.Time
	for {
		n := counterValue(b, g.metrics.records)
		if start.IsZero() && n > 0 {
			start = time.Now()
		}
		if n >= want {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			b.Fatalf("the stage processed %v of %v records", n, want)
		}
		time.Sleep(time.Millisecond) // polling a counter; 1ms is within the measurement's noise
	}
}
