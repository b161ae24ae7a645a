package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Flight is what one batch of a partition produced, to be sent in two steps: Output (shifts,
// dead letters) first, then, once that is acknowledged, Changes (the changelog writes that vouch
// for it, a progress marker last). End is the offset after the batch's last record. Arena holds
// the bytes the records point into; the Outbox hands it back, emptied, once the flight is
// acknowledged.
type Flight struct {
	Output  []Record
	Changes []Record
	Arena   []byte
	End     int64

	sent bool // Output is acknowledged
}

// Outbox sends the flights of one partition in the background, in the order they were queued,
// so the partition applies its next batch while the previous one's records are in flight. One
// Emit at a time is in flight, a round: the Changes of the flights whose Output is acknowledged,
// then the Output of the flights queued since. So a flight's Changes never land before its
// Output, nor before an earlier flight's Changes, one round trip per round serves every batch
// applied meanwhile, and a failed Emit stops everything after it until Send or Drain sends it
// again (records of a failed round that did land are sent twice: Emit's contract). A batch is durable once its
// flight's Changes are acknowledged: Durable reports how far, Released signals each move.
//
// Send and Drain are called by the partition's goroutine; Durable and Released by its source.
type Outbox struct {
	out    Emitter
	window int

	mu      sync.Mutex
	queue   []*Flight // queued, not yet acknowledged, oldest first
	free    []*Flight // acknowledged, their buffers ready for reuse
	durable int64     // End of the last acknowledged flight
	err     error     // why the sender stopped; nil while it runs or idles
	running bool
	cancel  context.CancelFunc
	stopped chan struct{} // closed when the running sender returns

	moved    chan struct{} // a flight was acknowledged or the sender stopped: for Send
	released chan struct{} // durable moved: for the source
}

// ErrOutboxFailed wraps the Emit error that stopped an Outbox.
var ErrOutboxFailed = errors.New("emit failed")

// NewOutbox returns an Outbox emitting through out, with up to window flights in flight when
// Send returns (at least 1); durable is the offset the partition is durable up to already (its restored progress).
func NewOutbox(out Emitter, window int, durable int64) *Outbox {
	return &Outbox{
		out:      out,
		window:   max(window, 1),
		durable:  durable,
		moved:    make(chan struct{}, 1),
		released: make(chan struct{}, 1),
	}
}

// Flight returns an empty flight to fill, its buffers reused from an acknowledged one.
func (o *Outbox) Flight() *Flight {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n := len(o.free); n > 0 {
		f := o.free[n-1]
		o.free = o.free[:n-1]
		return f
	}
	return new(Flight)
}

// Send queues f (nil: nothing new) and returns once at most window flights are queued. If an
// earlier Emit failed, it sends everything queued again and returns only once all of it is
// acknowledged, or the error that stopped it again; f stays queued either way.
func (o *Outbox) Send(ctx context.Context, f *Flight) error {
	o.mu.Lock()
	if f != nil {
		o.queue = append(o.queue, f)
	}
	failed := o.err != nil
	o.mu.Unlock()
	if failed {
		return o.Drain(ctx)
	}
	o.kick(ctx)
	for {
		o.mu.Lock()
		full, err := len(o.queue) > o.window, o.err
		o.mu.Unlock()
		if err != nil {
			return err
		}
		if !full {
			return nil
		}
		if err := o.wait(ctx); err != nil {
			return err
		}
	}
}

// Drain sends everything queued (again, after a failure) and returns once it is all
// acknowledged, or the Emit error that stopped it, or ctx's. When ctx ends, the sender is
// stopped and waited for: nothing is left running.
func (o *Outbox) Drain(ctx context.Context) error {
	o.mu.Lock()
	o.err = nil
	o.mu.Unlock()
	o.kick(ctx)
	for {
		o.mu.Lock()
		empty, err, running := len(o.queue) == 0, o.err, o.running
		o.mu.Unlock()
		switch {
		case err != nil:
			return err
		case empty && !running:
			return nil
		}
		if err := o.wait(ctx); err != nil {
			o.stop()
			return err
		}
	}
}

// Durable reports the offset after the last record whose flight is acknowledged, and whether
// any queued flight is not yet: then the records from the offset on are not durable.
func (o *Outbox) Durable() (offset int64, pending bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.durable, len(o.queue) > 0
}

// Released is signalled whenever Durable moves forward.
func (o *Outbox) Released() <-chan struct{} { return o.released }

// wait waits for the sender to make progress or stop.
func (o *Outbox) wait(ctx context.Context) error {
	select {
	case <-o.moved:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// kick starts the sender unless it runs or nothing is queued. The sender's context is ctx's,
// with a cancel that Drain uses when its own context ends first.
func (o *Outbox) kick(ctx context.Context) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.running || len(o.queue) == 0 || o.err != nil {
		return
	}
	sctx, cancel := context.WithCancel(ctx)
	o.running, o.cancel, o.stopped = true, cancel, make(chan struct{})
	go o.send(sctx, o.stopped)
}

// stop cancels the running sender, if any, and waits for it to return.
func (o *Outbox) stop() {
	o.mu.Lock()
	running, cancel, stopped := o.running, o.cancel, o.stopped
	o.mu.Unlock()
	if running {
		cancel()
		<-stopped
	}
}

// send sends the queued flights, a round at a time, until none is left or an Emit fails.
func (o *Outbox) send(ctx context.Context, stopped chan struct{}) {
	defer close(stopped)
	var scratch []Record
	for {
		o.mu.Lock()
		round := o.queue[:len(o.queue):len(o.queue)]
		if len(round) == 0 {
			o.running = false
			o.cancel()
			o.mu.Unlock()
			o.signal(o.moved)
			return
		}
		o.mu.Unlock()
		done, err := o.round(ctx, round, &scratch)
		o.mu.Lock()
		if err != nil {
			o.err, o.running = fmt.Errorf("%w: %w", ErrOutboxFailed, err), false
			o.cancel()
			o.mu.Unlock()
			o.signal(o.moved)
			return
		}
		if done > 0 {
			o.queue = o.queue[done:]
			o.durable = round[done-1].End
			for _, f := range round[:done] {
				o.free = append(o.free, f.reset())
			}
		}
		o.mu.Unlock()
		o.signal(o.moved)
		if done > 0 {
			o.signal(o.released)
		}
	}
}

// round is one Emit: the Changes of the flights whose Output is acknowledged, in order, then
// the Output of the others. It reports how many flights, from the first, it completed.
func (o *Outbox) round(ctx context.Context, round []*Flight, scratch *[]Record) (done int, err error) {
	recs := (*scratch)[:0]
	for _, f := range round {
		if f.sent {
			recs = append(recs, f.Changes...)
			done++
		}
	}
	for _, f := range round[done:] {
		recs = append(recs, f.Output...)
	}
	*scratch = recs
	defer clear(recs)
	if len(recs) > 0 {
		if err := o.out.Emit(ctx, recs); err != nil {
			return 0, err
		}
	}
	for _, f := range round[done:] {
		f.sent = true
	}
	return done, nil
}

func (o *Outbox) signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// reset empties f for reuse, keeping its buffers.
func (f *Flight) reset() *Flight {
	clear(f.Output)
	clear(f.Changes)
	f.Output, f.Changes, f.Arena = f.Output[:0], f.Changes[:0], f.Arena[:0]
	f.End, f.sent = 0, false
	return f
}
