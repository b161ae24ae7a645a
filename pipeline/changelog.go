package pipeline

import "context"

// Changelog reads back the compacted changelog a stage writes its partition state to. Records
// are written through the Emitter like any other output, into the changelog partition with the
// same number as the input partition they came from (co-partitioning), so one partition's state
// is one changelog partition.
type Changelog interface {
	// Restore calls fn with every record of the changelog partition, oldest first, from the
	// start of the partition up to its end at the time of the call. A nil value is a tombstone:
	// the key's state was deleted. An error from fn stops the restore and is returned.
	Restore(ctx context.Context, partition int32, fn func(key, value []byte) error) error
}
