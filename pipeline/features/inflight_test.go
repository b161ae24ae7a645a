package features

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
)

// flakyEmitter acknowledges records like pipelinetest.Emitter but fails every fifth call, as
// an unreachable broker would, from whichever goroutine sends, until it is healed.
type flakyEmitter struct {
	mu     sync.Mutex
	calls  int
	healed bool
	acked  []pipeline.Record
}

func (e *flakyEmitter) heal() {
	e.mu.Lock()
	e.healed = true
	e.mu.Unlock()
}

func (e *flakyEmitter) Emit(_ context.Context, recs []pipeline.Record) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls++
	if e.calls%5 == 0 && !e.healed {
		return pipelinetest.ErrUnavailable
	}
	for _, r := range recs {
		r.Key, r.Value = bytes.Clone(r.Key), bytes.Clone(r.Value)
		e.acked = append(e.acked, r)
	}
	return nil
}

// runBatches feeds a stage's partition 0 the batches as the Kafka worker does (a failed batch is
// offered again until it succeeds), closes it, and returns what was acknowledged, by topic,
// and what the partition held back while batches were in flight.
func runBatches(t *testing.T, out pipeline.Emitter, heal func(), acked func() []pipeline.Record, batches [][]pipeline.Record, opts ...Option) (byTopic map[string][]pipeline.Record, heldBack int) {
	t.Helper()
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), out, nil, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC) }
	proc, err := s.Open(t.Context(), "clickstream", 0)
	if err != nil {
		t.Fatal(err)
	}
	r := proc.(pipeline.Releaser)
	for _, batch := range batches {
		for attempt := 0; proc.Process(t.Context(), batch) != nil; attempt++ {
			if attempt > 10 {
				t.Fatalf("batch at offset %d never succeeded", batch[0].Offset)
			}
		}
		if held, ok := r.Held(); ok {
			if end := batch[len(batch)-1].Offset + 1; held >= end {
				t.Fatalf("held from %d after the batch ending at %d", held, end)
			}
			heldBack++
		}
	}
	heal() // Close gives up on a failure, leaving the rest to the partition's next owner
	if err := proc.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if held, ok := r.Held(); ok {
		t.Fatalf("offset %d still held after Close", held)
	}
	byTopic = map[string][]pipeline.Record{}
	for _, rec := range acked() {
		byTopic[rec.Topic] = append(byTopic[rec.Topic], rec)
	}
	return byTopic, heldBack
}

// With batches in flight and a broker failing every fifth send, the partition delivers exactly
// what it delivers one batch at a time with a broker that never fails: the same shifts, dead
// letters and changelog writes, in the same order.
func TestInFlightDeliversWhatSynchronousDelivers(t *testing.T) {
	values, _ := readRees46(t, 6000)
	batches := recordsOf(values, 0, 250)
	sync := &pipelinetest.Emitter{}
	want, _ := runBatches(t, sync, func() {}, sync.Records, batches)
	flaky := &flakyEmitter{}
	got, heldBack := runBatches(t, flaky, flaky.heal, func() []pipeline.Record { return flaky.acked }, batches, WithInFlight(2))
	if heldBack == 0 {
		t.Fatal("no batch was ever in flight when Process returned")
	}
	if len(want[pipeline.DefaultTopics().Shifts]) < 100 {
		t.Fatalf("only %d shifts: the test shows nothing", len(want[pipeline.DefaultTopics().Shifts]))
	}
	same := func(a, b pipeline.Record) bool {
		return bytes.Equal(a.Key, b.Key) && bytes.Equal(a.Value, b.Value) && a.Partition == b.Partition
	}
	for topic, recs := range want {
		if !slices.EqualFunc(got[topic], recs, same) {
			t.Errorf("%s: %d records acknowledged, want the %d delivered one batch at a time, in order", topic, len(got[topic]), len(recs))
		}
	}
}
