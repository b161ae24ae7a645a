// Package llm is adshift's one adapter over langchaingo: it turns a creative.Prompt into a
// request to a language model of any provider langchaingo speaks — an OpenAI-compatible endpoint
// (OpenAI, vLLM, Ollama /v1, DeepSeek, Qwen), Ollama's native API, or Anthropic — and the answer
// into a modelchain.Completion with its token usage. It sends exactly one request per Complete;
// retries, budgets, the breaker and the guard are the decorators of
// pipeline/modelchain.
//
// It covers langchaingo's sharp edges: the HTTP client always has a timeout (langchaingo's
// default has none); HTTP statuses are observed on the wire by a RoundTripper, so rate limits
// (429, with Retry-After) and outages (5xx, timeouts, refused connections) are classified
// without parsing error strings; token usage is read under each provider's GenerationInfo keys;
// the OpenAI client's max_completion_tokens can be swapped for the legacy max_tokens older vLLM
// servers want; and API keys and base URLs are always passed explicitly, so OPENAI_API_KEY,
// OLLAMA_HOST and friends in the environment never redirect a request.
//
// A Model is safe for concurrent use.
package llm
