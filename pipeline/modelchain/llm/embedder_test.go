package llm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/embedding"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/schemas"
)

const embeddingModel = "embed-test"

// embedFormats are the two wire formats, each with its server and provider.
var embedFormats = []struct {
	name     string
	provider string
	server   func(t *testing.T) *embedServer
	base     func(s *embedServer) string
}{
	{"openai", ProviderOpenAI, newOpenAIEmbedServer, func(s *embedServer) string { return s.URL + "/v1" }},
	{"ollama", ProviderOllama, newOllamaEmbedServer, func(s *embedServer) string { return s.URL }},
}

func embedConfig(provider, base string, batch int) Config {
	cfg := testConfig(provider, base)
	cfg.EmbeddingModel, cfg.EmbeddingBatch = embeddingModel, batch
	return cfg
}

func mustEmbedder(t *testing.T, cfg Config) *Embedder {
	t.Helper()
	e, err := NewEmbedder(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// stack is the request path cmd/adshift builds: cache → batches → breaker and limiter → model.
func stack(t *testing.T, e *Embedder, dir string, batch int, breaker modelchain.BreakerConfig) embedding.Embedder {
	t.Helper()
	g := embedding.NewGuarded(e, breaker, modelchain.LimitConfig{Concurrency: 4, RequestsPerMinute: 1000})
	c, err := embedding.NewCache(embedding.NewBatched(g, batch), dir, e.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmbedderSpeaksBothWireFormats(t *testing.T) {
	texts := []string{"Hair Care", "洗发护发", "espresso"}
	for _, f := range embedFormats {
		t.Run(f.name, func(t *testing.T) {
			srv := f.server(t)
			e := mustEmbedder(t, embedConfig(f.provider, f.base(srv), 64))
			got, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			for i, text := range texts {
				if !slices.Equal(got[i], fakeVector(text)) {
					t.Errorf("vector of %q = %v, want %v", text, got[i], fakeVector(text))
				}
			}
			var sent []string
			for _, in := range srv.Requests() {
				sent = append(sent, in...)
			}
			if !slices.Equal(sent, texts) {
				t.Errorf("the server was sent %q, want %q", sent, texts)
			}
			for _, m := range srv.models {
				if m != embeddingModel {
					t.Errorf("request for model %q, want the embedding model %q, not the chat model", m, embeddingModel)
				}
			}
		})
	}
}

func TestBatchingSplitsTextsIntoRequests(t *testing.T) {
	srv := newOpenAIEmbedServer(t)
	e := mustEmbedder(t, embedConfig(ProviderOpenAI, srv.URL+"/v1", 4))
	var texts []string
	for i := range 10 {
		texts = append(texts, "product "+string(rune('a'+i)))
	}
	g := embedding.NewGuarded(e, modelchain.BreakerConfig{Failures: 3, OpenFor: time.Minute}, modelchain.LimitConfig{})
	got, err := embedding.NewBatched(g, 4).Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var sent []string
	for _, in := range srv.Requests() {
		sizes = append(sizes, len(in))
		sent = append(sent, in...)
	}
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Errorf("10 texts in batches of 4 went out as requests of %v texts, want [4 4 2]", sizes)
	}
	if !slices.Equal(sent, texts) || len(got) != len(texts) {
		t.Fatalf("sent %q and got %d vectors, want %q in order", sent, len(got), texts)
	}
	for i, text := range texts {
		if !slices.Equal(got[i], fakeVector(text)) {
			t.Errorf("vector %d is not %q's", i, text)
		}
	}
}

func TestCacheAnswersASecondRunWithNoRequests(t *testing.T) {
	texts := []string{"Hair Care", "洗发护发", "espresso", "Hair Care"}
	for _, f := range embedFormats {
		t.Run(f.name, func(t *testing.T) {
			srv := f.server(t)
			dir := t.TempDir()
			cfg := embedConfig(f.provider, f.base(srv), 2)
			breaker := modelchain.BreakerConfig{Failures: 3, OpenFor: time.Minute}
			first, err := stack(t, mustEmbedder(t, cfg), dir, 2, breaker).Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			asked := len(srv.Requests())
			if asked == 0 {
				t.Fatal("the first run sent no request")
			}
			// A new process on the same folder.
			second, err := stack(t, mustEmbedder(t, cfg), dir, 2, breaker).Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Requests()) - asked; n != 0 {
				t.Errorf("the second run sent %d requests, want 0", n)
			}
			for i := range texts {
				if !slices.Equal(first[i], second[i]) || !slices.Equal(second[i], fakeVector(texts[i])) {
					t.Errorf("vector of %q: first run %v, second %v", texts[i], first[i], second[i])
				}
			}
		})
	}
}

func TestCorruptCacheEntryIsFetchedAgain(t *testing.T) {
	srv := newOpenAIEmbedServer(t)
	dir := t.TempDir()
	cfg := embedConfig(ProviderOpenAI, srv.URL+"/v1", 8)
	breaker := modelchain.BreakerConfig{Failures: 3, OpenFor: time.Minute}
	texts := []string{"Hair Care", "espresso", "smartphone"}
	if _, err := stack(t, mustEmbedder(t, cfg), dir, 8, breaker).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.vec"))
	if len(files) != len(texts) {
		t.Fatalf("%d cache files for %d texts", len(files), len(texts))
	}
	damage := []func(b []byte) []byte{
		func(b []byte) []byte { return b[:len(b)/2] },                          // torn write
		func(b []byte) []byte { c := slices.Clone(b); c[9] ^= 0xff; return c }, // a flipped bit
		func([]byte) []byte { return []byte(`{"not":"a vector"}`) },            // another format
	}
	for i, f := range files {
		b, _ := os.ReadFile(f)
		if err := os.WriteFile(f, damage[i](b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := len(srv.Requests())
	got, err := stack(t, mustEmbedder(t, cfg), dir, 8, breaker).Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()[before:]
	if len(reqs) != 1 || len(reqs[0]) != len(texts) {
		t.Errorf("after damaging every entry, requests %q, want one asking for all %d texts again", reqs, len(texts))
	}
	for i, text := range texts {
		if !slices.Equal(got[i], fakeVector(text)) {
			t.Errorf("vector of %q = %v after a corrupt entry, want %v", text, got[i], fakeVector(text))
		}
	}
	// Rewritten whole: a third run asks for nothing.
	before = len(srv.Requests())
	if _, err := stack(t, mustEmbedder(t, cfg), dir, 8, breaker).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()) - before; n != 0 {
		t.Errorf("the entries were not rewritten: %d more requests", n)
	}
}

// taxonomy is the fallback: 1 for a product of exactly the interest's category, else 0.
type taxonomy struct{}

func (taxonomy) Closeness(interest string, p *schemas.Product) float64 {
	if catalog.NormCategory(interest) == catalog.NormCategory(p.Category) {
		return 1
	}
	return 0
}

var (
	zhShampoo = schemas.Product{ID: "zh1", Title: "滋养洗发水 500ml", Category: "美妆个护.洗发护发", Price: 59, Currency: "CNY"}
	enShampoo = schemas.Product{ID: "en1", Title: "Argan oil shampoo", Category: "Beauty & Hygiene.Hair Care", Price: 6, Currency: "USD"}
	coffee    = schemas.Product{ID: "c1", Title: "Espresso beans 1kg", Category: "grocery.coffee", Price: 20, Currency: "USD"}
	phone     = schemas.Product{ID: "p1", Title: "智能手机 128GB", Category: "数码.手机", Price: 1999, Currency: "CNY"}
)

// closeness builds an embedding Closeness on srv with its interest worker running, and
// indexes products.
func closeness(t *testing.T, e embedding.Embedder, products ...schemas.Product) (*embedding.Closeness, int) {
	t.Helper()
	c, err := embedding.NewCloseness(e, taxonomy{}, embedding.ClosenessConfig{Timeout: 5 * time.Second, RetryAfter: time.Hour}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	n, err := c.Index(context.Background(), products, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, n
}

func TestChineseAndEnglishCategoriesMeetInOneSpace(t *testing.T) {
	for _, f := range embedFormats {
		t.Run(f.name, func(t *testing.T) {
			srv := f.server(t)
			e := stack(t, mustEmbedder(t, embedConfig(f.provider, f.base(srv), 2)), t.TempDir(), 2,
				modelchain.BreakerConfig{Failures: 3, OpenFor: time.Minute})
			c, n := closeness(t, e, zhShampoo, enShampoo, coffee, phone)
			if n != 4 {
				t.Fatalf("%d of 4 products embedded", n)
			}
			f := func(interest string, near, far schemas.Product) {
				t.Helper()
				cn, cf := c.Closeness(interest, &near), c.Closeness(interest, &far)
				if cn <= cf || cn < 0 || cn > 1 || cf < 0 || cf > 1 {
					t.Errorf("interest %q: %s scores %.3f, %s %.3f; want the first higher, both in [0,1]",
						interest, near.Title, cn, far.Title, cf)
				}
				if tax := (taxonomy{}).Closeness(interest, &near); tax != 0 {
					t.Fatalf("the taxonomy already matches %q to %s: the case proves nothing", interest, near.Title)
				}
			}
			// Segment's spelling against a Chinese catalogue, and the other way round.
			f("Beauty & Hygiene/Hair Care", zhShampoo, coffee)
			f("Beauty & Hygiene/Hair Care", zhShampoo, phone)
			f("美妆个护.洗发护发", enShampoo, coffee)
			f("electronics.smartphone", phone, zhShampoo)
			if got := c.Closeness("grocery.coffee", &coffee); got != 1 {
				t.Errorf("a product of exactly the interest's category scores %.3f, want 1", got)
			}
		})
	}
}

func TestOutageOpensTheBreakerAndClosenessFallsBack(t *testing.T) {
	srv := newOpenAIEmbedServer(t)
	emb := mustEmbedder(t, embedConfig(ProviderOpenAI, srv.URL+"/v1", 2))
	g := embedding.NewGuarded(emb, modelchain.BreakerConfig{Failures: 2, OpenFor: time.Hour}, modelchain.LimitConfig{})
	e, err := embedding.NewCache(embedding.NewBatched(g, 2), t.TempDir(), emb.Model(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, n := closeness(t, e, zhShampoo, coffee)
	if n != 2 {
		t.Fatalf("%d of 2 products embedded", n)
	}
	healthy := c.Closeness("Hair Care", &zhShampoo)
	if healthy <= 0 {
		t.Fatalf("with the model up, Hair Care scores the shampoo %.3f, want above 0", healthy)
	}

	srv.failing.Store(true)
	before := len(srv.Requests())
	for _, interest := range []string{"Beauty & Hygiene/Hair Care", "个护.洗发", "hair.shampoo", "美妆.洗发水"} {
		if got := c.Closeness(interest, &zhShampoo); got != 0 {
			t.Errorf("model down: %q scores the shampoo %.3f, want the taxonomy's 0", interest, got)
		}
		if got := c.Closeness("grocery.coffee", &coffee); got != 1 {
			t.Errorf("model down: the taxonomy's exact match scores %.3f, want 1", got)
		}
	}
	if n := len(srv.Requests()) - before; n != 2 {
		t.Errorf("the server got %d requests during the outage, want 2: the breaker should open after 2 failures", n)
	}
	if s := g.BreakerState(); s != "open" {
		t.Errorf("breaker %s, want open", s)
	}
	if _, err := g.Embed(context.Background(), []string{"x"}); !errors.Is(err, modelchain.ErrBreakerOpen) {
		t.Errorf("a request with the breaker open: %v, want ErrBreakerOpen", err)
	}
	// Interests embedded before the outage still score by meaning.
	if got := c.Closeness("Hair Care", &zhShampoo); got != healthy {
		t.Errorf("an interest embedded before the outage scores %.3f, want %.3f", got, healthy)
	}
	// A catalogue embedded during the outage is ranked by the taxonomy alone.
	c2, n2 := closeness(t, e, enShampoo)
	if n2 != 0 {
		t.Errorf("%d products embedded with the model down", n2)
	}
	if got := c2.Closeness("Hair Care", &enShampoo); got != 0 {
		t.Errorf("a product not embedded scores %.3f, want the taxonomy's 0", got)
	}
}

func TestNewEmbedderRejects(t *testing.T) {
	f := func(name string, mutate func(*Config), want string) {
		t.Helper()
		cfg := embedConfig(ProviderOpenAI, "http://127.0.0.1:1/v1", 64)
		mutate(&cfg)
		_, err := NewEmbedder(cfg, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, want)
		}
	}
	f("anthropic", func(c *Config) { c.Provider = ProviderAnthropic }, "embedding_model")
	f("no model", func(c *Config) { c.EmbeddingModel = "" }, "embedding_model")
	f("batch 0", func(c *Config) { c.EmbeddingBatch = 0 }, "embedding_batch")
	f("batch too large", func(c *Config) { c.EmbeddingBatch = 5000 }, "embedding_batch")
	if err := (Config{EmbeddingModel: "m", MaxTokens: 1, Timeout: time.Second, EmbeddingBatch: 1}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "embedding_model") {
		t.Errorf("an embedding model with no provider: %v, want an embedding_model error", err)
	}
}
