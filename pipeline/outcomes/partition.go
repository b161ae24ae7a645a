package outcomes

import (
	"context"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Partition is one clickstream partition of the stage held in process, for the in-memory runner
// (pipeline/runner): the stage's processor, which also takes events decoded already. It is used
// by one goroutine at a time.
type Partition struct {
	*processor
	partition int32
}

var _ pipeline.Processor = (*Partition)(nil)

// OpenPartition is Open for partition of the clickstream, returning the partition itself.
func (s *Stage) OpenPartition(_ context.Context, partition int32) (*Partition, error) {
	return &Partition{processor: s.open(), partition: partition}, nil
}

// ProcessEvents is Process for clickstream events decoded already, events[i] standing for the
// record at offset+i: each is held to the decoder's checks (schemas.CheckEvent) instead of being
// decoded, then landed as its record would be, with the same skipping of offsets applied before
// and the same write. The events are not modified.
func (pt *Partition) ProcessEvents(ctx context.Context, offset int64, events []schemas.Event) error {
	p := pt.processor
	recs := make([]pipeline.Record, len(events))
	for i := range events {
		recs[i] = pipeline.Record{Topic: p.stage.topics.Clickstream, Partition: pt.partition, Offset: offset + int64(i)}
	}
	return p.retry.Process(ctx, recs, func(fresh []pipeline.Record) (int, error) {
		for i := range fresh {
			ev := events[fresh[i].Offset-offset] // the checks normalise it; the caller's stays as it was
			switch {
			case schemas.CheckEvent(&ev, schemas.Limits{}) != nil:
				p.tally[resultUndecodable]++
			case !isOutcome(ev.Event):
				p.tally[resultIgnored]++
			default:
				p.outcome(ev, fresh[i])
			}
			p.release(false)
		}
		p.attr.prune()
		return len(fresh), nil
	}, p.send)
}
