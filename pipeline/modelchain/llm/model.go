package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/modelchain"
)

// Providers.
const (
	ProviderOpenAI    = "openai"    // any OpenAI-compatible chat completions endpoint
	ProviderOllama    = "ollama"    // Ollama's native /api/chat
	ProviderAnthropic = "anthropic" // Anthropic's messages API
	// ProviderGemini is Google's Gemini through its OpenAI-compatible endpoint, which speaks the
	// chat completions wire format with JSON mode and usage; langchaingo's native Gemini client
	// would bring gRPC and the Google Cloud SDK into the binary for the same calls.
	ProviderGemini = "gemini"
)

// Public endpoints, used when no base URL is configured.
const (
	openAIBaseURL = "https://api.openai.com/v1"
	geminiBaseURL = "https://generativelanguage.googleapis.com/v1beta/openai"
	ollamaBaseURL = "http://127.0.0.1:11434"
)

// Config says which model to call and how; it is the llm section of adshift's configuration,
// its fields named by their keys.
type Config struct {
	// Provider is one of Providers; empty means no model (the template generator writes ads).
	Provider    string  `mapstructure:"provider"`
	BaseURL     string  `mapstructure:"base_url"` // empty: the provider's public endpoint (Ollama: http://127.0.0.1:11434)
	Model       string  `mapstructure:"model"`
	APIKey      string  `mapstructure:"api_key"`
	Temperature float64 `mapstructure:"temperature"`
	MaxTokens   int     `mapstructure:"max_tokens"`
	// MaxAnswerBytes caps the response body of one completion: reading stops there and the
	// answer is rejected (modelchain.ErrAnswerTooLarge), whatever the server sends.
	MaxAnswerBytes int `mapstructure:"max_answer_bytes"`
	// Timeout bounds one request, connection to last byte, in the HTTP client itself.
	Timeout time.Duration `mapstructure:"timeout"`
	// JSONMode asks providers that have one (OpenAI-compatible response_format, Ollama format)
	// for a JSON answer. The answer is decoded strictly either way.
	JSONMode bool `mapstructure:"json_mode"`
	// LegacyMaxTokens sends max_tokens instead of max_completion_tokens to OpenAI-compatible
	// servers that predate it (older vLLM).
	LegacyMaxTokens bool `mapstructure:"legacy_max_tokens"`
	// EmbeddingModel, when set, embeds catalogue products and interest categories on the same
	// provider (openai, gemini or ollama), so products are matched to interests by meaning;
	// empty: off, products are matched by the category taxonomy alone.
	EmbeddingModel string `mapstructure:"embedding_model"`
	EmbeddingBatch int    `mapstructure:"embedding_batch"` // texts per embedding request
	// EmbeddingCache is the folder vectors are kept in, by content hash; empty: the user's
	// cache folder (os.UserCacheDir)/adshift/embeddings.
	EmbeddingCache string `mapstructure:"embedding_cache"`
}

// keylessToken is sent to OpenAI-compatible servers that need no key (vLLM, Ollama /v1):
// langchaingo refuses to start without one, and would otherwise read OPENAI_API_KEY.
const keylessToken = "none"

// Model calls one language model through langchaingo.
type Model struct {
	cfg Config
	llm llms.Model
}

var _ modelchain.Model = (*Model)(nil)

// New returns the model cfg names. client carries the requests; nil means a client with
// cfg.Timeout. Its transport is wrapped to observe HTTP statuses.
func New(cfg Config, client *http.Client) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	hc := observed(client, cfg.Timeout, int64(cfg.MaxAnswerBytes))
	var (
		m   llms.Model
		err error
	)
	switch cfg.Provider {
	case ProviderOpenAI, ProviderGemini:
		token := cmp.Or(cfg.APIKey, keylessToken) // Validate holds gemini to a key of its own
		m, err = openai.New(openai.WithModel(cfg.Model), openai.WithToken(token), openai.WithHTTPClient(hc),
			openai.WithBaseURL(baseURL(cfg)))
	case ProviderOllama:
		base := baseURL(cfg)
		if _, perr := url.Parse(base); perr != nil {
			return nil, fmt.Errorf("llm: ollama base url %q: %w", base, perr)
		}
		m, err = ollama.New(ollama.WithModel(cfg.Model), ollama.WithServerURL(base), ollama.WithHTTPClient(hc))
	case ProviderAnthropic:
		opts := []anthropic.Option{anthropic.WithModel(cfg.Model), anthropic.WithToken(cfg.APIKey), anthropic.WithHTTPClient(hc)}
		if cfg.BaseURL != "" {
			opts = append(opts, anthropic.WithBaseURL(strings.TrimSuffix(cfg.BaseURL, "/")))
		}
		m, err = anthropic.New(opts...)
	default:
		return nil, errors.New("llm: no provider named") // Validate rejects any other unknown one
	}
	if err != nil {
		return nil, fmt.Errorf("llm: %s client: %w", cfg.Provider, err)
	}
	return &Model{cfg: cfg, llm: m}, nil
}

// baseURL is the endpoint configured, or the provider's public one.
func baseURL(cfg Config) string {
	if cfg.BaseURL != "" {
		return strings.TrimSuffix(cfg.BaseURL, "/")
	}
	switch cfg.Provider {
	case ProviderGemini:
		return geminiBaseURL
	case ProviderOllama:
		return ollamaBaseURL
	}
	return openAIBaseURL
}

// Name is the model's name as configured.
func (m *Model) Name() string { return m.cfg.Model }

// Complete implements modelchain.Model: one request, a system and a user message.
func (m *Model) Complete(ctx context.Context, p creative.Prompt) (modelchain.Completion, error) {
	c := modelchain.Completion{Model: m.cfg.Model, Requests: 1}
	obs := &observation{}
	ctx = context.WithValue(ctx, observationKey{}, obs)
	msgs := []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeSystem, p.System),
		llms.TextParts(llms.ChatMessageTypeHuman, p.User),
	}
	resp, err := m.llm.GenerateContent(ctx, msgs, m.callOptions()...)
	if err != nil {
		return c, m.classify(ctx, err, obs)
	}
	if len(resp.Choices) == 0 || resp.Choices[0] == nil {
		return c, fmt.Errorf("%s: %w: no choices in the response", m.cfg.Provider, creative.ErrMalformed)
	}
	choice := resp.Choices[0]
	c.Text = choice.Content
	c.PromptTokens, c.CompletionTokens = usage(choice.GenerationInfo)
	return c, nil
}

func (m *Model) callOptions() []llms.CallOption {
	opts := []llms.CallOption{
		llms.WithModel(m.cfg.Model),
		llms.WithTemperature(m.cfg.Temperature),
		llms.WithMaxTokens(m.cfg.MaxTokens),
	}
	switch m.cfg.Provider {
	case ProviderOpenAI, ProviderGemini:
		if m.cfg.JSONMode {
			opts = append(opts, llms.WithJSONMode())
		}
		if m.cfg.LegacyMaxTokens {
			opts = append(opts, openai.WithLegacyMaxTokensField())
		}
	case ProviderOllama:
		if m.cfg.JSONMode {
			opts = append(opts, llms.WithJSONMode())
		}
	}
	return opts
}

// classify wraps err around the model chain's retryable sentinels (modelchain.ErrRateLimited …), from the HTTP status
// the transport saw, or the kind of transport failure.
func (m *Model) classify(ctx context.Context, err error, obs *observation) error {
	return classify(ctx, m.cfg.Provider+" "+m.cfg.Model, err, obs)
}

// classify is Model.classify for a request to where (provider and model).
func classify(ctx context.Context, where string, err error, obs *observation) error {
	status, after := obs.get()
	switch {
	case obs.wasTooLarge() || errors.Is(err, modelchain.ErrAnswerTooLarge):
		return fmt.Errorf("%s: %w: %w", where, modelchain.ErrAnswerTooLarge, err)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", where, errors.Join(ctx.Err(), err))
	case status == http.StatusTooManyRequests:
		return &modelchain.RetryAfterError{Err: fmt.Errorf("%s: %w (HTTP 429): %w", where, modelchain.ErrRateLimited, err), After: after}
	case status >= 500 || status == http.StatusRequestTimeout:
		return &modelchain.RetryAfterError{Err: fmt.Errorf("%s: %w (HTTP %d): %w", where, modelchain.ErrUnavailable, status, err), After: after}
	case status >= 400:
		return fmt.Errorf("%s: HTTP %d: %w", where, status, err)
	case status == 0:
		// No response: refused, reset, or the client's timeout.
		return fmt.Errorf("%s: %w: %w", where, modelchain.ErrUnavailable, err)
	}
	// A 2xx the client could not read.
	return fmt.Errorf("%s: %w: %w", where, creative.ErrMalformed, err)
}

// Token usage keys differ by provider: OpenAI, Ollama and Gemini report PromptTokens and
// CompletionTokens, Anthropic InputTokens and OutputTokens.
var (
	promptKeys     = []string{"PromptTokens", "InputTokens"}
	completionKeys = []string{"CompletionTokens", "OutputTokens"}
)

func usage(info map[string]any) (prompt, completion int) {
	return firstInt(info, promptKeys), firstInt(info, completionKeys)
}

func firstInt(info map[string]any, keys []string) int {
	for _, k := range keys {
		switch v := info[k].(type) {
		case int:
			return v
		case int32:
			return int(v)
		case int64:
			return int(v)
		case float64:
			return int(v)
		}
	}
	return 0
}
