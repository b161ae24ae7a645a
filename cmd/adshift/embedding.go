package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/embedding"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/pipeline/modelchain/llm"
	"github.com/adshift/adshift/schemas"
)

// closeness builds the creatives' product closeness by meaning when llm.embedding_model is
// set: the catalogue is embedded now (through the cache, progress logged), and interests
// first seen at run time by a goroutine that the returned stop ends and waits for. fallback
// scores products whenever a vector is missing (nil: by category levels). Without an
// embedding model it returns nil: the stage ranks as it does without one.
func (a *app) closeness(ctx context.Context, products []schemas.Product, fallback catalog.Closeness) (catalog.Closeness, func(context.Context) error, error) {
	noop := func(context.Context) error { return nil }
	l := a.cfg.LLM
	if l.EmbeddingModel == "" {
		return nil, noop, nil
	}
	dir, err := embeddingCacheDir(l.EmbeddingCache)
	if err != nil {
		return nil, nil, err
	}
	e, err := llm.NewEmbedder(l.Config, nil)
	if err != nil {
		return nil, nil, err
	}
	guarded := embedding.NewGuarded(e, l.Chain.Breaker, modelchain.LimitConfig{Concurrency: l.Chain.Concurrency,
		RequestsPerMinute: l.Chain.RequestsPerMin, TokensPerMinute: l.Chain.TokensPerMin})
	cache, err := embedding.NewCache(embedding.NewBatched(guarded, l.EmbeddingBatch), dir, e.Model(), a.log)
	if err != nil {
		return nil, nil, fmt.Errorf("llm.embedding_cache: %w", err)
	}
	c, err := embedding.NewCloseness(cache, fallback, embedding.ClosenessConfig{Timeout: l.Timeout,
		RetryAfter: l.Chain.Breaker.OpenFor, Batch: l.EmbeddingBatch}, a.log, a.reg)
	if err != nil {
		return nil, nil, err
	}

	start, logged := time.Now(), time.Now()
	a.log.Info("embedding the catalogue", "provider", l.Provider, "model", l.EmbeddingModel, "products", len(products), "cache", dir)
	n, err := c.Index(ctx, products, l.EmbeddingBatch, func(done, total int) {
		if time.Since(logged) >= 5*time.Second {
			logged = time.Now()
			a.log.Info("embedding the catalogue", "done", done, "total", total, "elapsed", time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	st := cache.Stats()
	a.log.Info("catalogue embedded; products ranked by meaning, by category where a vector is missing", "products", n,
		"of", len(products), "cached", st.Hits, "requested", st.Misses, "corrupt_entries", st.Corrupt,
		"breaker", guarded.BreakerState(), "took", time.Since(start).Round(time.Millisecond))

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(runCtx) }()
	stop := func(ctx context.Context) error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-ctx.Done():
			return fmt.Errorf("stop embedding interests: %w", ctx.Err())
		}
	}
	return c, stop, nil
}

// embeddingCacheDir is llm.embedding_cache, or the user's cache folder's adshift/embeddings.
func embeddingCacheDir(configured string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", errors.Join(errors.New("llm.embedding_cache: not set and no user cache folder: set it"), err)
	}
	return filepath.Join(cmp.Or(base, "."), "adshift", "embeddings"), nil
}
