package pipeline

import (
	"context"
	"time"

	"github.com/adshift/adshift/schemas"
)

// Record is one message as the domain sees it: read from a topic, or to be written to one.
// Partition and Offset are set on records read from a source. On records emitted, Offset is
// ignored and Partition is honoured only for the topics the Emitter is configured to partition
// explicitly (changelogs, which must be co-partitioned with their input); other topics are
// partitioned by key.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []schemas.Header
	Timestamp time.Time
}

// Header returns the value of the first header named key, or nil.
func (r Record) Header(key string) []byte {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

// Emitter publishes records to their topics (keyed by Record.Key) and returns only once every
// record is acknowledged by the broker, so a caller may then commit the input that caused them.
// Once Emit has returned nil it holds on to nothing: the caller may reuse the records' bytes.
type Emitter interface {
	Emit(ctx context.Context, recs []Record) error
}
