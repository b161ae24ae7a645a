package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
// concurrently; their rows join one shared batch, which is flushed as one insert per table once it
// holds cfg.BatchRows rows, its first row is cfg.FlushInterval old, or no row has joined it for
// cfg.Linger. Write returns when the flush holding its rows is acknowledged, with that flush's
// error. The linger matters because writers wait: partition workers each write a batch and block
// until it lands, so once they have all written nothing more arrives, and waiting out the flush
// interval would cap throughput at (their rows per interval).
//
// Up to cfg.Flushes batches are in flight at once, each on connections of its own, and a batch's
// tables are inserted side by side. While every flush slot is busy the next batch keeps filling,
// so under load batches grow past BatchRows and the server is never left idle between inserts:
// with one flush at a time the writers whose rows are in flight cannot write more, and the server
// would wait on them. Once (Flushes+1)×BatchRows rows are pending Write blocks until there is
// room, so memory stays bounded, also while flushes retry.
//
// Retryable failures (network, timeouts, an overloaded server) are retried with jittered
// exponential backoff, resending the same rows; ClickHouse dedups them by id.
type Writer struct {
	client     *Client
	batchRows  int
	interval   time.Duration
	linger     time.Duration
	maxRetries int
	flushes    int // batches in flight at most
	maxPending int
	log        *slog.Logger
	metrics    *metrics

	mu       sync.Mutex
	open     *batch              // rows waiting for the next flush; nil when none
	inFlight map[*batch]struct{} // the batches being flushed
	pending  int                 // rows accepted and not yet flushed: open plus in flight
	room     chan struct{}       // closed and replaced whenever pending drops
	closed   bool

	kick    chan struct{} // wakes the loop: a batch opened or filled up, a flush ended, Close was called
	cancel  context.CancelFunc
	running sync.WaitGroup // the flushes in flight
	done    chan struct{}  // closed when the loop and every flush have returned
}

// batch is one group commit: the rows of every Write that joined it, and their shared outcome.
type batch struct {
	parts []schemas.Rows // each Write's rows, copied
	n     int            // rows in parts
	first time.Time      // when its first row arrived
	last  time.Time      // when its latest row arrived
	done  chan struct{}  // closed once err is set
	err   error
}

// NewWriter starts a Writer's flush goroutine; stop it with Close. A nil logger discards; a nil
// registerer registers no metrics.
func NewWriter(client *Client, cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Writer, error) {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	w := &Writer{
		client:     client,
		batchRows:  cfg.BatchRows,
		interval:   cfg.FlushInterval,
		linger:     cfg.Linger,
		maxRetries: cfg.MaxRetries,
		flushes:    cfg.Flushes,
		maxPending: (cfg.Flushes + 1) * cfg.BatchRows,
		log:        logger,
		metrics:    m,
		inFlight:   map[*batch]struct{}{},
		room:       make(chan struct{}),
		kick:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	// The flush goroutine outlives any caller's context: it is bounded by Close, which cancels
	// this context when its own deadline passes during the final flush.
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.run(ctx)
	return w, nil
}

// Write adds rows to the pending batch and waits until that batch is acknowledged. If ctx ends
// first Write returns ctx.Err(), and the rows may still land later: writes are idempotent. The
// Writer keeps a copy of rows, so the caller may reuse them once Write returns.
func (w *Writer) Write(ctx context.Context, rows schemas.Rows) error {
	n := rows.Len()
	if n == 0 {
		return nil
	}
	part := schemas.Rows{Ads: slices.Clone(rows.Ads), Events: slices.Clone(rows.Events), Failures: slices.Clone(rows.Failures)}
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
	b.parts = append(b.parts, part)
	b.n += n
	b.last = time.Now()
	w.pending += n
	if b.n >= w.batchRows {
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
// If ctx ends first, the flushes in progress are abandoned and ctx.Err() returned. Close does not
// close the Client.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	var last []*batch
	for b := range w.inFlight {
		last = append(last, b)
	}
	if w.open != nil {
		last = append(last, w.open)
	}
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
		errs = append(errs, b.err)
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

// run is the flush loop. It starts a flush of the open batch when the batch is full, old enough or
// the Writer is closing, and a flush slot is free; while none is, the batch keeps filling. It
// returns once closed with nothing open and no flush in flight.
func (w *Writer) run(ctx context.Context) {
	defer close(w.done)
	defer w.running.Wait()
	timer := time.NewTimer(w.interval)
	defer timer.Stop()
	for {
		w.mu.Lock()
		b, closed := w.open, w.closed
		due := b != nil && (closed || b.n >= w.batchRows || time.Since(b.first) >= w.interval ||
			time.Since(b.last) >= w.linger)
		start := due && len(w.inFlight) < w.flushes
		if start {
			w.open = nil
			w.inFlight[b] = struct{}{}
			w.running.Add(1)
			go w.flushBatch(ctx, b)
		}
		idle := len(w.inFlight) == 0
		var wait time.Duration
		if b != nil && !due {
			wait = min(w.interval-time.Since(b.first), w.linger-time.Since(b.last))
		}
		w.mu.Unlock()

		switch {
		case start:
			continue
		case closed && b == nil && idle:
			return
		case wait > 0:
			timer.Reset(wait)
			select {
			case <-w.kick:
			case <-timer.C:
			}
		default: // nothing open, or a batch due and no free slot: a Write or a flush's end wakes us
			<-w.kick
		}
	}
}

// flushBatch flushes b, then releases its rows from the pending count and its writers.
func (w *Writer) flushBatch(ctx context.Context, b *batch) {
	defer w.running.Done()
	b.err = w.flush(ctx, b.parts)
	w.mu.Lock()
	w.pending -= b.n
	delete(w.inFlight, b)
	close(w.room)
	w.room = make(chan struct{})
	w.wake()
	w.mu.Unlock()
	close(b.done)
}

// flush inserts the rows of each table, retrying retryable errors with the same rows: the ads
// first, so that outcomes_daily finds the ad of every event in the same batch, then the other
// tables side by side.
func (w *Writer) flush(ctx context.Context, parts []schemas.Rows) error {
	start := time.Now()
	defer func() { w.metrics.duration.Observe(time.Since(start).Seconds()) }()
	if err := w.flushTables(ctx, tables[:1], parts); err != nil {
		return err
	}
	return w.flushTables(ctx, tables[1:], parts)
}

// flushTables inserts the rows of ts side by side.
func (w *Writer) flushTables(ctx context.Context, ts []inserter, parts []schemas.Rows) error {
	errs := make([]error, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		n := t.count(parts)
		if n == 0 {
			continue
		}
		wg.Go(func() {
			errs[i] = w.insertWithRetry(ctx, t, n, parts)
			if errs[i] == nil {
				w.metrics.rows.WithLabelValues(t.table()).Add(float64(n))
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (w *Writer) insertWithRetry(ctx context.Context, t inserter, n int, parts []schemas.Rows) error {
	table := t.table()
	for attempt := 0; ; attempt++ {
		err := t.insert(ctx, w.client, parts)
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
