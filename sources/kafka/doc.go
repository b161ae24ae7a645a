// Package kafka is where records enter adshift: it runs a stage's consumer group, creates the
// topics the pipeline needs, and starts the embedded broker used when no brokers are configured.
//
// A Group polls on one goroutine and runs one worker goroutine per assigned partition; the worker
// owns that partition's pipeline.Processor, so processors never see concurrent calls and need no
// locks. Offsets are marked for commit only after Process returns nil (for a pipeline.Holder, only
// those below the first record it still holds, and the rest once Close returns nil), and are
// committed when partitions are revoked, periodically, and on shutdown: delivery is at least once.
package kafka
