package embedding

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/schemas"
)

func TestCosine(t *testing.T) {
	f := func(a, b []float32, want float64) {
		t.Helper()
		if got := Cosine(a, b); math.Abs(got-want) > 1e-6 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
	f([]float32{1, 0}, []float32{2, 0}, 1)
	f([]float32{1, 0}, []float32{0, 3}, 0)
	f([]float32{1, 1}, []float32{-1, -1}, -1)
	f([]float32{3, 4}, []float32{4, 3}, 24.0/25)
	f([]float32{0, 0}, []float32{1, 0}, 0)    // a zero vector
	f([]float32{1, 0}, []float32{1, 0, 0}, 0) // two models' vectors
	f(nil, nil, 0)
}

func TestInterestText(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := InterestText(in); got != want {
			t.Errorf("InterestText(%q) = %q, want %q", in, got, want)
		}
	}
	f("appliances.kitchen.coffee_machine", "appliances > kitchen > coffee machine")
	f("Beauty & Hygiene/Hair Care", "Beauty & Hygiene > Hair Care")
	f("美妆个护.洗发护发", "美妆个护 > 洗发护发")
	f(" a .. b ", "a > b")
	f("", "")
	if got := ProductText(&schemas.Product{Title: "Shampoo", Category: "beauty.hair_care"}); got != "Shampoo (beauty > hair care)" {
		t.Errorf("ProductText = %q", got)
	}
}

func TestVectorFileRoundTrip(t *testing.T) {
	v := []float32{1.5, -2, 0, float32(math.Pi)}
	got, ok := decodeVector(encodeVector(v))
	if !ok || !slices.Equal(got, v) {
		t.Fatalf("round trip of %v: %v, %v", v, got, ok)
	}
}

func FuzzDecodeVector(f *testing.F) {
	f.Add(encodeVector([]float32{1, 2, 3}))
	f.Add([]byte("AEV1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := decodeVector(b)
		if ok && !slices.Equal(encodeVector(v), b) {
			t.Fatalf("%x decoded to %v, which encodes differently", b, v)
		}
	})
}

// hanging is an embedding model that answers products and never answers interests: each
// interest request waits for its context, which it records.
type hanging struct {
	mu    sync.Mutex
	errs  []error
	given chan struct{} // a request given up
}

func (h *hanging) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) > 0 && texts[0] == "Shampoo (hair)" {
		return [][]float32{{1, 0}}, nil
	}
	<-ctx.Done()
	h.mu.Lock()
	h.errs = append(h.errs, ctx.Err())
	h.mu.Unlock()
	h.given <- struct{}{}
	return nil, ctx.Err()
}

// half is a fallback scoring every product 0.5.
type half struct{}

func (half) Closeness(string, *schemas.Product) float64 { return 0.5 }

func TestASlowModelNeverHoldsRankingPastTheTimeout(t *testing.T) {
	h := &hanging{given: make(chan struct{}, 8)}
	c, err := NewCloseness(h, half{}, ClosenessConfig{Timeout: 20 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := schemas.Product{ID: "s", Title: "Shampoo", Category: "hair"}
	if n, err := c.Index(context.Background(), []schemas.Product{p}, 8, nil); n != 1 || err != nil {
		t.Fatalf("Index: %d, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	for range 3 { // every product of one ranking, each past the request's deadline
		if got := c.Closeness("hair care", &p); got != 0.5 {
			t.Errorf("an interest the model never answers scores %v, want the fallback's 0.5", got)
		}
	}
	<-h.given // Run gives the request up on its own, not at shutdown
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.errs) != 1 || h.errs[0] != context.DeadlineExceeded {
		t.Errorf("the model saw %v, want one request for the interest, given up at the timeout", h.errs)
	}
}

// fixed is an embedding model answering every text with a vector of dim its bytes spread.
type fixed struct{ dim int }

func (f fixed) Embed(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, f.dim)
		for j := range len(t) {
			v[(j*31+int(t[j]))%f.dim] += float32(t[j])
		}
		out[i] = v
	}
	return out, nil
}

// BenchmarkCloseness is one product scored for an interest already embedded, at a common
// embedding size (768), as ranking calls it per candidate.
func BenchmarkCloseness(b *testing.B) {
	c, err := NewCloseness(fixed{dim: 768}, nil, ClosenessConfig{Timeout: time.Second}, nil, prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	p := schemas.Product{ID: "s", Title: "Argan oil shampoo", Category: "beauty.hair_care"}
	if _, err := c.Index(context.Background(), []schemas.Product{p}, 1, nil); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()
	if c.Closeness("Beauty & Hygiene/Hair Care", &p) == (catalog.Taxonomy{}).Closeness("Beauty & Hygiene/Hair Care", &p) {
		b.Fatal("the interest was not embedded")
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Closeness("Beauty & Hygiene/Hair Care", &p)
	}
}
