package pipeline

import "context"

// Stage is the work of one consumer group: the topics it reads and a Processor for every
// partition assigned to this instance.
type Stage interface {
	// Name names the stage; its consumer group is "adshift-" + Name().
	Name() string
	// Topics lists the topics the stage consumes.
	Topics() []string
	// Open returns the processor that owns one assigned partition. It runs before any record of
	// that partition is processed, so it is where partition state is restored.
	Open(ctx context.Context, topic string, partition int32) (Processor, error)
}

// Processor owns one assigned partition. Process is called with consecutive batches of that
// partition's records, never concurrently; when it returns nil, everything the batch caused is
// durable and its offsets may be committed (a Holder or Releaser says otherwise by Held). On an error the batch is not committed and the same
// batch is offered to the same processor again (with backoff) until it succeeds, so Process must
// make a retry safe: state a batch already changed must not change twice. Retry keeps that
// protocol for a processor.
type Processor interface {
	Process(ctx context.Context, batch []Record) error
	// Close flushes partition state when the partition is revoked or the stage stops.
	Close(ctx context.Context) error
}

// Holder is a Processor that keeps records in hand after Process returns: the archive fills a
// file for an hour before it publishes it. Held reports the offset of the first record not yet
// durable (ok false: none), and the source commits only the offsets below it. Once Close returns
// nil, nothing is held and everything processed may be committed.
type Holder interface {
	Processor
	Held() (offset int64, ok bool)
}

// Releaser is a Holder whose records become durable on their own, as the acknowledgements of
// what they caused arrive after Process returned: Process applies a batch and hands its output
// on, and the next batch is applied while that output is in flight. Released is signalled each
// time Held moves forward, so the source marks the offsets released without waiting for the next
// batch. A failed send surfaces as the error of a later Process (or of Close), whose retry sends
// it again; records are released in order, never past one whose output was not acknowledged.
type Releaser interface {
	Holder
	Released() <-chan struct{}
}
