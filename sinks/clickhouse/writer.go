package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("clickhouse writer closed")

var _ pipeline.RowWriter = (*Writer)(nil)

// Writer lands outcome rows in ClickHouse with group commit. Many partition workers call Write
// concurrently; their rows join one shared batch, which a single background goroutine flushes as
// one insert per table once it holds cfg.BatchRows rows, its first row is cfg.FlushInterval old,
// or no row has joined it for cfg.Linger. Write returns when the flush holding its rows is
// acknowledged, with that flush's error. The linger matters because writers wait: partition
// workers each write a batch and block until it lands, so once they have all written nothing more
// arrives, and waiting out the flush interval would cap throughput at (their rows per interval).
//
// Retryable failures (network, timeouts, an overloaded server) are retried with jittered
// exponential backoff, resending the same rows; ClickHouse dedups them by id. While a flush
// retries, new rows wait in the next batch, and once 2×BatchRows rows are pending Write blocks
// until there is room, so memory stays bounded.
type Writer struct {
	client     *Client
	batchRows  int
	interval   time.Duration
	linger     time.Duration
	maxRetries int
	maxPending int
	log        *slog.Logger
	metrics    *metrics

	mu       sync.Mutex
	open     *batch        // rows waiting for the next flush; nil when none
	inFlight *batch        // the batch being flushed; nil when none
	pending  int           // rows accepted and not yet flushed: open plus in flight
	room     chan struct{} // closed and replaced whenever pending drops
	closed   bool

	kick   chan struct{} // wakes the loop: a batch opened, filled up, or Close was called
	cancel context.CancelFunc
	done   chan struct{} // closed when the loop has returned
}

// batch is one group commit: the rows of every Write that joined it, and their shared outcome.
type batch struct {
	rows  schemas.Rows
	first time.Time     // when its first row arrived
	last  time.Time     // when its latest row arrived
	done  chan struct{} // closed once err is set
	err   error
}

// NewWriter starts a Writer's flush goroutine; stop it with Close. A nil logger discards; a nil
// registerer registers no metrics.
func NewWriter(client *Client, cfg Config, logger *slog.Logger, reg prometheus.Registerer) *Writer {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w := &Writer{
		client:     client,
		batchRows:  cfg.BatchRows,
		interval:   cfg.FlushInterval,
		linger:     cfg.Linger,
		maxRetries: cfg.MaxRetries,
		maxPending: 2 * cfg.BatchRows,
		log:        logger,
		metrics:    newMetrics(reg),
		room:       make(chan struct{}),
		kick:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	// The flush goroutine outlives any caller's context: it is bounded by Close, which cancels
	// this context when its own deadline passes during the final flush.
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.run(ctx)
	return w
}

// Write adds rows to the pending batch and waits until that batch is acknowledged. If ctx ends
// first Write returns ctx.Err(), and the rows may still land later: writes are idempotent.
func (w *Writer) Write(ctx context.Context, rows schemas.Rows) error {
	n := rows.Len()
	if n == 0 {
		return nil
	}
	w.mu.Lock()
	for !w.closed && w.pending > 0 && w.pending+n > w.maxPending {
		room := w.room
		w.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return ctx.Err()
		}
		w.mu.Lock()
	}
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	b := w.open
	if b == nil {
		b = &batch{first: time.Now(), done: make(chan struct{})}
		w.open = b
		w.wake()
	}
	b.rows.Ads = append(b.rows.Ads, rows.Ads...)
	b.rows.Events = append(b.rows.Events, rows.Events...)
	b.rows.Failures = append(b.rows.Failures, rows.Failures...)
	b.last = time.Now()
	w.pending += n
	if b.rows.Len() >= w.batchRows {
		w.wake()
	}
	w.mu.Unlock()

	select {
	case <-b.done:
		return b.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes what is pending, stops the flush goroutine and returns the error of any flush
// that was pending or in flight when Close was called.
// If ctx ends first, the flush in progress is abandoned and ctx.Err() returned. Close does not
// close the Client.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	last := []*batch{w.inFlight, w.open}
	w.closed = true
	close(w.room) // writers waiting for room see closed
	w.room = make(chan struct{})
	w.wake()
	w.mu.Unlock()

	select {
	case <-w.done:
	case <-ctx.Done():
		w.cancel()
		<-w.done
		return ctx.Err()
	}
	w.cancel()
	var errs []error
	for _, b := range last {
		if b != nil {
			errs = append(errs, b.err)
		}
	}
	return errors.Join(errs...)
}

// wake nudges the loop without blocking; one pending nudge is enough. Called with mu held.
func (w *Writer) wake() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// run is the flush loop: it takes the open batch when it is full, old enough or the Writer is
// closing, flushes it, and returns once closed with nothing left.
func (w *Writer) run(ctx context.Context) {
	defer close(w.done)
	timer := time.NewTimer(w.interval)
	defer timer.Stop()
	for {
		w.mu.Lock()
		b, closed := w.open, w.closed
		due := b != nil && (closed || b.rows.Len() >= w.batchRows || time.Since(b.first) >= w.interval ||
			time.Since(b.last) >= w.linger)
		if due {
			w.open, w.inFlight = nil, b
		}
		w.mu.Unlock()

		switch {
		case due:
			b.err = w.flush(ctx, b.rows)
			w.mu.Lock()
			w.pending -= b.rows.Len()
			w.inFlight = nil
			close(w.room)
			w.room = make(chan struct{})
			w.mu.Unlock()
			close(b.done)
			continue
		case closed && b == nil:
			return
		case b != nil:
			w.mu.Lock()
			wait := min(w.interval-time.Since(b.first), w.linger-time.Since(b.last))
			w.mu.Unlock()
			timer.Reset(wait)
			select {
			case <-w.kick:
			case <-timer.C:
			}
		default:
			<-w.kick
		}
	}
}

// flush inserts rows table by table, retrying retryable errors with the same rows.
func (w *Writer) flush(ctx context.Context, rows schemas.Rows) error {
	start := time.Now()
	defer func() { w.metrics.duration.Observe(time.Since(start).Seconds()) }()
	for _, t := range []struct {
		name string
		n    int
	}{{TableAds, len(rows.Ads)}, {TableAdEvents, len(rows.Events)}, {TableFailedEvents, len(rows.Failures)}} {
		if t.n == 0 {
			continue
		}
		if err := w.insertWithRetry(ctx, t.name, t.n, rows); err != nil {
			return err
		}
		w.metrics.rows.WithLabelValues(t.name).Add(float64(t.n))
	}
	return nil
}

func (w *Writer) insertWithRetry(ctx context.Context, table string, n int, rows schemas.Rows) error {
	for attempt := 0; ; attempt++ {
		err := w.client.insert(ctx, table, rows)
		if err == nil {
			return nil
		}
		again := retryable(err) && attempt < w.maxRetries && ctx.Err() == nil
		w.metrics.errors.WithLabelValues(table, strconv.FormatBool(again)).Inc()
		if !again {
			return fmt.Errorf("insert %d rows into %s: %w", n, table, err)
		}
		pause := jitteredBackoff(attempt)
		w.log.Warn("clickhouse insert failed; retrying", "table", table, "rows", n,
			"attempt", attempt+1, "retry_in", pause, "err", err)
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("insert %d rows into %s: %w (gave up: %w)", n, table, err, ctx.Err())
		}
	}
}
