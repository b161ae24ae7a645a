package modelchain

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
)

// RetryConfig bounds retries of a model request.
type RetryConfig struct {
	Retries int           // retries after the first attempt, on rate limits and unavailability
	Base    time.Duration // backoff before the first retry; doubles each time, with full jitter
	Max     time.Duration // cap on a single backoff, and on a provider's Retry-After
	Timeout time.Duration // bound on each attempt; 0: none beyond the caller's context
}

// Retrying is a Model that retries its inner model's retryable failures (ErrRateLimited,
// ErrUnavailable, an attempt's timeout) with jittered exponential backoff, honouring the
// provider's Retry-After up to Max. langchaingo never retries and its default HTTP client never
// times out; this is where both are bounded. Safe for concurrent use.
type Retrying struct {
	inner Model
	cfg   RetryConfig
	m     *modelMetrics
}

var _ Model = (*Retrying)(nil)

// NewRetrying wraps inner. m may be nil.
func NewRetrying(inner Model, cfg RetryConfig, m *modelMetrics) *Retrying {
	if cfg.Base <= 0 {
		cfg.Base = 200 * time.Millisecond
	}
	if cfg.Max < cfg.Base {
		cfg.Max = max(cfg.Base, 5*time.Second)
	}
	return &Retrying{inner: inner, cfg: cfg, m: m}
}

// Complete implements Model. The completion reports every request sent, failed ones included.
func (r *Retrying) Complete(ctx context.Context, p creative.Prompt) (Completion, error) {
	requests := 0
	for attempt := 0; ; attempt++ {
		c, err := r.attempt(ctx, p)
		requests += c.Requests
		c.Requests = requests
		if err == nil || !retryable(err) || attempt >= r.cfg.Retries || ctx.Err() != nil {
			if err != nil && attempt > 0 {
				err = fmt.Errorf("after %d attempts: %w", attempt+1, err)
			}
			return c, err
		}
		wait := backoff(r.cfg.Base, r.cfg.Max, attempt)
		if ra := retryAfter(err); ra > 0 {
			wait = min(ra, r.cfg.Max)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return c, fmt.Errorf("waiting to retry: %w", errors.Join(ctx.Err(), err))
		case <-t.C:
		}
	}
}

// attempt sends one request under the attempt timeout. A timeout of the attempt (not of the
// caller) is unavailability: worth a retry.
func (r *Retrying) attempt(ctx context.Context, p creative.Prompt) (Completion, error) {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if r.cfg.Timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, r.cfg.Timeout)
	}
	defer cancel()
	start := time.Now()
	c, err := r.inner.Complete(actx, p)
	if err != nil && ctx.Err() == nil && actx.Err() != nil && !errors.Is(err, ErrUnavailable) {
		err = fmt.Errorf("%w: no answer within %s: %w", ErrUnavailable, r.cfg.Timeout, err)
	}
	if c.Requests > 0 {
		r.m.request(err)
		r.m.usage(c, time.Since(start).Seconds())
	}
	return c, err
}

// backoff is full jitter over an exponential ceiling: uniform in [0, min(max, base·2^attempt)],
// so callers that failed together do not retry together.
func backoff(base, maxWait time.Duration, attempt int) time.Duration {
	ceil := base << min(attempt, 20)
	if ceil <= 0 || ceil > maxWait {
		ceil = maxWait
	}
	return time.Duration(rand.Int64N(int64(ceil) + 1))
}
