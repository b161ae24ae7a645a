package modelchain

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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

// An unset breaker opens after 5 failures and stays open 30s; an open breaker's refusals are
// counted.
func TestBreakerDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := prometheus.NewPedanticRegistry()
		m, err := newModelMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		b := NewBreaker(nil, BreakerConfig{}, m)
		fail := func(context.Context) error { return ErrUnavailable }
		for i := range 5 {
			if b.State() != "closed" {
				t.Fatalf("breaker %s after %d failures, want closed until 5", b.State(), i)
			}
			b.Do(t.Context(), fail)
		}
		if b.State() != "open" {
			t.Fatalf("breaker %s after 5 failures, want open", b.State())
		}
		if err := b.Do(t.Context(), fail); !errors.Is(err, ErrBreakerOpen) {
			t.Fatalf("open breaker: %v", err)
		}
		if got := requestResults(t, reg)[resultBreakerOpen]; got != 1 {
			t.Errorf("model_requests_total{result=breaker_open} = %v, want 1", got)
		}
		time.Sleep(30*time.Second - time.Millisecond)
		if b.State() != "open" {
			t.Fatalf("breaker %s before 30s, want open", b.State())
		}
		time.Sleep(time.Millisecond)
		if b.State() != "half-open" {
			t.Fatalf("breaker %s after 30s, want half-open", b.State())
		}
	})
}

func requestResults(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "adshift_creatives_model_requests_total" {
			for _, m := range mf.GetMetric() {
				out[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// A caller that gives up says nothing about the model: no failure is counted, and a probe it
// abandoned lets the next request probe.
func TestCallerGivingUpIsNoFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBreaker(nil, BreakerConfig{Failures: 1, OpenFor: time.Second}, nil)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := b.Do(ctx, func(ctx context.Context) error { return ctx.Err() }); !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if b.State() != "closed" {
			t.Fatalf("a cancelled call opened the breaker: %s", b.State())
		}
		b.Do(t.Context(), func(context.Context) error { return ErrUnavailable })
		time.Sleep(time.Second)
		if err := b.Do(ctx, func(ctx context.Context) error { return ctx.Err() }); !errors.Is(err, context.Canceled) {
			t.Fatalf("the abandoned probe: %v", err)
		}
		if b.State() != "half-open" {
			t.Errorf("an abandoned probe left the breaker %s, want half-open", b.State())
		}
		called := false
		if err := b.Do(t.Context(), func(context.Context) error { called = true; return nil }); err != nil || !called {
			t.Fatalf("after an abandoned probe the next request was refused: %v", err)
		}
		if b.State() != "closed" {
			t.Errorf("a good probe left the breaker %s", b.State())
		}

		// Nor does it clear the failures counted before it.
		b = NewBreaker(nil, BreakerConfig{Failures: 2, OpenFor: time.Second}, nil)
		b.Do(t.Context(), func(context.Context) error { return ErrUnavailable })
		b.Do(ctx, func(ctx context.Context) error { return ctx.Err() })
		b.Do(t.Context(), func(context.Context) error { return ErrUnavailable })
		if b.State() != "open" {
			t.Errorf("two failures around a cancelled call left the breaker %s, want open", b.State())
		}
	})
}

// Retries say how many attempts failed; a first failure says nothing of attempts. Without a
// Retry-After the wait is the backoff, never none.
func TestRetryErrorsAndWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		model := &fakeModel{fail: func(int) error { return errors.New("invalid api key") }}
		_, err := NewRetrying(model, RetryConfig{Retries: 2}, nil).Complete(t.Context(), creative.Prompt{})
		if err == nil || strings.Contains(err.Error(), "attempts") {
			t.Errorf("a permanent first failure: %v, want no attempts counted", err)
		}
		model = &fakeModel{fail: func(int) error { return ErrUnavailable }}
		start := time.Now()
		_, err = NewRetrying(model, RetryConfig{Retries: 2, Base: time.Second, Max: time.Second}, nil).Complete(t.Context(), creative.Prompt{})
		if err == nil || !strings.Contains(err.Error(), "after 3 attempts") {
			t.Errorf("a lasting outage: %v, want after 3 attempts", err)
		}
		if waited := time.Since(start); waited <= 0 || waited > 2*time.Second {
			t.Errorf("two backoffs of at most 1s took %v", waited)
		}
	})
}

// plain is a model that waits for its context and answers with the context's error alone.
type plain struct{}

func (plain) Complete(ctx context.Context, _ creative.Prompt) (Completion, error) {
	<-ctx.Done()
	return Completion{Requests: 1}, ctx.Err()
}

// An attempt's own timeout is an outage, worth a retry; the caller's deadline is not.
func TestAttemptTimeoutIsUnavailability(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := NewRetrying(plain{}, RetryConfig{Timeout: time.Second}, nil)
		if _, err := r.Complete(t.Context(), creative.Prompt{}); !errors.Is(err, ErrUnavailable) {
			t.Errorf("the attempt timed out: %v, want ErrUnavailable", err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
		defer cancel()
		if _, err := NewRetrying(plain{}, RetryConfig{Timeout: time.Second}, nil).Complete(ctx, creative.Prompt{}); errors.Is(err, ErrUnavailable) {
			t.Errorf("the caller's deadline: %v, want no outage", err)
		}
	})
}

// A budget of one token is a budget: a request reserving two is refused.
func TestLimiterSmallestBudgets(t *testing.T) {
	l := NewLimiter(nil, LimitConfig{TokensPerMinute: 1}, nil)
	if err := l.Do(t.Context(), 2, func(context.Context) (int, error) { return 2, nil }); !errors.Is(err, ErrBudget) {
		t.Errorf("2 tokens in a budget of 1: %v", err)
	}
	l = NewLimiter(nil, LimitConfig{RequestsPerMinute: 1}, nil)
	l.Do(t.Context(), 0, func(context.Context) (int, error) { return 0, nil })
	if err := l.Do(t.Context(), 0, func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, ErrBudget) {
		// A minute may turn between the two; then the second fits a new budget.
		if r, _ := l.Usage(); r != 1 {
			t.Errorf("a second request in a budget of 1: %v", err)
		}
	}
}

// recorder is a generator that writes a headline too long for the guard first, then a short
// one, and keeps the feedback of every request.
type recorder struct{ feedback [][]string }

func (g *recorder) Generate(_ context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	g.feedback = append(g.feedback, req.Feedback)
	headline := "Sony MDR"
	if len(g.feedback) == 1 {
		headline = strings.Repeat("Sony MDR ", 20)
	}
	return schemas.Creative{Headline: headline, Body: "Sony MDR headphones for $80.", CTA: "Shop now", Locale: "en"},
		schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, ModelCalls: 1, Tokens: 7}, nil
}

// A creative the guard refuses is asked for again with the violations as feedback, and the
// result carries the cost of both attempts.
func TestRegenerationCarriesFeedbackAndCost(t *testing.T) {
	g := &recorder{}
	c, info, err := NewGuarded(g, creative.NewTemplate(creative.Guard{}), creative.Guard{}).Generate(t.Context(), modelRequest("u"))
	if err != nil || info.Verdict != schemas.VerdictRegenerated || c.Headline != "Sony MDR" {
		t.Fatalf("verdict %s, %q, %v", info.Verdict, c.Headline, err)
	}
	if len(g.feedback) != 2 || len(g.feedback[0]) != 0 || len(g.feedback[1]) == 0 {
		t.Errorf("feedback %q, want none first, the violations second", g.feedback)
	}
	if info.ModelCalls != 2 || info.Tokens != 14 || len(info.Violations) == 0 {
		t.Errorf("info %+v, want both attempts' cost and the violations met", info)
	}
}

// A mutant left alive on purpose: Retrying's "Timeout > 0" against "> 1" (a timeout of one
// nanosecond and none cannot be told apart by any model).
