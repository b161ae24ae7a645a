package features

import (
	"context"
	"fmt"

	"github.com/adshift/adshift/pipeline"
)

// DefaultInFlight is the window of batches a partition keeps in flight under WithInFlight: enough
// to apply batches while the previous ones wait on their acknowledgements, few enough that a
// broker outage holds little in memory.
const DefaultInFlight = 4

// WithInFlight makes Process return once a batch is applied and its output queued, with up to n
// batches' output in flight per partition, sent in order in the background; the processors are
// then pipeline.Releasers, releasing each batch's offsets once its shifts, dead letters and
// changelog writes are acknowledged. For a source that commits by Held, as the Kafka group does;
// without it (n < 1) Process returns only once everything the batch caused is acknowledged.
func WithInFlight(n int) Option {
	return func(s *Stage) { s.inFlight = n }
}

var _ pipeline.Releaser = (*processor)(nil)

// send queues what flush gathered as one flight: the shifts and dead letters first, then the
// changelog writes and the progress marker, once those are acknowledged. It returns once the
// window has room; an earlier flight's failure is returned here (its retry sends it again).
func (p *processor) send(ctx context.Context) error {
	var f *pipeline.Flight
	if len(p.pending)+len(p.changes) > 0 {
		f = p.outbox.Flight()
		f.Output, p.pending = p.pending, f.Output
		f.Changes, p.changes = p.changes, f.Changes
		f.Arena, p.arena = p.arena, f.Arena
		f.End = p.retry.Applied
	}
	if err := p.outbox.Send(ctx, f); err != nil {
		return fmt.Errorf("emit for %s partition %d: %w", p.topic, p.partition, err)
	}
	return nil
}

// Held reports the first offset whose output is not yet acknowledged, if any.
func (p *processor) Held() (int64, bool) {
	if p.outbox == nil {
		return 0, false
	}
	return p.outbox.Durable()
}

// Released is signalled as flights are acknowledged; nil (never) without an outbox.
func (p *processor) Released() <-chan struct{} {
	if p.outbox == nil {
		return nil
	}
	return p.outbox.Released()
}
