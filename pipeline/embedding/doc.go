// Package embedding matches catalogue products to shoppers' interests by meaning, with vectors
// from a language model's embeddings (llm.embedding_model; pipeline/modelchain/llm adapts
// langchaingo's to the Embedder here). It sits beside the creatives stage: cmd/adshift embeds
// the catalogue once at start and hands the stage a Closeness, which scores a product for an
// interest by the cosine of the interest's vector and the product's (title and category path).
// So a product of a category the clickstream never named, or named in another taxonomy or
// locale ("Beauty & Hygiene/Hair Care", "美妆个护.洗发护发"), still scores for the interest
// that means it.
//
// The request path is Cache → Batched → Guarded → the model: vectors are kept on disk by a
// hash of model and text, so a restart asks for nothing already known; requests carry at most
// llm.embedding_batch texts; and every request goes through a modelchain.Breaker and
// modelchain.Limiter configured as the chat model's, so an embedding outage opens a breaker
// and ranking falls back to the taxonomy instead of failing the stage.
//
// Concurrency: every type is safe for concurrent use. Closeness embeds interests first seen at
// run time on its own goroutine (Run, owned by the caller); a ranking waits for such an
// interest at most the configured timeout, then scores by the fallback.
package embedding
