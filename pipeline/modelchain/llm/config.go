package llm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// minAnswerBytes is the smallest answer cap that holds a provider's envelope and a short ad.
const minAnswerBytes = 1024

// maxEmbeddingBatch is the most inputs OpenAI's embeddings endpoint takes in one request.
const maxEmbeddingBatch = 2048

// Validate reports every setting of c that cannot work, each error naming its key. An empty
// provider is valid: it means no model.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if providers := []string{ProviderOpenAI, ProviderGemini, ProviderOllama, ProviderAnthropic}; c.Provider != "" && !slices.Contains(providers, c.Provider) {
		bad("provider", "%q is not one of %s (empty = template generator)", c.Provider, strings.Join(providers, ", "))
	}
	if (c.Provider == ProviderGemini || c.Provider == ProviderAnthropic) && c.APIKey == "" {
		bad("api_key", "must be set when provider is %q", c.Provider)
	}
	if c.Provider != "" && c.Model == "" {
		bad("model", "must be set when provider is %q", c.Provider)
	}
	if c.Temperature < 0 || c.Temperature > 2 {
		bad("temperature", "%v is out of range: allowed 0..2", c.Temperature)
	}
	if c.MaxTokens < 1 {
		bad("max_tokens", "%d must be at least 1", c.MaxTokens)
	}
	if c.MaxAnswerBytes < minAnswerBytes {
		bad("max_answer_bytes", "%d must be at least %d: a provider's response wraps the answer in JSON", c.MaxAnswerBytes, minAnswerBytes)
	}
	if c.EmbeddingModel != "" {
		switch c.Provider {
		case ProviderOpenAI, ProviderGemini, ProviderOllama:
		case "":
			bad("embedding_model", "%q needs a provider (openai, gemini or ollama)", c.EmbeddingModel)
		default:
			bad("embedding_model", "provider %q has no embeddings: use openai, gemini or ollama", c.Provider)
		}
		if c.EmbeddingBatch < 1 || c.EmbeddingBatch > maxEmbeddingBatch {
			bad("embedding_batch", "%d is out of range: allowed 1..%d", c.EmbeddingBatch, maxEmbeddingBatch)
		}
	}
	if c.Timeout <= 0 {
		bad("timeout", "%v must be positive", c.Timeout)
	}
	return errors.Join(errs...)
}
