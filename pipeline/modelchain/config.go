package modelchain

import (
	"errors"
	"fmt"
	"time"
)

// Config is the model chain's part of the llm section of adshift's configuration, its fields
// named by their keys. The model's own part (timeout, max tokens …) is llm.Config; Chain joins
// the two into the ChainConfig NewChain takes.
type Config struct {
	Retries         int           `mapstructure:"retries"`           // retries of a rate-limited or failed request
	RetryBackoff    time.Duration `mapstructure:"retry_backoff"`     // first backoff, doubling, jittered
	RetryMaxBackoff time.Duration `mapstructure:"retry_max_backoff"` // cap on a backoff and on Retry-After
	Concurrency     int           `mapstructure:"concurrency"`       // requests in flight, across all partitions
	RequestsPerMin  int           `mapstructure:"requests_per_minute"`
	TokensPerMin    int           `mapstructure:"tokens_per_minute"`
	Breaker         BreakerConfig `mapstructure:"breaker"`
	Cache           CacheConfig   `mapstructure:"cache"`
}

// maxRetries bounds Config.Retries: more would only hold a partition on a dead model.
const maxRetries = 10

// Chain is the ChainConfig of c around a model whose requests each take at most timeout and
// ask for at most maxTokens.
func (c Config) Chain(timeout time.Duration, maxTokens int) ChainConfig {
	return ChainConfig{
		Retry:   RetryConfig{Retries: c.Retries, Base: c.RetryBackoff, Max: c.RetryMaxBackoff, Timeout: timeout},
		Breaker: c.Breaker,
		Limit: LimitConfig{Concurrency: c.Concurrency, RequestsPerMinute: c.RequestsPerMin,
			TokensPerMinute: c.TokensPerMin, MaxTokens: maxTokens},
		Cache: c.Cache,
	}
}

// Validate reports every setting of c that cannot work, each error naming its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for _, n := range []struct {
		key string
		v   int
	}{
		{"retries", c.Retries}, {"concurrency", c.Concurrency},
		{"requests_per_minute", c.RequestsPerMin}, {"tokens_per_minute", c.TokensPerMin},
		{"cache.size", c.Cache.Size},
	} {
		if n.v < 0 {
			bad(n.key, "%d must not be negative (0 = unbounded, or off for the cache)", n.v)
		}
	}
	if c.Retries > maxRetries {
		bad("retries", "%d is out of range: allowed 0..%d", c.Retries, maxRetries)
	}
	if c.RetryBackoff <= 0 || c.RetryMaxBackoff < c.RetryBackoff {
		bad("retry_backoff", "%v must be positive and at most retry_max_backoff (%v)", c.RetryBackoff, c.RetryMaxBackoff)
	}
	if c.Breaker.Failures < 1 {
		bad("breaker.failures", "%d must be at least 1", c.Breaker.Failures)
	}
	if c.Breaker.OpenFor <= 0 {
		bad("breaker.open_for", "%v must be positive", c.Breaker.OpenFor)
	}
	if c.Cache.TTL < 0 {
		bad("cache.ttl", "%v must not be negative (0 = until evicted)", c.Cache.TTL)
	}
	return errors.Join(errs...)
}
