package modelchain

import (
	"fmt"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/prometheus/client_golang/prometheus"
)

// ChainConfig configures the generator built around a language model.
type ChainConfig struct {
	Retry   RetryConfig
	Breaker BreakerConfig
	Limit   LimitConfig
	Cache   CacheConfig
}

// NewChain builds the generator the stage uses with a language model:
//
//	Cached → Guarded(Writer → Breaker → Retrying → Limiter → model, fallback)
//
// The cache and its coalescing answer first; the guard holds the model's copy to policy, asks
// once more with the violations, and falls back; the breaker skips a failing model; retries
// back off on rate limits and outages; the limiter holds the concurrency limit and the
// per-minute budgets, shared by every partition worker using the returned Generator. Build it
// once per process. reg may be nil.
func NewChain(cfg ChainConfig, model Model, modelName string, prompts *creative.Prompts, guard creative.Guard, fallback creative.Generator, reg prometheus.Registerer) (creative.Generator, error) {
	m, err := newModelMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("register model metrics: %w", err)
	}
	if cfg.Limit.Concurrency < 0 || cfg.Limit.RequestsPerMinute < 0 || cfg.Limit.TokensPerMinute < 0 || cfg.Retry.Retries < 0 || cfg.Cache.Size < 0 {
		return nil, fmt.Errorf("model chain: negative limit in %+v", cfg)
	}
	var chain Model = NewLimiter(model, cfg.Limit, m)
	chain = NewRetrying(chain, cfg.Retry, m)
	chain = NewBreaker(chain, cfg.Breaker, m)
	writer := NewWriter(chain, modelName, prompts, guard, cfg.Limit.MaxTokens)
	return NewCached(NewGuarded(writer, fallback, guard), cfg.Cache, modelName, prompts.Version(), m), nil
}
