package kafka

import (
	"context"
	"errors"
	"slices"
	"testing"

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
