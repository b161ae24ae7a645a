package kafka

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
)

func TestWorkerPausesFetchingWhileBehindOrFailing(t *testing.T) {
	cfg := GroupConfig{MaxBacklog: 2}.withDefaults()
	m, _ := newGroupMetrics(nil, "g")
	g := &Group{cfg: cfg, log: slog.New(slog.DiscardHandler), metrics: m}
	// The client never connects: pausing is client-side bookkeeping.
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	w := newWorker(g, cl, "clickstream", 3)
	paused := func() bool {
		return slices.Contains(cl.PauseFetchPartitions(nil)["clickstream"], 3)
	}
	batch := []*kgo.Record{{Topic: "clickstream", Partition: 3}}

	w.push(batch, nil)
	if paused() {
		t.Fatal("paused with one batch waiting, below the backlog limit")
	}
	w.push(batch, nil)
	if !paused() {
		t.Fatal("not paused with the backlog full")
	}
	w.next()
	if paused() {
		t.Fatal("still paused after the worker took a batch")
	}
	w.setFailing(true)
	if !paused() {
		t.Fatal("not paused while the worker is failing")
	}
	w.setFailing(false)
	if paused() {
		t.Fatal("still paused after the worker recovered")
	}
}

// flakyOpenStage fails the first failures calls to Open.
type flakyOpenStage struct {
	*fakeStage
	mu       sync.Mutex
	failures int
}

func (s *flakyOpenStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	s.mu.Lock()
	fail := s.failures > 0
	s.failures--
	s.mu.Unlock()
	if fail {
		return nil, errors.New("changelog unavailable")
	}
	return s.fakeStage.Open(ctx, topic, partition)
}

func TestGroupRetriesOpenBeforeProcessing(t *testing.T) {
	const topic, records = "adshift.shifts", 10
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 1})
	produce(t, addrs, topic, 1, 0, records)

	stage := &flakyOpenStage{fakeStage: newFakeStage(topic), failures: 2}
	g, err := NewGroup(testConfig(addrs, "adshift-open"), stage, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	runUntilProcessed(t, g, stage.fakeStage, records)
	if got := stage.offsets(topicPartition{topic, 0}); !slices.Equal(got, wantOffsets(0, records)) {
		t.Errorf("processed offsets %v, want 0..%d once each", got, records-1)
	}
	if n := counterValue(t, g.metrics.openErrors); n != 2 {
		t.Errorf("open errors metric = %v, want 2", n)
	}
}
