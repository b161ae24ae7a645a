package modelchain

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
)

// LimitConfig bounds what the stage asks of the model, across every partition worker.
type LimitConfig struct {
	Concurrency       int // requests in flight at once; 0: unbounded
	RequestsPerMinute int // requests started per minute; 0: unbounded
	TokensPerMinute   int // prompt + completion tokens per minute; 0: unbounded
	// MaxTokens is the completion bound sent with each request; with the prompt's length it
	// is the token reservation a request holds until its real usage is known.
	MaxTokens int
}

// Limiter is a Model that holds one shared concurrency limit and per-minute request and token
// budgets over its inner model. A request waits (as long as its context allows) for a free
// slot, but never for budget: when this minute's budget is spent it fails at once with
// ErrBudget, so the caller writes a template ad instead of building lag. Tokens are reserved
// before a request (prompt estimate + MaxTokens) and settled to the real usage after it, so
// concurrent requests cannot overshoot the budget together. Budgets are fixed one-minute
// windows. Safe for concurrent use; build one per process and share it.
type Limiter struct {
	inner Model
	cfg   LimitConfig
	slots chan struct{}
	m     *modelMetrics

	mu       sync.Mutex
	window   time.Time // start of the current minute
	requests int
	tokens   int // used and reserved in the window
}

var _ Model = (*Limiter)(nil)

// NewLimiter wraps inner (nil for a Limiter used only through Do). m may be nil.
func NewLimiter(inner Model, cfg LimitConfig, m *modelMetrics) *Limiter {
	l := &Limiter{inner: inner, cfg: cfg, m: m}
	if cfg.Concurrency > 0 {
		l.slots = make(chan struct{}, cfg.Concurrency)
	}
	return l
}

// Complete implements Model.
func (l *Limiter) Complete(ctx context.Context, p creative.Prompt) (Completion, error) {
	var c Completion
	err := l.Do(ctx, estimateTokens(p)+l.cfg.MaxTokens, func(ctx context.Context) (int, error) {
		var err error
		c, err = l.inner.Complete(ctx, p)
		return c.Tokens(), err
	})
	return c, err
}

// Do runs call, a request to the model's provider of any kind (an embedding request too),
// under the limiter: it waits for a slot, reserves tokens against this minute's budget (failing
// at once with ErrBudget when spent) and settles the reservation to the tokens call reports
// it used. l's inner model is not used.
func (l *Limiter) Do(ctx context.Context, tokens int, call func(context.Context) (used int, err error)) error {
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
			defer func() { <-l.slots }()
		case <-ctx.Done():
			return fmt.Errorf("waiting for a model slot: %w", ctx.Err())
		}
	}
	window, err := l.reserve(tokens)
	if err != nil {
		l.m.requestResult(resultBudget)
		return err
	}
	used, err := call(ctx)
	l.settle(window, tokens, used)
	return err
}

func (l *Limiter) reserve(tokens int) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now().Truncate(time.Minute)
	if !now.Equal(l.window) {
		l.window, l.requests, l.tokens = now, 0, 0
	}
	if l.cfg.RequestsPerMinute > 0 && l.requests >= l.cfg.RequestsPerMinute {
		return now, fmt.Errorf("%w: %d requests", ErrBudget, l.cfg.RequestsPerMinute)
	}
	if l.cfg.TokensPerMinute > 0 && l.tokens+tokens > l.cfg.TokensPerMinute {
		return now, fmt.Errorf("%w: %d of %d tokens used or reserved", ErrBudget, l.tokens, l.cfg.TokensPerMinute)
	}
	l.requests++
	l.tokens += tokens
	return now, nil
}

// settle replaces a request's reservation by its real usage, in the window it was made in.
func (l *Limiter) settle(window time.Time, reserved, used int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.window.Equal(window) {
		l.tokens += used - reserved
	}
}

// Usage reports the requests and tokens counted in the current minute.
func (l *Limiter) Usage() (requests, tokens int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !time.Now().Truncate(time.Minute).Equal(l.window) {
		return 0, 0
	}
	return l.requests, l.tokens
}

// estimateTokens is a cautious token count of a prompt: EstimateTokens of each message.
func estimateTokens(p creative.Prompt) int {
	return EstimateTokens(p.System) + EstimateTokens(p.User)
}

// EstimateTokens is a cautious token count of a text, for budgets settled before a model
// answers: a token per 3 bytes of Latin text (English averages 4) and one per CJK (or other
// non-ASCII) character.
func EstimateTokens(s string) int {
	n, ascii := 0, 0
	for _, r := range s {
		if r < 0x80 {
			ascii++
		} else {
			n++
		}
	}
	return n + ascii/3
}
