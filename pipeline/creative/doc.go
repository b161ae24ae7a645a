// Package creative is the creatives stage: it reads profile shifts from adshift.shifts, picks a
// catalogue product the shopper now wants, assigns a strategy arm (or the persistent holdout),
// has a Generator write the copy, holds every creative to the Guard, and publishes the Ad on
// ads.ready, keyed by user.
//
// Generators compose. The template generator writes grounded copy with no model. With a language
// model (a Model, see pipeline/creative/llm) NewChain builds
// Cached → Guarded(Writer → Breaker → Retrying → Limiter → model, template): a cache with
// in-flight coalescing, the guard with one regeneration and the template fallback, a circuit
// breaker, bounded jittered retries, and one shared concurrency limit with per-minute request
// and token budgets. Whatever writes the copy, the stage checks it once more before publishing.
//
// Concurrency: Catalog, Template, Guard, Prompts and Assigner are immutable once built; the
// chain's decorators lock what they share; all are safe for concurrent use, and one chain is
// shared by every partition worker. The Stage hands each assigned partition its own processor,
// which owns that partition's state (the products recently advertised per user, and the records
// of a batch not yet acknowledged, which a retry emits again) and is never called concurrently,
// so it needs no locks.
package creative
