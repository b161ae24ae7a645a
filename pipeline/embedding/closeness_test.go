package embedding

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/schemas"
)

// vectors is an embedding model with a vector per text; a text it does not know fails the
// request. It records the requests' sizes; budget makes its first request fail with ErrBudget.
type vectors struct {
	mu     sync.Mutex
	vecs   map[string][]float32
	sizes  []int
	budget int // requests to fail with ErrBudget first
}

func (m *vectors) Embed(_ context.Context, texts []string) ([][]float32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sizes = append(m.sizes, len(texts))
	if m.budget > 0 {
		m.budget--
		return nil, modelchain.ErrBudget
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, ok := m.vecs[t]
		if !ok {
			return nil, modelchain.ErrUnavailable
		}
		out[i] = v
	}
	return out, nil
}

func (m *vectors) requests() []int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.sizes)
}

// zero is a fallback scoring every product 0.
type zero struct{}

func (zero) Closeness(string, *schemas.Product) float64 { return 0 }

func TestNewClosenessRefusesAndDefaults(t *testing.T) {
	if _, err := NewCloseness(nil, nil, ClosenessConfig{Timeout: time.Second}, nil, nil); err == nil {
		t.Error("no embedder: built")
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := NewCloseness(&vectors{}, nil, ClosenessConfig{Timeout: d}, nil, nil); err == nil {
			t.Errorf("timeout %v: built", d)
		}
	}
	c, err := NewCloseness(&vectors{}, nil, ClosenessConfig{Timeout: time.Nanosecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.RetryAfter != 30*time.Second || c.cfg.Batch != 64 {
		t.Errorf("defaults retry after %v, batch %d, want the documented 30s and 64", c.cfg.RetryAfter, c.cfg.Batch)
	}
	c, err = NewCloseness(&vectors{}, nil, ClosenessConfig{Timeout: time.Second, RetryAfter: time.Minute, Batch: 3}, nil, nil)
	if err != nil || c.cfg.RetryAfter != time.Minute || c.cfg.Batch != 3 {
		t.Errorf("set values were replaced: %+v, %v", c.cfg, err)
	}
}

// The score is the larger of the cosine (never below zero) and the fallback's; the lookups are
// counted by result.
func TestClosenessScoresByMeaning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		shampoo := schemas.Product{ID: "s", Title: "Shampoo", Category: "hair"}
		drill := schemas.Product{ID: "d", Title: "Drill", Category: "tools"}
		bare := schemas.Product{ID: "b", Title: "Bare", Category: "x"}
		m := &vectors{vecs: map[string][]float32{
			ProductText(&shampoo): {3, 4},   // unit (0.6, 0.8)
			ProductText(&drill):   {-3, -4}, // opposite
			ProductText(&bare):    {0, 0},   // no direction: not indexed
			"hair care":           {0, 10},  // unit (0, 1): cosine 0.8 with shampoo
		}}
		reg := prometheus.NewPedanticRegistry()
		c, err := NewCloseness(m, zero{}, ClosenessConfig{Timeout: time.Second}, nil, reg)
		if err != nil {
			t.Fatal(err)
		}
		var progress [][2]int
		n, err := c.Index(t.Context(), []schemas.Product{shampoo, drill, bare}, 2, func(done, total int) {
			progress = append(progress, [2]int{done, total})
		})
		if err != nil || n != 2 {
			t.Fatalf("Index: %d, %v, want 2 (the zero vector left out)", n, err)
		}
		if !slices.Equal(progress, [][2]int{{2, 3}, {3, 3}}) {
			t.Errorf("progress %v", progress)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		defer func() { cancel(); <-done }()

		f := func(p *schemas.Product, want float64) {
			t.Helper()
			if got := c.Closeness("hair_care", p); got < want-1e-6 || got > want+1e-6 {
				t.Errorf("%s for hair care scores %v, want %v", p.Title, got, want)
			}
		}
		f(&shampoo, 0.8)
		f(&drill, 0) // a cosine of -0.8 is 0
		f(&bare, 0)  // no vector: the fallback's
		if want := map[string]float64{resultEmbedded: 2, resultNoProduct: 1, resultNoInterest: 0}; !maps.Equal(lookups(t, reg), want) {
			t.Errorf("adshift_embedding_closeness_total %v, want %v", lookups(t, reg), want)
		}
		// With the fallback's half, the larger one wins.
		h, err := NewCloseness(m, half{}, ClosenessConfig{Timeout: time.Second}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Index(t.Context(), []schemas.Product{shampoo, drill}, 8, nil); err != nil {
			t.Fatal(err)
		}
		hctx, hcancel := context.WithCancel(t.Context())
		hdone := make(chan error, 1)
		go func() { hdone <- h.Run(hctx) }()
		defer func() { hcancel(); <-hdone }()
		if got := h.Closeness("hair_care", &shampoo); got < 0.8-1e-6 || got > 0.8+1e-6 {
			t.Errorf("cosine 0.8 over a fallback 0.5: %v", got)
		}
		if got := h.Closeness("hair_care", &drill); got != 0.5 {
			t.Errorf("cosine -0.8 under a fallback 0.5: %v", got)
		}
	})
}

// A failed catalogue batch is left to the fallback; a batch over the minute's budget waits for
// the next minute once, and is a failure the second time.
func TestIndexWaitsOnceForTheBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := schemas.Product{ID: "a", Title: "A"}
		b := schemas.Product{ID: "b", Title: "B"}
		m := &vectors{vecs: map[string][]float32{"A": {1, 0}, "B": {0, 1}}, budget: 1}
		c, err := NewCloseness(m, nil, ClosenessConfig{Timeout: time.Second}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		n, err := c.Index(t.Context(), []schemas.Product{a, b}, 1, nil)
		if err != nil || n != 2 {
			t.Fatalf("Index after a budget wait: %d, %v, want both", n, err)
		}
		if next := start.Truncate(time.Minute).Add(time.Minute); time.Now().Before(next) {
			t.Errorf("the budget wait ended at %v, before the next minute %v", time.Now(), next)
		}
		if got := m.requests(); !slices.Equal(got, []int{1, 1, 1}) {
			t.Errorf("requests %v, want the first batch twice, then the second", got)
		}

		m = &vectors{vecs: map[string][]float32{"B": {0, 1}}, budget: 2}
		c, err = NewCloseness(m, nil, ClosenessConfig{Timeout: time.Second}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		n, err = c.Index(t.Context(), []schemas.Product{a, b}, 1, nil)
		if err != nil || n != 1 {
			t.Fatalf("a batch over budget twice: %d, %v, want only B", n, err)
		}
		if got := m.requests(); !slices.Equal(got, []int{1, 1, 1}) {
			t.Errorf("requests %v, want A twice (waited once), then B", got)
		}

		m = &vectors{vecs: map[string][]float32{"B": {0, 1}}} // A fails
		c, err = NewCloseness(m, nil, ClosenessConfig{Timeout: time.Second}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := c.Index(t.Context(), []schemas.Product{a, b}, 1, nil); err != nil || n != 1 {
			t.Fatalf("a failed batch: %d, %v, want B alone", n, err)
		}

		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := c.Index(ctx, []schemas.Product{a}, 0, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Index with its context done: %v", err)
		}
	})
}

// Run sends the interests waiting, at most Batch per request; an interest that failed is scored
// by the fallback, and asked for again only after RetryAfter.
func TestRunBatchesAndRetriesAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := schemas.Product{ID: "p", Title: "P"}
		m := &vectors{vecs: map[string][]float32{"P": {1, 0}, "c1": {1, 0}, "c2": {1, 0}, "c3": {1, 0}, "c4": {1, 0}, "c5": {1, 0}}}
		reg := prometheus.NewPedanticRegistry()
		var logs bytes.Buffer
		c, err := NewCloseness(m, zero{}, ClosenessConfig{Timeout: time.Hour, RetryAfter: time.Minute, Batch: 2},
			slog.New(slog.NewTextHandler(&logs, nil)), reg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Index(t.Context(), []schemas.Product{p}, 1, nil); err != nil {
			t.Fatal(err)
		}
		if logs.Len() != 0 {
			t.Errorf("a catalogue embedded whole logged:\n%s", logs.String())
		}
		scores := make([]float64, 5)
		var wg sync.WaitGroup
		for i, cat := range []string{"c1", "c2", "c3", "c4", "c5"} {
			wg.Go(func() { scores[i] = c.Closeness(cat, &p) })
		}
		synctest.Wait() // all five waiting on their requests
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		wg.Wait()
		if got := m.requests()[1:]; !slices.Equal(got, []int{2, 2, 1}) {
			t.Errorf("interest requests of %v, want at most 2 each", got)
		}
		for i, s := range scores {
			if s != 1 {
				t.Errorf("interest c%d scores %v, want 1", i+1, s)
			}
		}

		// "c6" is unknown: its request fails; it is not asked again within a minute.
		before := len(m.requests())
		if got := c.Closeness("c6", &p); got != 0 {
			t.Errorf("a failed interest scores %v, want the fallback's 0", got)
		}
		if !strings.Contains(logs.String(), "interest categories not embedded") {
			t.Errorf("a failed interest request was not logged:\n%s", logs.String())
		}
		if got := lookups(t, reg)[resultNoInterest]; got != 1 {
			t.Errorf("closeness_total{result=no_interest} = %v, want 1", got)
		}
		time.Sleep(time.Minute - time.Second)
		c.Closeness("c6", &p)
		if got := len(m.requests()) - before; got != 1 {
			t.Errorf("within RetryAfter the failed interest was asked for %d times, want 1", got)
		}
		m.mu.Lock()
		m.vecs["c6"] = []float32{1, 0}
		m.mu.Unlock()
		time.Sleep(time.Second)
		if got := c.Closeness("c6", &p); got != 1 {
			t.Errorf("after RetryAfter the interest scores %v, want 1 (asked again)", got)
		}
		if got := len(m.requests()) - before; got != 2 {
			t.Errorf("the failed interest was asked for %d times, want 2", got)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// lookups is adshift_embedding_closeness_total by result.
func lookups(t *testing.T, reg prometheus.Gatherer) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "adshift_embedding_closeness_total" {
			for _, m := range mf.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			}
		}
	}
	return got
}
