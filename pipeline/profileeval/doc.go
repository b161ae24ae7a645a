// Package profileeval scores the features stage offline, for `adshift profile-eval`: it runs a
// dataset's events through one features partition of the in-memory runner (pipeline/runner),
// in the order they would arrive live, and reports how well a profile's top categories predict
// the shopper's next category against simple baselines, and how often the shifts it fires are
// confirmed by what the shopper does next against a naive trigger firing as often. An Evaluator
// is used by one goroutine.
package profileeval
