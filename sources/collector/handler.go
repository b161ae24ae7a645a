package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/semaphore"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

var _ http.Handler = (*Handler)(nil)

// Handler serves Segment's HTTP tracking API; see the package documentation.
type Handler struct {
	cfg    Config
	topics pipeline.Topics
	out    pipeline.Emitter
	log    *slog.Logger
	m      *metrics
	routes map[string]route
	keys   keys
	cors   cors
	slots  *semaphore.Weighted
	now    func() time.Time
	seq    atomic.Int64 // the last dead-letter sequence number handed out
}

// New returns a handler producing accepted events to topics.Clickstream and rejected ones to
// topics.DLQ through out. It fails without write keys. A nil logger discards logs; a nil
// registerer discards metrics.
func New(cfg Config, topics pipeline.Topics, out pipeline.Emitter, logger *slog.Logger, reg prometheus.Registerer) (*Handler, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("collector: %w", err)
	}
	if len(cfg.WriteKeys) == 0 {
		return nil, fmt.Errorf("collector: %w", ErrNoWriteKeys)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("collector metrics: %w", err)
	}
	h := &Handler{
		cfg: cfg, topics: topics, out: out, log: logger, m: m,
		routes: buildRoutes(), keys: newKeys(cfg.WriteKeys), cors: newCORS(cfg.CORSOrigins),
		slots: semaphore.NewWeighted(int64(cfg.MaxInFlight)), now: time.Now,
	}
	h.seq.Store(rand.Int64N(1 << 62))
	return h, nil
}

// ServeHTTP answers one tracking call, once everything it caused is acknowledged.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, known := h.routes[r.URL.Path]
	label := rt.name
	if !known {
		label = "other"
	}
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	defer func() { h.m.requests.WithLabelValues(label, strconv.Itoa(rec.code)).Inc() }()
	if h.cors.apply(rec, r) {
		return
	}
	switch {
	case !known:
		answer(rec, http.StatusNotFound, reply{Message: "no such endpoint: " + r.URL.Path})
		return
	case r.Method != http.MethodPost:
		rec.Header().Set("Allow", "POST, OPTIONS")
		answer(rec, http.StatusMethodNotAllowed, reply{Message: r.Method + " is not allowed: tracking calls are POSTs"})
		return
	}
	h.serve(rec, r, rt)
}

// serve authenticates, reads and delivers one call to rt.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, rt route) {
	key, inHeader := fromHeader(r)
	if inHeader && !h.keys.valid(key) {
		answer(w, http.StatusUnauthorized, reply{Message: "unknown write key"})
		return
	}
	limit := h.cfg.MaxEventBytes
	if rt.batch() {
		limit = h.cfg.MaxBatchBytes
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(limit))
	body, err := readBody(r, limit)
	if err != nil {
		var be *bodyError
		errors.As(err, &be)
		answer(w, be.status, reply{Message: be.msg})
		return
	}
	p := parse(body, rt, fill{callType: rt.callType, receivedAt: h.now().UTC()})
	if !inHeader && !h.keys.valid(p.writeKey) {
		answer(w, http.StatusUnauthorized, reply{Message: "missing or unknown write key: send it as the HTTP Basic username or as writeKey in the body"})
		return
	}
	// A slot is taken only by an authenticated call whose body is read: slow or keyless
	// clients cannot crowd the trackers out.
	if !h.slots.TryAcquire(1) {
		h.busy(w, "too many requests in flight")
		return
	}
	h.m.inFlight.Inc()
	defer func() { h.m.inFlight.Dec(); h.slots.Release(1) }()
	src := deadLetterSource{path: r.URL.Path, next: h.nextSeq}
	var o outcome
	if p.fail != nil {
		o = h.rejectBody(body, p, src)
	} else {
		o = h.build(p, src)
	}
	h.deliver(w, r.Context(), o, len(p.events))
}

// rejectBody dead-letters a body that holds no usable event list.
func (h *Handler) rejectBody(body []byte, p parsed, src deadLetterSource) outcome {
	in := pipeline.Record{Topic: src.path, Partition: -1, Offset: src.next(), Value: body, Timestamp: p.fill.receivedAt}
	return outcome{
		records:  []pipeline.Record{pipeline.DeadLetter(h.topics.DLQ, Stage, in, p.fail)},
		rejected: []rejection{{Index: -1, Kind: string(p.fail.Kind), Field: p.fail.Field, Detail: p.fail.Detail}},
	}
}

// deliver produces o's records and answers once the broker acknowledged all of them: 200 when
// every event was accepted, 413 when one was too large, else 400; 503 when the broker did not
// acknowledge in time.
func (h *Handler) deliver(w http.ResponseWriter, ctx context.Context, o outcome, events int) {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.AckTimeout)
	defer cancel()
	if err := h.out.Emit(ctx, o.records); err != nil {
		h.log.Warn("collector: events not acknowledged", "records", len(o.records), "err", err)
		h.busy(w, "events not acknowledged by the broker in time: retry")
		return
	}
	for _, t := range o.accepted {
		h.m.accepted.WithLabelValues(t).Inc()
	}
	status := http.StatusOK
	for _, rj := range o.rejected {
		h.m.rejected.WithLabelValues(rj.Kind).Inc()
		switch {
		case rj.Kind == string(schemas.TooLarge):
			status = http.StatusRequestEntityTooLarge
		case status == http.StatusOK:
			status = http.StatusBadRequest
		}
	}
	if status == http.StatusOK {
		answer(w, status, reply{Success: true})
		return
	}
	msg := fmt.Sprintf("%d of %d events rejected (and dead-lettered); the others were accepted", len(o.rejected), events)
	if events == 0 {
		msg = "the body holds no events: " + o.rejected[0].Detail
	}
	answer(w, status, reply{Message: msg, Errors: o.rejected})
}

// busy answers 503 with Retry-After: the tracker keeps the events and sends them again.
func (h *Handler) busy(w http.ResponseWriter, msg string) {
	secs := int(math.Ceil(h.cfg.RetryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	answer(w, http.StatusServiceUnavailable, reply{Message: msg})
}

// nextSeq returns the next dead-letter sequence number: one past the last, from a random start
// drawn when the handler was made, so two collector processes never hand out the same numbers
// (a failed_events id is path/-1/number).
func (h *Handler) nextSeq() int64 { return h.seq.Add(1) }

// reply is every answer's body: {"success": true}, or why not.
type reply struct {
	Success bool        `json:"success"`
	Message string      `json:"message,omitempty"`
	Errors  []rejection `json:"errors,omitempty"`
}

func answer(w http.ResponseWriter, status int, body reply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// statusRecorder keeps the status a response was written with, for the metrics.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
