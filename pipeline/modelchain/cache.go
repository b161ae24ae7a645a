package modelchain

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// CacheConfig bounds the creative cache.
type CacheConfig struct {
	Size int           `mapstructure:"size"` // creatives kept; 0 disables the cache
	TTL  time.Duration `mapstructure:"ttl"`  // how long a creative is served; 0: until evicted
}

// cacheKey is what makes two requests ask for the same copy. It holds no user: the prompt
// describes a shopper only by segment and interests, so copy is shared across shoppers.
type cacheKey struct {
	product, arm, locale, segment, promptVersion, model string
}

type cacheEntry struct {
	key      cacheKey
	creative schemas.Creative
	info     schemas.GeneratorInfo
	expires  time.Time
}

// flight is a generation in progress that identical requests wait for.
type flight struct {
	done     chan struct{}
	creative schemas.Creative
	info     schemas.GeneratorInfo
	ok       bool // the result may be shared
}

// Cached is a Generator that remembers the model's creatives by (product, arm, locale,
// segment, prompt version, model), least recently used first out, each for at most TTL, and
// coalesces identical requests in flight: while one partition worker asks the model, the
// others wanting the same creative wait for its answer instead of asking again. Only creatives
// the model wrote and the guard passed are kept; template copy (a fallback during an outage) is
// never cached, so the model takes over again as soon as it is back. Hits report Kind "cache"
// and no cost. Safe for concurrent use.
type Cached struct {
	inner         creative.Generator
	cfg           CacheConfig
	promptVersion string
	model         string
	m             *modelMetrics

	mu      sync.Mutex
	order   *list.List // of *cacheEntry, most recently used first
	entries map[cacheKey]*list.Element
	flights map[cacheKey]*flight
}

var _ creative.Generator = (*Cached)(nil)

// NewCached wraps inner, whose creatives come from model with prompts of promptVersion. m may
// be nil.
func NewCached(inner creative.Generator, cfg CacheConfig, model, promptVersion string, m *modelMetrics) *Cached {
	return &Cached{inner: inner, cfg: cfg, model: model, promptVersion: promptVersion, m: m,
		order: list.New(), entries: make(map[cacheKey]*list.Element), flights: make(map[cacheKey]*flight)}
}

// Generate implements Generator.
func (c *Cached) Generate(ctx context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	if c.cfg.Size <= 0 {
		return c.inner.Generate(ctx, req)
	}
	key := cacheKey{req.Product.ID, req.Arm, creative.NormLocale(req.Locale), strategy.Segment(req.Shift.Summary), c.promptVersion, c.model}
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		ent := e.Value.(*cacheEntry)
		if c.cfg.TTL <= 0 || time.Now().Before(ent.expires) {
			c.order.MoveToFront(e)
			c.mu.Unlock()
			c.m.cacheResult("hit")
			return ent.creative, hitInfo(ent.info), nil
		}
		c.order.Remove(e)
		delete(c.entries, key)
	}
	if f, ok := c.flights[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return schemas.Creative{}, schemas.GeneratorInfo{}, ctx.Err()
		}
		if f.ok {
			c.m.cacheResult("shared")
			return f.creative, hitInfo(f.info), nil
		}
		// The model did not write it (a fallback, an error): nothing to share.
		return c.inner.Generate(ctx, req)
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()
	c.m.cacheResult("miss")

	creative, info, err := c.inner.Generate(ctx, req)
	f.creative, f.info = creative, info
	f.ok = err == nil && info.Kind == schemas.GeneratorLLM &&
		(info.Verdict == schemas.VerdictPass || info.Verdict == schemas.VerdictRegenerated)
	c.mu.Lock()
	delete(c.flights, key)
	if f.ok {
		c.store(key, creative, info)
	}
	c.mu.Unlock()
	close(f.done)
	return creative, info, err
}

// store adds an entry and evicts the least recently used beyond Size. c.mu is held.
func (c *Cached) store(key cacheKey, creative schemas.Creative, info schemas.GeneratorInfo) {
	ent := &cacheEntry{key: key, creative: creative, info: info, expires: time.Now().Add(c.cfg.TTL)}
	c.entries[key] = c.order.PushFront(ent)
	for c.order.Len() > c.cfg.Size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*cacheEntry).key)
	}
}

// Len is the number of creatives cached.
func (c *Cached) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// hitInfo is the GeneratorInfo of a creative served from the cache: who wrote it, at no cost.
func hitInfo(info schemas.GeneratorInfo) schemas.GeneratorInfo {
	return schemas.GeneratorInfo{Kind: schemas.GeneratorCache, Model: info.Model, PromptVersion: info.PromptVersion,
		Verdict: schemas.VerdictPass}
}
