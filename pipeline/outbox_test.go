package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/adshift/adshift/pipeline"
)

// heldEmitter is an Emitter whose calls wait until the test answers them, one at a time, so a
// test sees exactly what is in flight.
type heldEmitter struct {
	calls   chan heldCall
	mu      sync.Mutex
	written []string // the keys of every acknowledged record, in order
}

type heldCall struct {
	keys  []string
	reply chan error
}

func newHeldEmitter() *heldEmitter { return &heldEmitter{calls: make(chan heldCall)} }

func (e *heldEmitter) Emit(ctx context.Context, recs []pipeline.Record) error {
	c := heldCall{reply: make(chan error)}
	for _, r := range recs {
		c.keys = append(c.keys, string(r.Key))
	}
	select {
	case e.calls <- c:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-c.reply:
		if err == nil {
			e.mu.Lock()
			e.written = append(e.written, c.keys...)
			e.mu.Unlock()
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next waits for the next call and checks its keys; the test answers it on its reply.
func (e *heldEmitter) next(t *testing.T, want ...string) heldCall {
	t.Helper()
	select {
	case c := <-e.calls:
		if !slices.Equal(c.keys, want) {
			t.Fatalf("Emit of %v, want %v", c.keys, want)
		}
		return c
	case <-time.After(10 * time.Second):
		t.Fatalf("no Emit came, want one of %v", want)
	}
	return heldCall{}
}

// answer waits for the next call, checks its keys and answers it with err.
func (e *heldEmitter) answer(t *testing.T, err error, want ...string) {
	t.Helper()
	e.next(t, want...).reply <- err
}

func (e *heldEmitter) noCall(t *testing.T) {
	t.Helper()
	select {
	case c := <-e.calls:
		t.Fatalf("Emit of %v while none may be in flight", c.keys)
	default:
	}
}

// flight queues the output and changes of the batch ending at end, keyed "<name>@<end>".
func flight(o *pipeline.Outbox, end int64, output, changes int) *pipeline.Flight {
	f := o.Flight()
	for i := range output {
		f.Output = append(f.Output, pipeline.Record{Key: fmt.Appendf(nil, "shift%d@%d", i, end)})
	}
	for i := range changes {
		f.Changes = append(f.Changes, pipeline.Record{Key: fmt.Appendf(nil, "profile%d@%d", i, end)})
	}
	f.End = end
	return f
}

// durable checks how far o is durable, once every goroutine of the test's bubble is blocked.
func durable(t *testing.T, o *pipeline.Outbox, want int64, wantPending bool) {
	t.Helper()
	synctest.Wait()
	if got, pending := o.Durable(); got != want || pending != wantPending {
		t.Fatalf("durable to %d (pending %v), want %d (pending %v)", got, pending, want, wantPending)
	}
}

// A batch's output is sent while the next batches are queued; changelog writes follow their own
// output and the earlier batches' changelog writes, and offsets are released in order.
func TestOutboxSendsInOrderWhileTheNextBatchesQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		em := newHeldEmitter()
		o := pipeline.NewOutbox(em, 3, 100)
		ctx := t.Context()
		if err := o.Send(ctx, flight(o, 110, 2, 1)); err != nil {
			t.Fatal(err)
		}
		first := em.next(t, "shift0@110", "shift1@110")
		// The first flight's output is in flight: two more batches are applied meanwhile.
		for _, end := range []int64{120, 125} {
			if err := o.Send(ctx, flight(o, end, 1, 1)); err != nil {
				t.Fatal(err)
			}
		}
		durable(t, o, 100, true)
		first.reply <- nil
		// The first flight's changes go out with the later flights' output, in one round.
		second := em.next(t, "profile0@110", "shift0@120", "shift0@125")
		durable(t, o, 100, true)
		second.reply <- nil
		third := em.next(t, "profile0@120", "profile0@125")
		durable(t, o, 110, true)
		select {
		case <-o.Released():
		default:
			t.Fatal("durable moved, but Released was not signalled")
		}
		third.reply <- nil
		durable(t, o, 125, false)
		em.noCall(t)

		if err := o.Send(ctx, flight(o, 130, 0, 1)); err != nil {
			t.Fatal(err)
		}
		em.answer(t, nil, "profile0@130")
		if err := o.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		durable(t, o, 130, false)
	})
}

// Send waits while the window is full.
func TestOutboxSendWaitsForRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		em := newHeldEmitter()
		o := pipeline.NewOutbox(em, 1, 0)
		if err := o.Send(t.Context(), flight(o, 10, 1, 1)); err != nil {
			t.Fatalf("Send with room: %v", err)
		}
		first := em.next(t, "shift0@10")
		sent := make(chan error, 1)
		go func() { sent <- o.Send(t.Context(), flight(o, 20, 1, 1)) }()
		synctest.Wait()
		first.reply <- nil
		second := em.next(t, "profile0@10", "shift0@20")
		synctest.Wait()
		select {
		case err := <-sent:
			t.Fatalf("Send returned (%v) with the window full", err)
		default:
		}
		second.reply <- nil
		if err := <-sent; err != nil {
			t.Fatal(err)
		}
		em.answer(t, nil, "profile0@20")
		if err := o.Drain(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
}

// A failed Emit stops the flights after it: nothing later is sent and nothing released until
// the retry sends it again, so no changelog write lands before the output it vouches for and
// no shopper's shifts land out of order.
func TestOutboxFailureStopsLaterFlightsUntilRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		em := newHeldEmitter()
		o := pipeline.NewOutbox(em, 4, 0)
		ctx := t.Context()
		if err := o.Send(ctx, flight(o, 10, 1, 1)); err != nil {
			t.Fatal(err)
		}
		em.answer(t, nil, "shift0@10")
		unavailable := errors.New("broker unavailable")
		em.answer(t, unavailable, "profile0@10")
		durable(t, o, 0, true)

		// The failure surfaces at the next Send, which queues its flight and tries again: the
		// first flight's output was acknowledged, so only its changes go again.
		retried := make(chan error, 1)
		go func() { retried <- o.Send(ctx, flight(o, 20, 1, 1)) }()
		em.answer(t, unavailable, "profile0@10", "shift0@20")
		err := <-retried
		if !errors.Is(err, unavailable) || !errors.Is(err, pipeline.ErrOutboxFailed) {
			t.Fatalf("Send after a failed Emit: %v, want the failure", err)
		}
		durable(t, o, 0, true)
		em.noCall(t)

		// The retry (Send of nothing new) sends everything again and returns once it is acknowledged.
		go func() { retried <- o.Send(ctx, nil) }()
		em.answer(t, nil, "profile0@10", "shift0@20")
		em.answer(t, nil, "profile0@20")
		if err := <-retried; err != nil {
			t.Fatalf("retry: %v", err)
		}
		durable(t, o, 20, false)
		want := []string{"shift0@10", "profile0@10", "shift0@20", "profile0@20"}
		if !slices.Equal(em.written, want) {
			t.Fatalf("written %v, want %v", em.written, want)
		}
	})
}

// Drain gives up when its context ends, stops the sender and leaves the flights unreleased.
func TestOutboxDrainStopsWhenItsContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		em := newHeldEmitter()
		o := pipeline.NewOutbox(em, 4, 5)
		if err := o.Send(t.Context(), flight(o, 10, 1, 1)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if err := o.Drain(ctx); !errors.Is(err, context.DeadlineExceeded) { // the emitter never answers
			t.Fatalf("Drain: %v, want the deadline", err)
		}
		durable(t, o, 5, true)
	})
}

// Flights acknowledged are handed out again, each to one caller and empty: a reused flight's
// output is sent before its changes, like a new one's.
func TestOutboxReusesAcknowledgedFlights(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		em := newHeldEmitter()
		o := pipeline.NewOutbox(em, 4, 0)
		ctx := t.Context()
		var acked []*pipeline.Flight
		var first heldCall
		for _, end := range []int64{10, 20, 30} {
			f := flight(o, end, 1, 1)
			acked = append(acked, f)
			if err := o.Send(ctx, f); err != nil {
				t.Fatal(err)
			}
			if end == 10 { // held in flight while the next two are queued
				first = em.next(t, "shift0@10")
			}
		}
		first.reply <- nil
		em.answer(t, nil, "profile0@10", "shift0@20", "shift0@30")
		em.answer(t, nil, "profile0@20", "profile0@30")
		durable(t, o, 30, false)
		seen := map[*pipeline.Flight]bool{}
		for i := range 4 {
			f := o.Flight()
			if f == nil || seen[f] {
				t.Fatalf("Flight %d after three were acknowledged: %p, handed out before: %v", i, f, seen[f])
			}
			seen[f] = true
			if len(f.Output)+len(f.Changes)+len(f.Arena) != 0 || f.End != 0 {
				t.Fatalf("a reused flight is not empty: %+v", f)
			}
			if i < 3 && !slices.Contains(acked, f) {
				t.Fatalf("Flight %d is new while acknowledged ones are free", i)
			}
		}
		// One of the reused flights, filled again: its output goes first.
		var f *pipeline.Flight
		for f = range seen {
			if slices.Contains(acked, f) {
				break
			}
		}
		f.Output = append(f.Output, pipeline.Record{Key: []byte("shift0@40")})
		f.Changes = append(f.Changes, pipeline.Record{Key: []byte("profile0@40")})
		f.End = 40
		if err := o.Send(ctx, f); err != nil {
			t.Fatal(err)
		}
		em.answer(t, nil, "shift0@40")
		em.answer(t, nil, "profile0@40")
		if err := o.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		durable(t, o, 40, false)
	})
}
