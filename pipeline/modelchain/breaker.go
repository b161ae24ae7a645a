package modelchain

import (
	"context"
	"sync"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
)

// BreakerConfig says when the circuit breaker opens and for how long.
type BreakerConfig struct {
	Failures int           `mapstructure:"failures"` // consecutive failed requests that open the breaker
	OpenFor  time.Duration `mapstructure:"open_for"` // how long it stays open before one probe request is let through
}

// Breaker states, as exported in adshift_creatives_model_breaker_state.
const (
	breakerClosed   = 0
	breakerHalfOpen = 1
	breakerOpen     = 2
)

// Breaker is a Model that stops calling a failing model. After Failures consecutive requests
// failed as unavailable or rate limited (retries already spent), it opens: every request fails
// at once with ErrBreakerOpen, so the caller falls back to templates without waiting on a dead
// endpoint. After OpenFor it lets a single probe through (half-open): success closes it, failure
// opens it again. Answers the model gave, even unusable ones, count as success: the breaker
// guards availability, not quality. Safe for concurrent use.
type Breaker struct {
	inner Model
	cfg   BreakerConfig
	m     *modelMetrics

	mu       sync.Mutex
	state    int
	failures int
	openedAt time.Time
	probing  bool
}

var _ Model = (*Breaker)(nil)

// NewBreaker wraps inner (nil for a Breaker used only through Do). m may be nil.
func NewBreaker(inner Model, cfg BreakerConfig, m *modelMetrics) *Breaker {
	if cfg.Failures <= 0 {
		cfg.Failures = 5
	}
	if cfg.OpenFor <= 0 {
		cfg.OpenFor = 30 * time.Second
	}
	b := &Breaker{inner: inner, cfg: cfg, m: m}
	b.m.breakerState(breakerClosed)
	return b
}

// Complete implements Model.
func (b *Breaker) Complete(ctx context.Context, p creative.Prompt) (Completion, error) {
	var c Completion
	err := b.Do(ctx, func(ctx context.Context) error {
		var err error
		c, err = b.inner.Complete(ctx, p)
		return err
	})
	return c, err
}

// Do runs call, a request to the model's provider of any kind (an embedding request too),
// under the breaker: ErrBreakerOpen at once while it is open, else call's error, counted as
// Complete counts it. b's inner model is not used.
func (b *Breaker) Do(ctx context.Context, call func(context.Context) error) error {
	probe, ok := b.admit()
	if !ok {
		b.m.requestResult(resultBreakerOpen)
		return ErrBreakerOpen
	}
	err := call(ctx)
	if err != nil && ctx.Err() != nil && !retryable(err) {
		// The caller gave up: that says nothing about the model.
		b.release(probe)
		return err
	}
	b.record(probe, err == nil || !retryable(err))
	return err
}

// admit decides whether a request may go through, and whether it is the half-open probe.
func (b *Breaker) admit() (probe, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case breakerOpen:
		if time.Since(b.openedAt) < b.cfg.OpenFor {
			return false, false
		}
		b.setState(breakerHalfOpen)
		fallthrough
	case breakerHalfOpen:
		if b.probing {
			return false, false
		}
		b.probing = true
		return true, true
	}
	return false, true
}

func (b *Breaker) release(probe bool) {
	if probe {
		b.mu.Lock()
		b.probing = false
		b.mu.Unlock()
	}
}

func (b *Breaker) record(probe, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	if ok {
		b.failures = 0
		if b.state != breakerClosed && (probe || b.state == breakerHalfOpen) {
			b.setState(breakerClosed)
		}
		return
	}
	b.failures++
	if probe || (b.state == breakerClosed && b.failures >= b.cfg.Failures) {
		b.openedAt = time.Now()
		b.setState(breakerOpen)
	}
}

func (b *Breaker) setState(s int) {
	b.state = s
	b.m.breakerState(s)
}

// State reports "closed", "half-open" or "open".
func (b *Breaker) State() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == breakerOpen && time.Since(b.openedAt) >= b.cfg.OpenFor {
		return "half-open"
	}
	return [...]string{"closed", "half-open", "open"}[b.state]
}
