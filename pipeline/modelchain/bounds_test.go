package modelchain

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/schemas"
)

// validConfig is the llm section's chain part as config.Default sets it.
func validConfig() Config {
	return Config{Retries: 2, RetryBackoff: 500 * time.Millisecond, RetryMaxBackoff: 10 * time.Second,
		Breaker: BreakerConfig{Failures: 5, OpenFor: 30 * time.Second}}
}

// Every validated range is held at both its ends, and each error names its key.
func TestConfigValidateRanges(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("the valid configuration: %v", err)
	}
	f := func(key string, ok bool, spoil func(*Config)) {
		t.Helper()
		cfg := validConfig()
		spoil(&cfg)
		err := cfg.Validate()
		if ok && err != nil {
			t.Errorf("%s: %v, want valid", key, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), key+":")) {
			t.Errorf("%s: %v, want an error naming it", key, err)
		}
	}
	f("retries", true, func(c *Config) { c.Retries = 0 })
	f("retries", true, func(c *Config) { c.Retries = 10 })
	f("retries", false, func(c *Config) { c.Retries = -1 })
	f("retries", false, func(c *Config) { c.Retries = 11 })
	f("concurrency", true, func(c *Config) { c.Concurrency = 0 })
	f("concurrency", false, func(c *Config) { c.Concurrency = -1 })
	f("requests_per_minute", false, func(c *Config) { c.RequestsPerMin = -1 })
	f("tokens_per_minute", false, func(c *Config) { c.TokensPerMin = -1 })
	f("cache.size", true, func(c *Config) { c.Cache.Size = 0 })
	f("cache.size", false, func(c *Config) { c.Cache.Size = -1 })
	f("retry_backoff", true, func(c *Config) { c.RetryBackoff, c.RetryMaxBackoff = time.Second, time.Second })
	f("retry_backoff", false, func(c *Config) { c.RetryBackoff, c.RetryMaxBackoff = time.Second, time.Second-1 })
	f("retry_backoff", false, func(c *Config) { c.RetryBackoff = 0 })
	f("breaker.failures", true, func(c *Config) { c.Breaker.Failures = 1 })
	f("breaker.failures", false, func(c *Config) { c.Breaker.Failures = 0 })
	f("breaker.open_for", true, func(c *Config) { c.Breaker.OpenFor = time.Nanosecond })
	f("breaker.open_for", false, func(c *Config) { c.Breaker.OpenFor = 0 })
	f("cache.ttl", true, func(c *Config) { c.Cache.TTL = 0 })
	f("cache.ttl", false, func(c *Config) { c.Cache.TTL = -1 })
	cfg := validConfig()
	cfg.Retries, cfg.Concurrency, cfg.Breaker.Failures = -1, -1, 0
	if n := strings.Count(cfg.Validate().Error(), "\n") + 1; n != 3 {
		t.Errorf("three bad settings gave %d errors: %v", n, cfg.Validate())
	}
}

func TestChainConfigCarriesEverySetting(t *testing.T) {
	c := Config{Retries: 3, RetryBackoff: time.Second, RetryMaxBackoff: time.Minute, Concurrency: 4, RequestsPerMin: 5,
		TokensPerMin: 6, Breaker: BreakerConfig{Failures: 7, OpenFor: time.Hour}, Cache: CacheConfig{Size: 8, TTL: time.Millisecond}}
	want := ChainConfig{
		Retry:   RetryConfig{Retries: 3, Base: time.Second, Max: time.Minute, Timeout: 9 * time.Second},
		Breaker: c.Breaker,
		Limit:   LimitConfig{Concurrency: 4, RequestsPerMinute: 5, TokensPerMinute: 6, MaxTokens: 10},
		Cache:   c.Cache,
	}
	if got := c.Chain(9*time.Second, 10); got != want {
		t.Errorf("Chain = %+v\nwant %+v", got, want)
	}
	for _, spoil := range []func(*ChainConfig){
		func(c *ChainConfig) { c.Limit.Concurrency = -1 },
		func(c *ChainConfig) { c.Limit.RequestsPerMinute = -1 },
		func(c *ChainConfig) { c.Limit.TokensPerMinute = -1 },
		func(c *ChainConfig) { c.Retry.Retries = -1 },
		func(c *ChainConfig) { c.Cache.Size = -1 },
	} {
		cc := want
		spoil(&cc)
		if _, err := NewChain(cc, &fakeModel{}, "fake", creative.EmbeddedPrompts(), creative.Guard{}, creative.NewTemplate(creative.Guard{}), nil); err == nil {
			t.Errorf("NewChain(%+v) built a chain", cc)
		}
	}
	if _, err := NewChain(want, &fakeModel{}, "fake", creative.EmbeddedPrompts(), creative.Guard{}, creative.NewTemplate(creative.Guard{}), nil); err != nil {
		t.Errorf("NewChain of a valid configuration: %v", err)
	}
}

// A token per 3 ASCII bytes, one per other character.
func TestEstimateTokens(t *testing.T) {
	f := func(s string, want int) {
		t.Helper()
		if got := EstimateTokens(s); got != want {
			t.Errorf("EstimateTokens(%q) = %d, want %d", s, got, want)
		}
	}
	f("", 0)
	f("ab", 0)
	f("abc", 1)
	f("abcdefg", 2)
	f("耳机", 2)
	f("abc耳机", 3)
	if got := estimateTokens(creative.Prompt{System: "abcdef", User: "耳"}); got != 3 {
		t.Errorf("a prompt's estimate %d, want 3", got)
	}
}

// The backoff is never above min(max, base·2^attempt), and spans that range.
func TestBackoffCeiling(t *testing.T) {
	f := func(base, maxWait time.Duration, attempt int, ceil time.Duration) {
		t.Helper()
		var top time.Duration
		for range 2000 {
			d := backoff(base, maxWait, attempt)
			if d < 0 || d > ceil {
				t.Fatalf("backoff(%v, %v, %d) = %v, outside [0, %v]", base, maxWait, attempt, d, ceil)
			}
			top = max(top, d)
		}
		if top < ceil*9/10 {
			t.Errorf("backoff(%v, %v, %d) never came near its ceiling %v: at most %v", base, maxWait, attempt, ceil, top)
		}
	}
	f(100*time.Millisecond, time.Hour, 0, 100*time.Millisecond)
	f(100*time.Millisecond, time.Hour, 3, 800*time.Millisecond)
	f(100*time.Millisecond, time.Second, 4, time.Second)
	f(time.Second, time.Minute, 100, time.Minute) // the shift is bounded: no overflow to 0
	r := NewRetrying(nil, RetryConfig{}, nil)
	if r.cfg.Base != 200*time.Millisecond || r.cfg.Max != 5*time.Second {
		t.Errorf("defaults base %v, max %v, want 200ms and 5s", r.cfg.Base, r.cfg.Max)
	}
	r = NewRetrying(nil, RetryConfig{Base: 10 * time.Second, Max: time.Second}, nil)
	if r.cfg.Base != 10*time.Second || r.cfg.Max != 10*time.Second {
		t.Errorf("max below base: base %v, max %v, want both 10s", r.cfg.Base, r.cfg.Max)
	}
}

// An answer is held to max_tokens by the usage reported, or by twice the estimate of its text,
// each at its boundary.
func TestWriterHoldsTheCompletionBound(t *testing.T) {
	w := NewWriter(nil, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 10)
	f := func(c Completion, wantErr bool) {
		t.Helper()
		err := w.overLength(c)
		if wantErr != (err != nil) || wantErr && !errors.Is(err, ErrAnswerTooLarge) {
			t.Errorf("%d completion tokens, %d bytes of text: %v", c.CompletionTokens, len(c.Text), err)
		}
	}
	f(Completion{CompletionTokens: 10}, false)
	f(Completion{CompletionTokens: 11}, true)
	f(Completion{Text: strings.Repeat("a", 60)}, false) // 20 tokens estimated: twice 10
	f(Completion{Text: strings.Repeat("a", 63)}, true)
	if err := NewWriter(nil, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 0).overLength(Completion{CompletionTokens: 1 << 20}); err != nil {
		t.Errorf("max_tokens 0 holds nothing: %v", err)
	}
}

// The writer reports the model's cost and name, and the model's own name when it gives one.
func TestWriterReportsTheCost(t *testing.T) {
	model := &fakeModel{tokens: 70}
	d, err := NewWriter(model, "configured", creative.EmbeddedPrompts(), creative.Guard{}, 0).Write(context.Background(), modelRequest("u"))
	if err != nil {
		t.Fatal(err)
	}
	want := schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, Model: "fake", PromptVersion: creative.EmbeddedPrompts().Version(),
		ModelCalls: 1, PromptTokens: 60, CompletionTokens: 10, Tokens: 70, LatencyMS: d.Info.LatencyMS}
	if !reflect.DeepEqual(d.Info, want) {
		t.Errorf("info %+v\nwant %+v", d.Info, want)
	}
	if d.Creative.Headline == "" || d.Prompt.User == "" {
		t.Errorf("draft %+v holds no creative or prompt", d)
	}
}

// addCost sums every cost field; the fallback's own latency is added to the attempts'.
func TestCostsAddUp(t *testing.T) {
	a := schemas.GeneratorInfo{Tokens: 1, PromptTokens: 2, CompletionTokens: 3, LatencyMS: 4, ModelCalls: 5}
	sum := addCost(addCost(schemas.GeneratorInfo{}, a), a)
	if want := (schemas.GeneratorInfo{Tokens: 2, PromptTokens: 4, CompletionTokens: 6, LatencyMS: 8, ModelCalls: 10}); !reflect.DeepEqual(sum, want) {
		t.Errorf("addCost twice = %+v, want %+v", sum, want)
	}
	tmpl := withCost(schemas.GeneratorInfo{Kind: schemas.GeneratorTemplate, LatencyMS: 1}, sum)
	if tmpl.LatencyMS != 9 || tmpl.Tokens != 2 || tmpl.ModelCalls != 10 || tmpl.PromptTokens != 4 || tmpl.CompletionTokens != 6 {
		t.Errorf("the fallback's cost %+v, want the attempts' plus its own 1ms", tmpl)
	}
	if llm := withCost(schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, LatencyMS: 4}, sum); llm.LatencyMS != 8 {
		t.Errorf("the model's latency counted twice: %v, want 8", llm.LatencyMS)
	}
	if !isMalformedOnly([]string{"answer: schema: x", "answer: y"}) || isMalformedOnly([]string{"answer: x", "length: y"}) || isMalformedOnly([]string{"answer:"}) {
		t.Error("isMalformedOnly")
	}
}

// Why the template wrote the creative, by the model's failure.
func TestFallbackReasons(t *testing.T) {
	f := func(err error, want string) {
		t.Helper()
		model := &fakeModel{fail: func(int) error { return err }}
		g := NewGuarded(NewWriter(model, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 0), creative.NewTemplate(creative.Guard{}), creative.Guard{})
		_, info, gerr := g.Generate(context.Background(), modelRequest("u"))
		if gerr != nil || info.Verdict != schemas.VerdictFallback || info.Fallback != want {
			t.Errorf("%v: verdict %s, fallback %q (%v), want %q", err, info.Verdict, info.Fallback, gerr, want)
		}
	}
	f(ErrBreakerOpen, FallbackBreakerOpen)
	f(ErrBudget, FallbackBudget)
	f(ErrUnavailable, FallbackModelError)
	f(errors.New("invalid api key"), FallbackModelError)
	model := &fakeModel{text: "not json"}
	g := NewGuarded(NewWriter(model, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 0), creative.NewTemplate(creative.Guard{}), creative.Guard{})
	_, info, err := g.Generate(context.Background(), modelRequest("u"))
	if err != nil || info.Fallback != FallbackMalformed || model.Calls() != 2 || info.ModelCalls != 2 || len(info.Violations) != 2 {
		t.Errorf("two unreadable answers: fallback %q, %d calls (%d counted), violations %q, %v", info.Fallback, model.Calls(), info.ModelCalls, info.Violations, err)
	}
}
