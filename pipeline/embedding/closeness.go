package embedding

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/modelchain"
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
// interest still being embedded after Timeout) the score is the fallback's alone. With no
// fallback given, the fallback is the share of category levels the two paths have in common.
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
// cmd/adshift builds it) for vectors. fallback may be nil (catalog.Taxonomy); logger and reg
// may be nil.
func NewCloseness(emb Embedder, fallback catalog.Closeness, cfg ClosenessConfig, logger *slog.Logger, reg prometheus.Registerer) (*Closeness, error) {
	if emb == nil {
		return nil, fmt.Errorf("embedding closeness: no embedder")
	}
	if cfg.Timeout <= 0 {
		return nil, fmt.Errorf("embedding closeness: timeout %v must be positive", cfg.Timeout)
	}
	if fallback == nil {
		fallback = catalog.Taxonomy{}
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
// with the products done so far. A batch over the minute's budget (modelchain.ErrBudget)
// waits for the next minute, once; any other failed batch is left to the fallback, and the
// failures are logged once, at the end. Index returns how many products have vectors, and an
// error only when ctx ends.
func (c *Closeness) Index(ctx context.Context, products []schemas.Product, batch int, progress func(done, total int)) (int, error) {
	batch = max(batch, 1)
	indexed, failed := 0, 0
	var lastErr error
	waited := false // for this batch: a batch over budget in a fresh minute never fits
	for start := 0; start < len(products); {
		part := products[start:min(start+batch, len(products))]
		texts := make([]string, len(part))
		for i := range part {
			texts[i] = ProductText(&part[i])
		}
		vecs, err := c.emb.Embed(ctx, texts)
		if ctx.Err() != nil {
			return indexed, fmt.Errorf("embed the catalogue: %w", ctx.Err())
		}
		if errors.Is(err, modelchain.ErrBudget) && !waited {
			waited = true
			next := time.Now().Truncate(time.Minute).Add(time.Minute)
			c.log.Info("embedding budget for this minute spent; the catalogue continues next minute", "done", start, "total", len(products))
			t := time.NewTimer(time.Until(next))
			select {
			case <-ctx.Done():
				t.Stop()
				return indexed, fmt.Errorf("embed the catalogue: %w", ctx.Err())
			case <-t.C:
			}
			continue
		}
		if err != nil {
			failed += len(part)
			lastErr = err
			c.log.Debug("catalogue products not embedded", "products", len(part), "from", start, "err", err)
		} else {
			c.mu.Lock()
			for i := range part {
				if u := unit(vecs[i]); u != nil {
					c.products[part[i].ID] = u
					indexed++
				}
			}
			c.mu.Unlock()
		}
		start += len(part)
		waited = false
		if progress != nil {
			progress(start, len(products))
		}
	}
	if failed > 0 {
		c.log.Warn("catalogue products not embedded; they are ranked by category alone", "products", failed,
			"of", len(products), "err", lastErr)
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
		var u []float32
		if err == nil {
			u = unit(vecs[i])
		}
		if u == nil {
			in.err = cmp.Or(err, errors.New("empty vector"))
			in.failedAt = now
		} else {
			in.vec = u
		}
		close(in.done)
	}
	c.mu.Unlock()
}

// Closeness implements catalog.Closeness.
func (c *Closeness) Closeness(category string, p *schemas.Product) float64 {
	fb := c.fallback.Closeness(category, p)
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
	return math.Max(fb, max(0, dot(iv, pv))) // both of length 1: the cosine
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
