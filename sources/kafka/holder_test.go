package kafka

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
)

// holdingStage hands out processors that hold records in runs of every records, like the
// archive filling a file: a run is released once it is complete.
type holdingStage struct {
	*fakeStage
	every    int64
	closeErr error
}

func (s *holdingStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	p, err := s.fakeStage.Open(ctx, topic, partition)
	if err != nil {
		return nil, err
	}
	return &holdingProcessor{fakeProcessor: p.(*fakeProcessor), every: s.every, closeErr: s.closeErr}, nil
}

type holdingProcessor struct {
	*fakeProcessor
	every    int64
	closeErr error
	next     int64 // offset after the last record processed
	started  bool
}

var _ pipeline.Holder = (*holdingProcessor)(nil)

func (p *holdingProcessor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := p.fakeProcessor.Process(ctx, batch); err != nil {
		return err
	}
	p.next, p.started = batch[len(batch)-1].Offset+1, true
	return nil
}

func (p *holdingProcessor) Held() (int64, bool) {
	released := p.next / p.every * p.every
	return released, p.started && released < p.next
}

func (p *holdingProcessor) Close(ctx context.Context) error {
	if err := p.fakeProcessor.Close(ctx); err != nil {
		return err
	}
	return p.closeErr
}

// A Holder's offsets are committed only below what it holds, and the rest once Close succeeds;
// what a failed Close still held comes again to the next owner.
func TestGroupCommitsOnlyWhatAHolderReleased(t *testing.T) {
	const topic, records = "clickstream", 25
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 1})
	produce(t, addrs, topic, 1, 0, records)
	tp := topicPartition{topic, 0}

	run := func(group string, closeErr error) {
		t.Helper()
		stage := &holdingStage{fakeStage: newFakeStage(topic), every: 10, closeErr: closeErr}
		cfg := testConfig(addrs, group)
		cfg.MaxPollRecords = 3 // releases fall inside batches, and behind the batch in hand
		g, err := NewGroup(cfg, stage, nil, nil)
		if err != nil {
			t.Fatalf("NewGroup: %v", err)
		}
		runUntilProcessed(t, g, stage.fakeStage, records)
	}

	run("adshift-holder-closed", nil)
	if at := committed(t, addrs, "adshift-holder-closed")[tp]; at != records {
		t.Errorf("after a clean Close, committed offset %d, want %d: Close releases everything", at, records)
	}

	run("adshift-holder-failed", errors.New("disk full"))
	if at := committed(t, addrs, "adshift-holder-failed")[tp]; at != 20 {
		t.Fatalf("after a failed Close, committed offset %d, want 20: offsets 20..24 were still held", at)
	}
	again := newFakeStage(topic)
	g, err := NewGroup(testConfig(addrs, "adshift-holder-failed"), again, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop := runGroup(t, g, again)
	again.waitFor(t, "the held records", func() bool { return again.count() == 5 })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := again.offsets(tp); !slices.Equal(got, wantOffsets(20, records)) {
		t.Errorf("the next owner got offsets %v, want 20..24: what was held must come again", got)
	}
}

// releasingStage hands out processors that send their output through a pipeline.Outbox, as
// the features stage does with batches in flight: one output and one change per batch.
type releasingStage struct {
	*fakeStage
	out pipeline.Emitter

	mu    sync.Mutex
	procs []*releasingProcessor
}

func (s *releasingStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	p, err := s.fakeStage.Open(ctx, topic, partition)
	if err != nil {
		return nil, err
	}
	rp := &releasingProcessor{fakeProcessor: p.(*fakeProcessor), outbox: pipeline.NewOutbox(s.out, 100, 0)}
	s.mu.Lock()
	s.procs = append(s.procs, rp)
	s.mu.Unlock()
	return rp, nil
}

// durable is how far the latest processor's outbox is acknowledged.
func (s *releasingStage) durable() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, _ := s.procs[len(s.procs)-1].outbox.Durable()
	return at
}

type releasingProcessor struct {
	*fakeProcessor
	outbox *pipeline.Outbox
}

var _ pipeline.Releaser = (*releasingProcessor)(nil)

func (p *releasingProcessor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := p.fakeProcessor.Process(ctx, batch); err != nil {
		return err
	}
	f := p.outbox.Flight()
	f.Output = append(f.Output, pipeline.Record{Topic: "out", Key: batch[0].Key})
	f.Changes = append(f.Changes, pipeline.Record{Topic: "changelog", Key: batch[0].Key})
	f.End = batch[len(batch)-1].Offset + 1
	return p.outbox.Send(ctx, f)
}

func (p *releasingProcessor) Held() (int64, bool)       { return p.outbox.Durable() }
func (p *releasingProcessor) Released() <-chan struct{} { return p.outbox.Released() }
func (p *releasingProcessor) Close(ctx context.Context) error {
	if err := p.outbox.Drain(ctx); err != nil {
		return err
	}
	return p.fakeProcessor.Close(ctx)
}

type discardEmitter struct{}

func (discardEmitter) Emit(context.Context, []pipeline.Record) error { return nil }

// A Releaser's offsets are committed as its acknowledgements arrive, with no further batch and
// no Close, and never past what is acknowledged while its output waits.
func TestGroupCommitsWhatAReleaserReleasesAsItIsAcknowledged(t *testing.T) {
	const topic, records = "clickstream", 25
	addrs := startBroker(t, TopicSpec{Name: topic, Partitions: 1})
	produce(t, addrs, topic, 1, 0, records)
	tp := topicPartition{topic, 0}
	const group = "adshift-releaser"

	out := newGate(discardEmitter{}, 2) // two rounds through, then acknowledgements wait
	stage := &releasingStage{fakeStage: newFakeStage(topic), out: out}
	cfg := testConfig(addrs, group)
	cfg.MaxPollRecords = 5
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatalf("NewGroup: %v", err)
	}
	stop := runGroup(t, g, stage.fakeStage)
	stage.waitFor(t, "every record applied", func() bool { return stage.count() == records })
	out.waitReached(t)

	durable := stage.durable()
	if durable >= records {
		t.Fatalf("durable to %d with acknowledgements waiting", durable)
	}
	// Several commit intervals pass: the commit reaches what was acknowledged, and stops there.
	waitCommitted(t, addrs, group, tp, durable)
	time.Sleep(5 * cfg.AutoCommitInterval) // no signal for "nothing more was committed"
	if at := committed(t, addrs, group)[tp]; at != durable {
		t.Fatalf("committed %d while only %d records' output was acknowledged", at, durable)
	}

	out.raise(0)
	waitCommitted(t, addrs, group, tp, records) // still running: no Close released them
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	stage.checkNoProblems(t)
}

// waitCommitted waits until group's committed offset of tp is want.
func waitCommitted(t *testing.T, addrs []string, group string, tp topicPartition, want int64) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		at := committed(t, addrs, group)[tp]
		if at == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("committed offset %d, want %d", at, want)
		}
		time.Sleep(20 * time.Millisecond) // polling the broker; no signal to wait on
	}
}
