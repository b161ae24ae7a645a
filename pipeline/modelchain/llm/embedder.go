package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// Embedder turns texts into vectors with cfg.EmbeddingModel through langchaingo's embeddings,
// on the configured provider: POST {base}/embeddings for OpenAI-compatible endpoints (one
// request per call, every text in its input array), Ollama's POST /api/embed (langchaingo
// sends one request per text). Failures are classified as Model's are (modelchain.ErrUnavailable,
// ErrRateLimited), so the breaker and the limiter of pipeline/modelchain treat an embedding
// outage as a chat one. Batching, the cache and the breaker are pipeline/embedding's; Embed
// sends what it is given. Safe for concurrent use.
type Embedder struct {
	cfg Config
	emb embeddings.Embedder
}

// oneBatch is a batch size no call reaches, so langchaingo never splits a call.
const oneBatch = 1 << 20

// NewEmbedder returns the embedder cfg names (provider, base URL, key, embedding_model,
// timeout). client carries the requests; nil means a client with cfg.Timeout.
func NewEmbedder(cfg Config, client *http.Client) (*Embedder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	if cfg.EmbeddingModel == "" {
		return nil, errors.New("llm: embedding_model: not set")
	}
	hc := observed(client, cfg.Timeout, 0) // vectors are large by nature; the answer cap is for copy
	var (
		c   embeddings.EmbedderClient
		err error
	)
	switch cfg.Provider {
	case ProviderOpenAI, ProviderGemini:
		c, err = openai.New(openai.WithModel(cmp.Or(cfg.Model, cfg.EmbeddingModel)), openai.WithEmbeddingModel(cfg.EmbeddingModel),
			openai.WithToken(cmp.Or(cfg.APIKey, keylessToken)), openai.WithHTTPClient(hc), openai.WithBaseURL(baseURL(cfg)))
	case ProviderOllama:
		base := baseURL(cfg)
		if _, perr := url.Parse(base); perr != nil {
			return nil, fmt.Errorf("llm: ollama base url %q: %w", base, perr)
		}
		c, err = ollama.New(ollama.WithModel(cfg.EmbeddingModel), ollama.WithServerURL(base), ollama.WithHTTPClient(hc))
	default:
		return nil, fmt.Errorf("llm: embedding_model: provider %q has no embeddings (openai, gemini or ollama)", cfg.Provider)
	}
	if err != nil {
		return nil, fmt.Errorf("llm: %s embeddings client: %w", cfg.Provider, err)
	}
	// Batching is the caller's (pipeline/embedding, by embedding_batch): one call, one batch.
	e, err := embeddings.NewEmbedder(c, embeddings.WithBatchSize(oneBatch))
	if err != nil {
		return nil, fmt.Errorf("llm: embedder: %w", err)
	}
	return &Embedder{cfg: cfg, emb: e}, nil
}

// Model is the embedding model's name as configured.
func (e *Embedder) Model() string { return e.cfg.EmbeddingModel }

// Embed returns one vector per text, in order.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	obs := &observation{}
	ctx = context.WithValue(ctx, observationKey{}, obs)
	// langchaingo strips newlines in place: it gets a copy.
	vecs, err := e.emb.EmbedDocuments(ctx, append([]string(nil), texts...))
	where := e.cfg.Provider + " " + e.cfg.EmbeddingModel
	if err != nil {
		return nil, classify(ctx, where, err, obs)
	}
	if len(vecs) != len(texts) {
		return nil, fmt.Errorf("%s: %d vectors for %d texts", where, len(vecs), len(texts))
	}
	return vecs, nil
}
