package kafka

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
)

func TestStatusReady(t *testing.T) {
	f := func(s Status, maxLag int64, want string) {
		t.Helper()
		err := s.Ready(maxLag)
		switch {
		case want == "" && err != nil:
			t.Errorf("%+v.Ready(%d) = %v, want nil", s, maxLag, err)
		case want != "" && (err == nil || !errors.Is(err, ErrNotReady) || !strings.Contains(err.Error(), want)):
			t.Errorf("%+v.Ready(%d) = %v, want ErrNotReady saying %q", s, maxLag, err, want)
		}
	}
	f(Status{}, 0, "not joined")
	f(Status{Joined: true}, 0, "")
	f(Status{Joined: true, Opening: 2}, 0, "2 partitions still opening")
	f(Status{Joined: true, Lag: 10, LagKnown: true}, 5, "lag 10 records is over 5")
	f(Status{Joined: true, Lag: 10, LagKnown: true}, 0, "")
	f(Status{Joined: true, Lag: 5, LagKnown: true}, 5, "")
}

// restoringStage holds every Open until released, as the features stage does while it restores a
// partition from its changelog.
type restoringStage struct {
	*fakeStage
	release chan struct{}
}

func (s *restoringStage) Open(ctx context.Context, topic string, partition int32) (pipeline.Processor, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.fakeStage.Open(ctx, topic, partition)
}

// A running group reports partitions still opening until their Open returns, and a lag over
// the bound while its batches keep failing.
func TestGroupStatusFollowsOpeningAndLag(t *testing.T) {
	addrs := startBroker(t, TopicSpec{Name: "in", Partitions: 2})
	produce(t, addrs, "in", 2, 0, 5)
	var failing atomic.Bool
	failing.Store(true)
	stage := &restoringStage{fakeStage: newFakeStage("in"), release: make(chan struct{})}
	stage.fail = func(topicPartition, int, []pipeline.Record) error {
		if failing.Load() {
			return errors.New("sink down")
		}
		return nil
	}
	cfg := testConfig(addrs, "status")
	cfg.LagInterval = 20 * time.Millisecond
	g, err := NewGroup(cfg, stage, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := runGroup(t, g, stage.fakeStage)
	wait := func(what string, cond func(Status) bool) {
		t.Helper()
		deadline := time.Now().Add(waitTimeout)
		for !cond(g.Status()) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: status %+v", what, g.Status())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	wait("both partitions opening", func(s Status) bool { return s.Joined && s.Opening == 2 })
	if err := g.Status().Ready(0); err == nil || !strings.Contains(err.Error(), "still opening") {
		t.Errorf("Ready while opening = %v", err)
	}
	close(stage.release)
	wait("the lag of the failing batches", func(s Status) bool { return s.Opening == 0 && s.LagKnown && s.Lag == 10 })
	if err := g.Status().Ready(5); err == nil || !strings.Contains(err.Error(), "lag 10 records is over 5") {
		t.Errorf("Ready(5) with 10 records behind = %v", err)
	}
	failing.Store(false)
	wait("the lag to drain", func(s Status) bool { return s.Lag == 0 })
	if err := g.Status().Ready(5); err != nil {
		t.Errorf("Ready(5) caught up = %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
