package embedding

import "context"

// Embedder turns texts into vectors, one per text, in order. Implementations are safe for
// concurrent use; failures wrap modelchain.ErrUnavailable or ErrRateLimited when asking again
// later may help.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
