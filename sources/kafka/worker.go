package kafka

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
)

// worker owns one assigned partition: it opens the partition's processor, feeds it the batches the
// poll loop hands over, in order, and marks each batch for commit once Process succeeds.
//
// While the worker falls behind or is stuck retrying, fetching for its partition is paused, so a
// slow partition holds at most maxBacklog batches in memory and never stalls the others.
type worker struct {
	g         *Group
	cl        *kgo.Client
	topic     string
	partition int32
	log       *slog.Logger

	mu      sync.Mutex
	queue   []queued
	failing bool
	paused  bool

	// processed is the offset after the last record a Holder processed, and epoch that record's
	// leader epoch: what Close makes committable. marked is the offset last marked for a Holder:
	// marks only move forward.
	processed int64
	epoch     int32
	marked    int64

	wake chan struct{} // a batch was queued
	quit chan struct{} // closed to stop after the batch in hand
	done chan struct{} // closed when the worker has closed its processor and returned
}

func newWorker(g *Group, cl *kgo.Client, topic string, partition int32) *worker {
	return &worker{
		g:         g,
		cl:        cl,
		topic:     topic,
		partition: partition,
		log:       g.log.With("topic", topic, "partition", partition),
		wake:      make(chan struct{}, 1),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
	}
}

// queued is a fetched batch and, in a transaction, who waits for it to be processed.
type queued struct {
	recs []*kgo.Record
	ack  *pollAck
}

// push queues a fetched batch, to be reported to ack (nil: no one) once processed. It never
// blocks: the poll loop serves every partition.
func (w *worker) push(recs []*kgo.Record, ack *pollAck) {
	w.mu.Lock()
	w.queue = append(w.queue, queued{recs, ack})
	w.updatePause()
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// next takes the oldest queued batch.
func (w *worker) next() (queued, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) == 0 {
		return queued{}, false
	}
	q := w.queue[0]
	w.queue[0] = queued{}
	w.queue = w.queue[1:]
	w.updatePause()
	return q, true
}

func (w *worker) setFailing(failing bool) {
	w.mu.Lock()
	w.failing = failing
	w.updatePause()
	w.mu.Unlock()
}

// updatePause pauses fetching while the worker is failing or its backlog is full, and resumes it
// otherwise. The caller holds w.mu.
func (w *worker) updatePause() {
	want := w.failing || len(w.queue) >= w.g.cfg.MaxBacklog
	if want == w.paused {
		return
	}
	tp := map[string][]int32{w.topic: {w.partition}}
	if want {
		w.cl.PauseFetchPartitions(tp)
	} else {
		w.cl.ResumeFetchPartitions(tp)
	}
	w.paused = want
}

func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	// The partition may come back to this client later; it must not come back paused.
	defer func() {
		w.mu.Lock()
		for _, q := range w.queue {
			if q.ack != nil {
				q.ack.done(errWorkerStopped)
			}
		}
		w.failing, w.queue = false, nil
		w.updatePause()
		w.mu.Unlock()
	}()

	proc, ok := w.open(ctx)
	if !ok {
		return
	}
	defer func() {
		if err := proc.Close(ctx); err != nil {
			w.log.Error("close partition processor", "err", err)
			return
		}
		// A Holder releases what it held on Close: all it processed is durable now.
		if _, holds := proc.(pipeline.Holder); holds && w.processed > 0 {
			w.markBelow(w.epoch, w.processed)
		}
	}()

	// A Releaser's records become durable after Process returns, as acknowledgements arrive.
	var released <-chan struct{}
	if r, ok := proc.(pipeline.Releaser); ok {
		released = r.Released()
	}
	for {
		select {
		case <-w.quit:
			return
		case <-ctx.Done():
			return
		case <-released:
			w.markHeld(proc.(pipeline.Holder))
			continue
		case <-w.wake:
		}
		for {
			select {
			case <-w.quit:
				return
			default:
			}
			q, ok := w.next()
			if !ok {
				break
			}
			if q.ack != nil {
				if !w.processOnce(ctx, proc, q) {
					return
				}
				continue
			}
			if !w.process(ctx, proc, q.recs) {
				return
			}
		}
	}
}

// open opens the partition's processor, retrying until it succeeds or the worker stops.
func (w *worker) open(ctx context.Context) (pipeline.Processor, bool) {
	w.g.opening.Add(1)
	defer w.g.opening.Add(-1)
	for attempt := 1; ; attempt++ {
		proc, err := w.g.stage.Open(ctx, w.topic, w.partition)
		if err == nil {
			if attempt > 1 {
				w.setFailing(false)
			}
			return proc, true
		}
		w.g.metrics.openErrors.Inc()
		w.log.Error("open partition processor", "attempt", attempt, "err", err)
		if attempt == 1 {
			w.setFailing(true)
		}
		if !w.sleep(ctx, w.g.backoff(attempt)) {
			return nil, false
		}
	}
}

// process hands one batch to the processor until it succeeds, then marks it for commit. It
// reports false if the worker was stopped before the batch succeeded; the batch is then left
// uncommitted for whoever owns the partition next.
func (w *worker) process(ctx context.Context, proc pipeline.Processor, recs []*kgo.Record) bool {
	batch, newest := toPipeline(recs)
	first, last := recs[0].Offset, recs[len(recs)-1].Offset
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := proc.Process(ctx, batch)
		w.g.metrics.seconds.Observe(time.Since(start).Seconds())
		if err == nil {
			w.mark(proc, recs)
			w.g.metrics.batches.Inc()
			w.g.metrics.records.Add(float64(len(recs)))
			w.g.metrics.freshness.saw(newest)
			if attempt > 1 {
				w.setFailing(false)
				w.log.Info("batch processed after retries", "attempts", attempt, "first_offset", first, "last_offset", last)
			}
			return true
		}
		w.g.metrics.errors.Inc()
		w.log.Error("process batch", "attempt", attempt, "first_offset", first, "last_offset", last, "err", err)
		if attempt == 1 {
			w.setFailing(true)
		}
		if !w.sleep(ctx, w.g.backoff(attempt)) {
			return false
		}
	}
}

// processOnce processes a batch of a transaction once and reports to its ack; it reports false
// if the batch failed, and the worker stops: the transaction aborts, and a new worker, its
// processor restored from the committed state, takes the partition over.
func (w *worker) processOnce(ctx context.Context, proc pipeline.Processor, q queued) bool {
	batch, newest := toPipeline(q.recs)
	start := time.Now()
	err := proc.Process(ctx, batch)
	w.g.metrics.seconds.Observe(time.Since(start).Seconds())
	if h, ok := proc.(pipeline.Holder); ok && err == nil {
		if held, holds := h.Held(); holds {
			// Its offsets would commit with records not produced yet, or never.
			err = fmt.Errorf("stage %s cannot run exactly once: its processor holds records from offset %d after Process returned", w.g.stage.Name(), held)
		}
	}
	if err != nil {
		w.g.metrics.errors.Inc()
		err = fmt.Errorf("%s partition %d offsets %d-%d: %w", w.topic, w.partition, q.recs[0].Offset, q.recs[len(q.recs)-1].Offset, err)
		q.ack.done(err)
		return false
	}
	w.g.metrics.batches.Inc()
	w.g.metrics.records.Add(float64(len(q.recs)))
	w.g.metrics.freshness.saw(newest)
	q.ack.done(nil)
	return true
}

// mark marks a processed batch for commit: all of it, or for a Holder only the offsets below the
// first record it still holds, which may lie in an earlier batch.
func (w *worker) mark(proc pipeline.Processor, recs []*kgo.Record) {
	last := recs[len(recs)-1]
	h, ok := proc.(pipeline.Holder)
	if !ok {
		w.cl.MarkCommitRecords(recs...)
		return
	}
	w.processed, w.epoch = last.Offset+1, last.LeaderEpoch
	w.markHeld(h)
}

// markHeld marks what a Holder processed up to the first record it still holds.
func (w *worker) markHeld(h pipeline.Holder) {
	end := w.processed
	if held, ok := h.Held(); ok {
		end = min(end, held)
	}
	w.markBelow(w.epoch, end)
}

// markBelow marks the partition committed up to offset end (exclusive). A Holder's marks only
// move forward, since what it holds starts ever later (a Held below the last mark, such as a
// Releaser's before its first acknowledgement, marks nothing); epoch is the leader epoch of the
// latest record processed, valid for any offset at or below it.
func (w *worker) markBelow(epoch int32, end int64) {
	if end <= w.marked {
		return
	}
	w.marked = end
	w.cl.MarkCommitOffsets(map[string]map[int32]kgo.EpochOffset{
		w.topic: {w.partition: {Epoch: epoch, Offset: end}},
	})
}

// sleep waits d, reporting false if the worker is stopped first.
func (w *worker) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.quit:
		return false
	case <-ctx.Done():
		return false
	}
}

// backoff is the wait before retry attempt+1: exponential from RetryBackoff up to
// MaxRetryBackoff, with jitter so many failing partitions do not retry in lockstep.
func (g *Group) backoff(attempt int) time.Duration {
	d := g.cfg.RetryBackoff
	for i := 1; i < attempt && d < g.cfg.MaxRetryBackoff; i++ {
		d *= 2
	}
	d = min(d, g.cfg.MaxRetryBackoff)
	return d/2 + rand.N(d/2+1)
}
