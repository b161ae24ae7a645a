// Package pipeline is adshift's domain: the three stages (features, creatives, outcomes) and the
// seams between them and the infrastructure that feeds them.
//
// It imports no Kafka, ClickHouse or configuration library: sources deliver Records to a Stage's
// per-partition Processor, and the Processor hands what it produced to small interfaces (Emitter,
// RowWriter) that sinks implement. A Processor is owned by one partition worker goroutine and is
// never called concurrently, so partition state needs no locks. A failed batch is offered again to
// the same Processor; the stages keep the retry protocol through a Retry, so a retry re-sends
// what the first attempt produced and applies nothing twice.
//
// A stage's New takes the names of the topics it reads and writes as Topics, beside its own
// Config: the names are configured once, in the topics section, never per stage.
package pipeline
