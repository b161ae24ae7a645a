package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

// BenchmarkFeaturesEndToEnd runs the features stage through the embedded broker — consumer
// group, decode, profiles, shifts, changelog writes, progress markers, commits — and, in the same
// run on the same records, a bare franz-go consumer group that only counts them, and one that
// also decodes each event as the stage does (schemas.DecodeEventInto into one reused event), the
// least any consumer of the clickstream does with a record. It reports the three rates and the
// stage's over each baseline: stage/bare (the consumer that decodes nothing) and stage/decoding
// (the same reading and decoding, so the ratio is the cost of the stage itself: profiles, shifts,
// changelog writes and commits).
func BenchmarkFeaturesEndToEnd(b *testing.B) {
	recs := sampleCopies(b, 8) // each copy its own shoppers, 3 hours later
	addrs := startBroker(b, restoreTopics...)
	produceClickstream(b, addrs, recs)
	total := float64(len(recs))

	var bare, decoding, stage, emitting time.Duration
	for i := 0; b.Loop(); i++ {
		bare += timeBare(b, addrs, fmt.Sprintf("bare-%d", i), len(recs), false)
		decoding += timeBare(b, addrs, fmt.Sprintf("decoding-%d", i), len(recs), true)
		took, emit := timeStage(b, addrs, fmt.Sprintf("adshift-features-%d", i), len(recs), false)
		stage += took
		emitting += emit
	}
	n := float64(b.N)
	b.ReportMetric(total*n/bare.Seconds(), "bare-events/s")
	b.ReportMetric(total*n/stage.Seconds(), "stage-events/s")
	b.ReportMetric(total*n/decoding.Seconds(), "decoding-events/s")
	b.ReportMetric(bare.Seconds()/stage.Seconds(), "stage/bare")
	b.ReportMetric(decoding.Seconds()/stage.Seconds(), "stage/decoding")
	// The share of each partition's time with an Emit in flight: with batches in flight, the
	// partition applies its next batches meanwhile.
	b.ReportMetric(emitting.Seconds()/(restorePartitions*stage.Seconds()), "emitting/partition")
}

// BenchmarkFeaturesExactlyOnce runs the features stage through the embedded broker as
// BenchmarkFeaturesEndToEnd does, at least once (batches in flight, offsets committed apart) and
// exactly once (kafka.exactly_once: a transaction per poll holding the shifts, the changelog
// writes and the offsets, timed to the commit of the last), on the same records in the same run,
// and reports both rates and their ratio (target: exactly once at half the rate or better).
func BenchmarkFeaturesExactlyOnce(b *testing.B) {
	recs := sampleCopies(b, 8)
	addrs := startBroker(b, restoreTopics...)
	produceClickstream(b, addrs, recs)
	total := float64(len(recs))

	var alo, eos time.Duration
	for i := 0; b.Loop(); i++ {
		took, _ := timeStage(b, addrs, fmt.Sprintf("adshift-features-alo-%d", i), len(recs), false)
		alo += took
		took, _ = timeStage(b, addrs, fmt.Sprintf("adshift-features-eos-%d", i), len(recs), true)
		eos += took
	}
	n := float64(b.N)
	b.ReportMetric(total*n/alo.Seconds(), "at-least-once-events/s")
	b.ReportMetric(total*n/eos.Seconds(), "exactly-once-events/s")
	b.ReportMetric(alo.Seconds()/eos.Seconds(), "eos/alo")
}

// sampleCopies returns the REES46 sample copies times over, each copy its own shoppers, 3 hours
// after the one before.
func sampleCopies(b *testing.B, copies int) []*kgo.Record {
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
	return recs
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
// and fetch settings the stage's group uses, and returns how long it took from the assignment of
// its partitions (when fetching starts) to the last record. With decode it decodes each record's
// event as the features stage does, with the stage's default limits, and fails on one that does
// not decode (the sample holds none).
func timeBare(b *testing.B, addrs []string, group string, want int, decode bool) time.Duration {
	b.Helper()
	cfg := testConfig(addrs, group).withDefaults()
	var start atomic.Int64 // Unix nanoseconds
	cl := newClient(b, addrs,
		kgo.ConsumerGroup(group), kgo.ConsumeTopics("clickstream"),
		kgo.FetchMaxWait(cfg.FetchMaxWait), kgo.HeartbeatInterval(cfg.HeartbeatInterval),
		kgo.FetchMaxPartitionBytes(cfg.FetchMaxPartitionBytes),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) { start.CompareAndSwap(0, time.Now().UnixNano()) }),
	)
	ctx, cancel := context.WithTimeout(b.Context(), waitTimeout)
	defer cancel()
	fcfg := features.DefaultConfig()
	lim := schemas.Limits{MaxBytes: fcfg.MaxEventBytes, MinTime: schemas.MinEventTime, MaxTime: time.Now().Add(fcfg.FutureSkew)}
	var ev schemas.Event
	var slab []byte // the stage's strings live in slabs too
	intern := func(raw []byte) string {
		if len(raw) == 0 {
			return ""
		}
		if cap(slab)-len(slab) < len(raw) {
			slab = make([]byte, 0, max(16<<10, len(raw)))
		}
		start := len(slab)
		slab = append(slab, raw...)
		return unsafe.String(&slab[start], len(raw))
	}
	got := 0
	for got < want {
		fetches := cl.PollRecords(ctx, cfg.MaxPollRecords)
		if err := ctx.Err(); err != nil {
			b.Fatalf("bare consumer read %d of %d: %v", got, want, err)
		}
		if decode {
			for it := fetches.RecordIter(); !it.Done(); {
				if err := schemas.DecodeEventInto(&ev, it.Next().Value, lim, intern); err != nil {
					b.Fatal(err)
				}
			}
		}
		got += fetches.NumRecords()
	}
	took := time.Duration(time.Now().UnixNano() - start.Load())
	cl.Close()
	return took
}

// timeStage runs the features stage as its own group until it processed every record, and
// returns how long it took from the first partition opened (when fetching starts) to the end of
// the batch that completed the count (the bare consumer's start and stop points) or, exactly
// once, to the commit of the transaction that held it, and the time its processors spent
// waiting in Emit, summed over partitions.
func timeStage(b *testing.B, addrs []string, group string, want int, exactlyOnce bool) (took, emitting time.Duration) {
	b.Helper()
	pc := sinkkafka.ProducerConfig{Brokers: addrs, ExplicitPartitions: []string{"adshift.profiles"}}
	cfg := testConfig(addrs, group)
	out := &timedEmitter{}
	// No restore: every run starts from empty profiles, though the changelog topic holds the
	// earlier runs' (restoring is a cost of assignment, not of throughput).
	opts := []features.Option{features.WithInFlight(features.DefaultInFlight)}
	if exactlyOnce {
		producing, err := pc.ProducingOpts()
		if err != nil {
			b.Fatal(err)
		}
		tx, err := NewTransaction(TransactionConfig{ID: group, Producing: producing,
			Emitter: func(cl *kgo.Client) pipeline.Emitter { return sinkkafka.NewProducerOn(cl, pc) }})
		if err != nil {
			b.Fatal(err)
		}
		out.out, cfg.Transaction, opts = tx, tx, nil
	} else {
		prod, err := sinkkafka.NewProducer(pc, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = prod.Close(context.WithoutCancel(b.Context())) }()
		out.out = prod
	}
	st, err := features.New(features.DefaultConfig(), pipeline.DefaultTopics(), out, nil, nil, opts...)
	if err != nil {
		b.Fatal(err)
	}
	ts := &timedStage{Stage: st, want: int64(want), done: make(chan struct{})}
	g, err := NewGroup(cfg, ts, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Context())
	errc := make(chan error, 1)
	go func() { errc <- g.Run(ctx) }()
	defer func() {
		cancel()
		<-errc
	}()
	select {
	case <-ts.done:
	case <-time.After(waitTimeout):
		b.Fatalf("the stage made %d of %d records durable", ts.durable.Load(), want)
	case err := <-errc:
		b.Fatalf("the group stopped: %v", err)
	}
	if exactlyOnce {
		waitCommittedTotal(b, addrs, group, int64(want))
		ts.end.Store(time.Now().UnixNano())
	}
	return time.Duration(ts.end.Load() - ts.start.Load()), time.Duration(out.waited.Load())
}

// waitCommittedTotal waits until group has committed want records of the clickstream.
func waitCommittedTotal(b *testing.B, addrs []string, group string, want int64) {
	b.Helper()
	adm := kadm.NewClient(newClient(b, addrs))
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(time.Millisecond) {
		resps, err := adm.FetchOffsets(b.Context(), group)
		var sum int64
		if err == nil {
			resps.Each(func(r kadm.OffsetResponse) { sum += max(r.At, 0) })
		}
		if sum >= want {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("group %s committed %d of %d records", group, sum, want)
		}
	}
}

// timedStage times the processors of a stage: from the first Open to the moment the worker
// learns that the records of every partition, want in all, are durable: when Process returns
// for a plain processor, when Held releases the last of them for a Holder.
type timedStage struct {
	pipeline.Stage
	want       int64
	durable    atomic.Int64 // records durable, over all partitions
	start, end atomic.Int64 // Unix nanoseconds
	done       chan struct{}
}

func (s *timedStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	s.start.CompareAndSwap(0, time.Now().UnixNano())
	p, err := s.Stage.Open(ctx, topic, partition)
	if err != nil {
		return nil, err
	}
	r, ok := p.(pipeline.Releaser)
	if !ok {
		return nil, fmt.Errorf("the %s processor releases no offsets", s.Name())
	}
	return &timedProcessor{Releaser: r, s: s}, nil
}

// timedProcessor counts the records of one partition durable, each time the worker asks.
type timedProcessor struct {
	pipeline.Releaser
	s         *timedStage
	processed int64 // offset after the last record processed; offsets start at 0
	durable   int64 // counted in s.durable
}

func (p *timedProcessor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := p.Releaser.Process(ctx, batch); err != nil {
		return err
	}
	p.processed = batch[len(batch)-1].Offset + 1
	return nil
}

func (p *timedProcessor) Held() (int64, bool) {
	held, ok := p.Releaser.Held()
	durable := p.processed
	if ok {
		durable = min(durable, held)
	}
	if delta := durable - p.durable; delta > 0 {
		p.durable = durable
		if n := p.s.durable.Add(delta); n >= p.s.want && n-delta < p.s.want {
			p.s.end.Store(time.Now().UnixNano())
			close(p.s.done)
		}
	}
	return held, ok
}

// timedEmitter sums the time spent waiting for acknowledgements.
type timedEmitter struct {
	out    pipeline.Emitter
	waited atomic.Int64
}

func (e *timedEmitter) Emit(ctx context.Context, recs []pipeline.Record) error {
	start := time.Now()
	err := e.out.Emit(ctx, recs)
	e.waited.Add(int64(time.Since(start)))
	return err
}
