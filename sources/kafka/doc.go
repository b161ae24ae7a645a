// Package kafka is where records enter adshift: it runs a stage's consumer group, creates the
// topics the pipeline needs, and starts the embedded broker used when no brokers are configured.
//
// A Group polls on one goroutine and runs one worker goroutine per assigned partition; the worker
// owns that partition's pipeline.Processor, so processors never see concurrent calls and need no
// locks. Offsets are marked for commit only after Process returns nil (for a pipeline.Holder, only
// those below the first record it still holds, and the rest once Close returns nil), and are
// committed when partitions are revoked, periodically, and on shutdown: delivery is at least once.
//
// A Group given a Transaction (kafka.exactly_once, the features stage) is exactly once instead:
// each poll's records are handed to the workers inside one Kafka transaction, the stage produces
// through the Transaction into it, and once every batch of the poll is processed the transaction
// commits with the poll's offsets; if a batch fails or the group rebalances it aborts, the client
// goes back to the committed offsets and every processor is rebuilt from the committed changelog.
// Every consumer here reads committed records only (read_committed), and a changelog restore
// reads up to the last stable offset, so nothing an aborted transaction wrote is ever seen.
package kafka
