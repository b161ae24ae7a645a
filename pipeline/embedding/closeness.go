package embedding

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/schemas"
)

// ClosenessConfig bounds how long ranking waits on the embedding model.
type ClosenessConfig struct {
	// Timeout is the longest a ranking waits for the vector of an interest first seen at run
	// time (the model timeout, llm.timeout); past it the product is scored by the fallback.
	Timeout time.Duration
	// RetryAfter is how long an interest whose embedding failed is scored by the fallback
	// before it is asked for again (the breaker's open_for); default 30s.
	RetryAfter time.Duration
	// Batch is the most interests one run-time request carries; default 64.
	Batch int
}

// Closeness is a catalog.Closeness by meaning: the cosine of the interest's vector and the
// product's (ProductText), below zero taken as zero. When a fallback is given (the taxonomy),
// the score is the larger of the two, so a product of exactly the interest's category still
// scores 1; and whenever a vector is missing (a product not embedded, the model down, an
// interest still being embedded after Timeout) the score is the fallback's alone, or 0 with none.
type Closeness struct {
	emb      Embedder
	fallback catalog.Closeness
	cfg      ClosenessConfig
	log      *slog.Logger
	m        *closenessMetrics

	mu        sync.RWMutex
	products  map[string][]float32 // by product id
	interests map[string]*interest // by category as given

	requests chan *interest
}

// interest is one interest's vector, or the request for it. done is closed once vec or err
// is set.
type interest struct {
	text     string
	deadline time.Time // waiters give up at it
	done     chan struct{}
	vec      []float32
	err      error
	failedAt time.Time
}

var _ catalog.Closeness = (*Closeness)(nil)

// NewCloseness returns a Closeness asking emb (a Cache over Batched over Guarded, as
// cmd/adshift builds it) for vectors. fallback may be nil; logger and reg may be nil.
func NewCloseness(emb Embedder, fallback catalog.Closeness, cfg ClosenessConfig, logger *slog.Logger, reg prometheus.Registerer) (*Closeness, error) {
	if emb == nil {
		return nil, fmt.Errorf("embedding closeness: no embedder")
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("embedding closeness: timeout %v must be positive", cfg.Timeout)
	}
	cfg.RetryAfter = cmp.Or(cfg.RetryAfter, 30*time.Second)
	cfg.Batch = cmp.Or(cfg.Batch, 64)
	m, err := newClosenessMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("embedding closeness: register metrics: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Closeness{emb: emb, fallback: fallback, cfg: cfg, log: logger, m: m,
		products: map[string][]float32{}, interests: map[string]*interest{},
		requests: make(chan *interest, 1024)}, nil
}

// Index embeds products (by ProductText) in batches of batch, calling progress after each
// with the products done so far. A failed batch is logged and its products left to the
// fallback; Index returns how many products have vectors, and an error only when ctx ends.
func (c *Closeness) Index(ctx context.Context, products []schemas.Product, batch int, progress func(done, total int)) (int, error) {
	batch = max(batch, 1)
	indexed := 0
	for start := 0; start < len(products); start += batch {
		part := products[start:min(start+batch, len(products))]
		texts := make([]string, len(part))
		for i := range part {
			texts[i] = ProductText(&part[i])
		}
		vecs, err := c.emb.Embed(ctx, texts)
		if ctx.Err() != nil {
			return indexed, fmt.Errorf("embed the catalogue: %w", ctx.Err())
		}
		if err != nil {
			c.log.Warn("catalogue products not embedded; they are ranked by category alone",
				"products", len(part), "from", start, "err", err)
		} else {
			c.mu.Lock()
			for i := range part {
				if len(vecs[i]) > 0 {
					c.products[part[i].ID] = vecs[i]
					indexed++
				}
			}
			c.mu.Unlock()
		}
		if progress != nil {
			progress(min(start+batch, len(products)), len(products))
		}
	}
	return indexed, nil
}

// Run embeds the interests Closeness first meets at run time, in batches of those waiting,
// until ctx ends. Without Run, such interests are scored by the fallback, each after waiting
// Timeout once.
func (c *Closeness) Run(ctx context.Context) error {
	for {
		var batch []*interest
		select {
		case <-ctx.Done():
			return nil
		case in := <-c.requests:
			batch = append(batch, in)
		}
	more:
		for len(batch) < c.cfg.Batch {
			select {
			case in := <-c.requests:
				batch = append(batch, in)
			default:
				break more
			}
		}
		c.embedInterests(ctx, batch)
	}
}

func (c *Closeness) embedInterests(ctx context.Context, batch []*interest) {
	texts := make([]string, len(batch))
	for i, in := range batch {
		texts[i] = in.text
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	vecs, err := c.emb.Embed(rctx, texts)
	cancel()
	if err != nil {
		c.log.Warn("interest categories not embedded; their products are ranked by category alone",
			"interests", len(batch), "retry_after", c.cfg.RetryAfter, "err", err)
	}
	now := time.Now()
	c.mu.Lock()
	for i, in := range batch {
		if err != nil || len(vecs[i]) == 0 {
			in.err = cmp.Or(err, fmt.Errorf("empty vector"))
			in.failedAt = now
		} else {
			in.vec = vecs[i]
		}
		close(in.done)
	}
	c.mu.Unlock()
}

// Closeness implements catalog.Closeness.
func (c *Closeness) Closeness(category string, p *schemas.Product) float64 {
	fb := 0.0
	if c.fallback != nil {
		fb = c.fallback.Closeness(category, p)
	}
	c.mu.RLock()
	pv, ok := c.products[p.ID]
	c.mu.RUnlock()
	if !ok {
		c.m.result(resultNoProduct)
		return fb
	}
	iv, ok := c.interest(category)
	if !ok {
		c.m.result(resultNoInterest)
		return fb
	}
	c.m.result(resultEmbedded)
	return math.Max(fb, max(0, Cosine(iv, pv)))
}

// interest returns category's vector, asking Run for it when it is new (or failed more than
// RetryAfter ago) and waiting for it until the request's deadline.
func (c *Closeness) interest(category string) ([]float32, bool) {
	c.mu.RLock()
	in := c.interests[category]
	c.mu.RUnlock()
	if in == nil || in.retry(c.cfg.RetryAfter) {
		if in = c.request(category); in == nil {
			return nil, false
		}
	}
	select {
	case <-in.done:
	default:
		wait := time.Until(in.deadline)
		if wait <= 0 {
			return nil, false
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-in.done:
		case <-t.C:
			return nil, false
		}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return in.vec, in.err == nil
}

// retry reports whether in failed long enough ago to be asked for again. Callers hold no lock.
func (in *interest) retry(after time.Duration) bool {
	select {
	case <-in.done:
		return in.err != nil && time.Since(in.failedAt) >= after
	default:
		return false
	}
}

// request queues category for Run; nil when its queue is full.
func (c *Closeness) request(category string) *interest {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in := c.interests[category]; in != nil && !in.retry(c.cfg.RetryAfter) {
		return in // another caller asked first
	}
	in := &interest{text: InterestText(category), deadline: time.Now().Add(c.cfg.Timeout), done: make(chan struct{})}
	select {
	case c.requests <- in:
		c.interests[category] = in
		return in
	default:
		return nil
	}
}

// Results of a Closeness lookup, as counted in adshift_embedding_closeness_total{result}.
const (
	resultEmbedded   = "embedded"    // scored by the vectors
	resultNoProduct  = "no_product"  // the product has no vector: fallback
	resultNoInterest = "no_interest" // the interest has no vector (yet): fallback
)

type closenessMetrics struct {
	lookups *prometheus.CounterVec
}

func newClosenessMetrics(reg prometheus.Registerer) (*closenessMetrics, error) {
	m := &closenessMetrics{lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "adshift", Subsystem: "embedding", Name: "closeness_total",
		Help: "Products scored for an interest: embedded (by vectors), no_product or no_interest (no vector: scored by the category taxonomy).",
	}, []string{"result"})}
	r := pipeline.NewRegistration(reg)
	m.lookups = pipeline.Add(r, m.lookups)
	return m, r.Err()
}

func (m *closenessMetrics) result(r string) {
	if m != nil {
		m.lookups.WithLabelValues(r).Inc()
	}
}
