// Package runner runs adshift's stages in memory, with no Kafka: one partition of the features
// stage, and, when configured, one of the creatives stage fed with the shifts it publishes and
// the outcomes stage fed with the ads and with outcome events. It is the one in-process pipeline
// behind `adshift profile-eval` (pipeline/profileeval), `adshift creative preview` and
// `adshift simulate` (pipeline/simulation).
//
// Events go in decoded, as dataset readers give them: the features partition holds them to the
// decoder's checks and applies them without encoding them to JSON and decoding them again
// (features.Partition.ProcessEvents). What the stages publish travels between them as the
// records a Kafka topic would carry, so each stage runs its production code path. A Runner is
// used by one goroutine.
package runner
