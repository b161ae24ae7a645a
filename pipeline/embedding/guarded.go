package embedding

import (
	"context"

	"github.com/adshift/adshift/pipeline/modelchain"
)

// Guarded is an Embedder whose requests go through a modelchain.Breaker and a
// modelchain.Limiter, the chat model's types under the chat model's settings (llm.breaker,
// llm.concurrency, llm.requests_per_minute, llm.tokens_per_minute): after repeated outages it
// fails at once with modelchain.ErrBreakerOpen, and over the minute's budget with
// modelchain.ErrBudget, so callers fall back instead of waiting on a dead endpoint.
type Guarded struct {
	inner   Embedder
	breaker *modelchain.Breaker
	limiter *modelchain.Limiter
}

var _ Embedder = (*Guarded)(nil)

// NewGuarded wraps inner in a breaker and a limiter of its own.
func NewGuarded(inner Embedder, breaker modelchain.BreakerConfig, limit modelchain.LimitConfig) *Guarded {
	return &Guarded{inner: inner, breaker: modelchain.NewBreaker(nil, breaker, nil), limiter: modelchain.NewLimiter(nil, limit, nil)}
}

// Embed implements Embedder: one request, under the breaker, then the limiter.
func (g *Guarded) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	var vecs [][]float32
	tokens := estimateTokens(texts)
	err := g.breaker.Do(ctx, func(ctx context.Context) error {
		return g.limiter.Do(ctx, tokens, func(ctx context.Context) (int, error) {
			var err error
			vecs, err = g.inner.Embed(ctx, texts)
			return tokens, err // embedding answers carry no usage langchaingo passes on
		})
	})
	return vecs, err
}

// BreakerState reports the breaker's state: "closed", "half-open" or "open".
func (g *Guarded) BreakerState() string { return g.breaker.State() }

// estimateTokens is a cautious token count of texts: modelchain.EstimateTokens of each, plus
// one.
func estimateTokens(texts []string) int {
	n := 0
	for _, s := range texts {
		n += modelchain.EstimateTokens(s) + 1
	}
	return n
}
