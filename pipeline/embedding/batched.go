package embedding

import (
	"context"
	"fmt"
)

// Batched is an Embedder that sends at most Size texts per request to its inner Embedder, one
// request after another, and fails as soon as one does.
type Batched struct {
	inner Embedder
	size  int
}

var _ Embedder = (*Batched)(nil)

// NewBatched wraps inner; size below 1 means one text per request.
func NewBatched(inner Embedder, size int) *Batched {
	return &Batched{inner: inner, size: max(size, 1)}
}

// Embed implements Embedder.
func (b *Batched) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += b.size {
		batch := texts[start:min(start+b.size, len(texts))]
		vecs, err := b.inner.Embed(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("embed texts %d..%d of %d: %w", start, start+len(batch)-1, len(texts), err)
		}
		if len(vecs) != len(batch) {
			return nil, fmt.Errorf("embed texts %d..%d of %d: %d vectors for %d texts", start, start+len(batch)-1, len(texts), len(vecs), len(batch))
		}
		out = append(out, vecs...)
	}
	return out, nil
}
