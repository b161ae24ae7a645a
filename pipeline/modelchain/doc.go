// Package modelchain is the chain of small decorators around a language model that the
// creatives stage writes copy with. A Model (pipeline/modelchain/llm adapts langchaingo's
// providers to it) sends one request per Complete; NewChain builds
//
//	Cached → Guarded(Writer → Breaker → Retrying → Limiter → model, fallback)
//
// a cache with in-flight coalescing, the guard with one regeneration and the template fallback,
// a circuit breaker, bounded jittered retries, and one shared concurrency limit with per-minute
// request and token budgets. The Writer renders the prompt and decodes the answer with
// pipeline/creative, which owns what copy is and the rules it is held to; this package owns how
// a model is asked, paced and replaced when it fails. The chain's metrics are registered once,
// by NewChain.
//
// Concurrency: every decorator locks what it shares and is safe for concurrent use. Build one
// chain per process: every partition worker shares it, so the limits and the cache hold across
// them.
package modelchain
