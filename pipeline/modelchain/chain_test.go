package modelchain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// fakeModel answers with copy for the request's product, or fails while fail says so. It counts
// requests and the most in flight at once, and can hold requests until released.
type fakeModel struct {
	mu       sync.Mutex
	calls    int
	fail     func(call int) error
	text     string
	inflight int
	maxIn    int
	hold     chan struct{}
	tokens   int
}

func (m *fakeModel) Complete(ctx context.Context, p creative.Prompt) (Completion, error) {
	m.mu.Lock()
	m.calls++
	call := m.calls
	m.inflight++
	m.maxIn = max(m.maxIn, m.inflight)
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.inflight--
		m.mu.Unlock()
	}()
	if m.hold != nil {
		select {
		case <-m.hold:
		case <-ctx.Done():
			return Completion{Requests: 1}, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
		}
	}
	if m.fail != nil {
		if err := m.fail(call); err != nil {
			return Completion{Requests: 1}, err
		}
	}
	text := m.text
	if text == "" {
		text = `{"headline":"Sony MDR, quiet and light","body":"Sony MDR headphones for $80.","cta":"Shop now"}`
	}
	tokens := m.tokens
	if tokens == 0 {
		tokens = 50
	}
	return Completion{Text: text, Model: "fake", PromptTokens: tokens - 10, CompletionTokens: 10, Requests: 1}, nil
}

func (m *fakeModel) Calls() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls
}

var sonyMDR = schemas.Product{ID: "h1", Title: "Sony MDR", Brand: "Sony", Category: "electronics.audio.headphone", Price: 80, Currency: "USD"}

func modelRequest(user string) creative.Request {
	return creative.Request{Shift: schemas.Shift{User: user, Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: "electronics.audio.headphone"}}}},
		Product: sonyMDR, Arm: strategy.ArmValue, Locale: creative.LocaleEN}
}

func TestBreakerOpensFallsBackAndProbes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var down atomic.Bool
		down.Store(true)
		model := &fakeModel{fail: func(int) error {
			if down.Load() {
				return ErrUnavailable
			}
			return nil
		}}
		m, _ := newModelMetrics(nil)
		b := NewBreaker(model, BreakerConfig{Failures: 3, OpenFor: time.Minute}, m)
		gen := NewGuarded(NewWriter(b, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 0), creative.NewTemplate(creative.Guard{}), creative.Guard{})
		ctx := context.Background()

		kinds := func(n int) (out []string) {
			for i := range n {
				_, info, err := gen.Generate(ctx, modelRequest(fmt.Sprint("u", i)))
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, info.Kind+"/"+info.Fallback)
			}
			return out
		}
		// Three failures open it; from then on the model is not called and templates flow.
		got := kinds(6)
		if model.Calls() != 3 || b.State() != "open" {
			t.Fatalf("after 6 ads during an outage: %d model calls, breaker %s; want 3 and open", model.Calls(), b.State())
		}
		want := "template/model_error template/model_error template/model_error template/breaker_open template/breaker_open template/breaker_open"
		if strings.Join(got, " ") != want {
			t.Errorf("ads %v, want %s", got, want)
		}
		// After open_for one probe goes through; it fails, so the breaker opens again.
		time.Sleep(time.Minute)
		if b.State() != "half-open" {
			t.Fatalf("breaker %s after open_for, want half-open", b.State())
		}
		kinds(3)
		if model.Calls() != 4 || b.State() != "open" {
			t.Fatalf("failed probe: %d calls, breaker %s; want 4 calls and open", model.Calls(), b.State())
		}
		// The model is back: the next probe closes the breaker and the model writes again.
		down.Store(false)
		time.Sleep(time.Minute)
		if got := kinds(3); strings.Join(got, " ") != "llm/ llm/ llm/" || b.State() != "closed" {
			t.Fatalf("after recovery: %v, breaker %s", got, b.State())
		}
	})
}

func TestBreakerLetsOneProbeThroughUnderConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		model := &fakeModel{fail: func(int) error { return ErrUnavailable }}
		b := NewBreaker(model, BreakerConfig{Failures: 1, OpenFor: time.Second}, nil)
		if _, err := b.Complete(context.Background(), creative.Prompt{}); !errors.Is(err, ErrUnavailable) {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		model.hold = make(chan struct{})
		var wg sync.WaitGroup
		var rejected atomic.Int32
		for range 20 {
			wg.Go(func() {
				if _, err := b.Complete(context.Background(), creative.Prompt{}); errors.Is(err, ErrBreakerOpen) {
					rejected.Add(1)
				}
			})
		}
		synctest.Wait()
		close(model.hold)
		wg.Wait()
		if model.Calls() != 2 || rejected.Load() != 19 {
			t.Errorf("half-open under 20 concurrent requests: %d model calls, %d rejected; want 1 probe", model.Calls()-1, rejected.Load())
		}
	})
}

func TestRetryBacksOffAndHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		model := &fakeModel{fail: func(call int) error {
			switch call {
			case 1:
				return &RetryAfterError{Err: ErrRateLimited, After: 3 * time.Second}
			case 2:
				return ErrUnavailable
			}
			return nil
		}}
		r := NewRetrying(model, RetryConfig{Retries: 2, Base: 100 * time.Millisecond, Max: 10 * time.Second}, nil)
		start := time.Now()
		c, err := r.Complete(context.Background(), creative.Prompt{})
		if err != nil || c.Requests != 3 {
			t.Fatalf("Complete = %+v, %v; want success after 3 requests", c, err)
		}
		// Retry-After 3s, then a jittered backoff of at most 200ms.
		if waited := time.Since(start); waited < 3*time.Second || waited > 3*time.Second+200*time.Millisecond {
			t.Errorf("waited %s, want 3s (Retry-After) plus at most 200ms of backoff", waited)
		}

		// Retries are bounded; permanent failures are not retried.
		model = &fakeModel{fail: func(int) error { return ErrUnavailable }}
		c, err = NewRetrying(model, RetryConfig{Retries: 2, Base: time.Millisecond, Max: time.Millisecond}, nil).Complete(context.Background(), creative.Prompt{})
		if !errors.Is(err, ErrUnavailable) || c.Requests != 3 || model.Calls() != 3 {
			t.Errorf("lasting outage: %v after %d requests, want 3", err, model.Calls())
		}
		model = &fakeModel{fail: func(int) error { return errors.New("invalid api key") }}
		if _, err := NewRetrying(model, RetryConfig{Retries: 5}, nil).Complete(context.Background(), creative.Prompt{}); err == nil || model.Calls() != 1 {
			t.Errorf("permanent failure retried: %d calls", model.Calls())
		}
		// A slow model times out per attempt, and the timeout is retried as unavailability.
		model = &fakeModel{hold: make(chan struct{})}
		_, err = NewRetrying(model, RetryConfig{Retries: 1, Base: time.Millisecond, Max: time.Millisecond, Timeout: 5 * time.Second}, nil).Complete(context.Background(), creative.Prompt{})
		if !errors.Is(err, ErrUnavailable) || model.Calls() != 2 {
			t.Errorf("slow model: %v after %d calls, want unavailable after 2", err, model.Calls())
		}
	})
}

func TestLimiterHoldsConcurrencyAndBudgetsAcrossWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		model := &fakeModel{hold: make(chan struct{}), tokens: 100}
		l := NewLimiter(model, LimitConfig{Concurrency: 3, RequestsPerMinute: 10, TokensPerMinute: 100_000}, nil)
		var wg sync.WaitGroup
		var budget, ok atomic.Int32
		for range 25 { // 25 partition workers at once
			wg.Go(func() {
				_, err := l.Complete(context.Background(), creative.Prompt{User: "write"})
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ErrBudget):
					budget.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		synctest.Wait()
		if model.inflight != 3 {
			t.Errorf("%d requests in flight, concurrency limit 3", model.inflight)
		}
		close(model.hold)
		wg.Wait()
		if model.maxIn != 3 || ok.Load() != 10 || budget.Load() != 15 {
			t.Errorf("max in flight %d, sent %d, over budget %d; want 3, 10, 15", model.maxIn, ok.Load(), budget.Load())
		}
		// The next minute has a fresh budget.
		time.Sleep(time.Minute)
		if _, err := l.Complete(context.Background(), creative.Prompt{}); err != nil {
			t.Errorf("next minute: %v", err)
		}

		// Tokens: reserved up front (prompt estimate + max tokens), settled to real usage after.
		model = &fakeModel{tokens: 100}
		l = NewLimiter(model, LimitConfig{TokensPerMinute: 1000, MaxTokens: 300}, nil)
		sent := 0
		for range 20 {
			if _, err := l.Complete(context.Background(), creative.Prompt{User: "write"}); err == nil {
				sent++
			}
		}
		// 7 used (700) + the next reservation (300 + the prompt's estimate) is over 1000.
		if _, tokens := l.Usage(); sent != 7 || tokens != 700 {
			t.Errorf("token budget 1000, 100 used per request, 300 reserved: sent %d (%d tokens), want 7 (700)", sent, tokens)
		}
	})
}

func TestCacheSharesAcrossShoppersAndCoalescesInFlight(t *testing.T) {
	model := &fakeModel{hold: make(chan struct{})}
	reg := prometheus.NewRegistry()
	gen, err := NewChain(ChainConfig{Cache: CacheConfig{Size: 100, TTL: time.Hour}, Limit: LimitConfig{Concurrency: 8}},
		model, "fake", creative.EmbeddedPrompts(), creative.Guard{}, creative.NewTemplate(creative.Guard{}), reg)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	infos := make([]schemas.GeneratorInfo, 50)
	for i := range infos {
		wg.Go(func() {
			_, info, err := gen.Generate(context.Background(), modelRequest(fmt.Sprint("shopper-", i)))
			if err != nil {
				t.Error(err)
			}
			infos[i] = info
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for model.Calls() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(model.hold)
	wg.Wait()
	if model.Calls() != 1 {
		t.Fatalf("50 shoppers wanting the same creative at once made %d model calls, want 1", model.Calls())
	}
	kinds := map[string]int{}
	for _, info := range infos {
		kinds[info.Kind]++
	}
	if kinds[schemas.GeneratorLLM] != 1 || kinds[schemas.GeneratorCache] != 49 {
		t.Errorf("kinds %v, want 1 llm and 49 cache", kinds)
	}
	// Another arm, locale or product is another creative.
	for _, r := range []creative.Request{
		{Shift: modelRequest("x").Shift, Product: sonyMDR, Arm: strategy.ArmTrend, Locale: creative.LocaleEN},
		{Shift: modelRequest("x").Shift, Product: sonyMDR, Arm: strategy.ArmValue, Locale: creative.LocaleZH},
	} {
		model.text = `{"headline":"Sony MDR","body":"Sony MDR，售价$80。","cta":"立即购买"}`
		if r.Locale == creative.LocaleEN {
			model.text = ""
		}
		if _, info, _ := gen.Generate(context.Background(), r); info.Kind != schemas.GeneratorLLM {
			t.Errorf("%s/%s served from the cache: %+v", r.Arm, r.Locale, info)
		}
	}
}

func TestCacheKeepsNoFallbacksAndEvicts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var down atomic.Bool
		down.Store(true)
		model := &fakeModel{fail: func(int) error {
			if down.Load() {
				return errors.New("model refused")
			}
			return nil
		}}
		cached := NewCached(NewGuarded(NewWriter(model, "fake", creative.EmbeddedPrompts(), creative.Guard{}, 0), creative.NewTemplate(creative.Guard{}), creative.Guard{}),
			CacheConfig{Size: 2, TTL: time.Hour}, "fake", creative.EmbeddedPrompts().Version(), nil)
		ctx := context.Background()
		if _, info, _ := cached.Generate(ctx, modelRequest("a")); info.Kind != schemas.GeneratorTemplate || cached.Len() != 0 {
			t.Fatalf("fallback %+v cached (%d entries)", info, cached.Len())
		}
		down.Store(false)
		if _, info, _ := cached.Generate(ctx, modelRequest("b")); info.Kind != schemas.GeneratorLLM {
			t.Fatalf("model back: %+v", info)
		}
		if _, info, _ := cached.Generate(ctx, modelRequest("c")); info.Kind != schemas.GeneratorCache {
			t.Fatalf("second shopper: %+v", info)
		}
		// TTL: an hour later the model is asked again.
		time.Sleep(time.Hour)
		calls := model.Calls()
		if _, info, _ := cached.Generate(ctx, modelRequest("d")); info.Kind != schemas.GeneratorLLM || model.Calls() != calls+1 {
			t.Fatalf("after the ttl: %+v", info)
		}
		// Size: the least recently used of three products goes.
		for _, id := range []string{"p2", "p3"} {
			r := modelRequest("e")
			r.Product.ID = id
			cached.Generate(ctx, r)
		}
		if cached.Len() != 2 {
			t.Errorf("%d entries, size 2", cached.Len())
		}
	})
}
