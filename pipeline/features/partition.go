package features

import (
	"context"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Partition is one features partition held in process, for the in-memory runner
// (pipeline/runner): the stage's processor, which also takes events decoded already, and the
// reads of a profile that offline evaluation scores. It is used by one goroutine at a time.
type Partition struct{ p *processor }

var _ pipeline.Processor = (*Partition)(nil)

// OpenPartition is Open, returning the partition itself.
func (s *Stage) OpenPartition(ctx context.Context, topic string, partition int32) (*Partition, error) {
	p, err := s.open(ctx, topic, partition)
	if err != nil {
		return nil, err
	}
	return &Partition{p}, nil
}

// Process implements pipeline.Processor, as the stage's processor does.
func (pt *Partition) Process(ctx context.Context, batch []pipeline.Record) error {
	return pt.p.Process(ctx, batch)
}

// Close implements pipeline.Processor, as the stage's processor does.
func (pt *Partition) Close(ctx context.Context) error { return pt.p.Close(ctx) }

// ProcessEvents is Process for events decoded already, events[i] standing for the record at
// offset+i: each is held to the decoder's checks under the stage's limits (schemas.CheckEvent)
// instead of being decoded, then applied as its record would be, with the same skipping of
// offsets applied before and the same two Emit calls. The events are not modified. A dead
// letter of an event carries no original bytes, as there are none.
func (pt *Partition) ProcessEvents(ctx context.Context, offset int64, events []schemas.Event) error {
	p := pt.p
	if err := p.ready(ctx); err != nil {
		return err
	}
	recs := make([]pipeline.Record, len(events))
	for i := range events {
		recs[i] = pipeline.Record{Topic: p.topic, Partition: p.partition, Offset: offset + int64(i),
			Key: []byte(events[i].User()), Timestamp: events[i].Timestamp}
	}
	lim := p.stage.limits()
	return p.retry.Process(ctx, recs, func(fresh []pipeline.Record) (int, error) {
		for i := range fresh {
			ev := events[fresh[i].Offset-offset] // the checks normalise it; the caller's stays as it was
			var err error
			if cerr := schemas.CheckEvent(&ev, lim); cerr != nil {
				err = p.rejected(&fresh[i], cerr)
			} else {
				err = p.apply(&fresh[i], &ev)
			}
			if err != nil {
				return i, err
			}
		}
		return len(fresh), nil
	}, p.flush)
}

// Events is how many events user's profile has applied; 0 for a shopper with none.
func (pt *Partition) Events(user string) int {
	if prof := pt.p.profiles[user]; prof != nil {
		return int(prof.events)
	}
	return 0
}

// TopCategories returns up to n of user's strongest leaf categories on horizon h, strongest
// first; none for a shopper without a profile.
func (pt *Partition) TopCategories(user string, n int, h Horizon) []string {
	prof := pt.p.profiles[user]
	if prof == nil {
		return nil
	}
	var out []string
	for _, id := range prof.topLeaves(make([]uint32, 0, n), n, h) {
		out = append(out, pt.p.names.name(id))
	}
	return out
}

// Predicted returns the interest model's top n categories for user, best first: what a shift
// of the shopper would carry now. None without a model, or for a shopper who named no category.
func (pt *Partition) Predicted(user string, n int) []string {
	prof, pr := pt.p.profiles[user], pt.p.predictor
	if prof == nil || pr == nil || prof.state == 0 {
		return nil // no model, or a shopper who never named a category
	}
	var out []string
	for _, w := range pr.predicted(nil, pr.peek(prof), &pt.p.names, n, false) {
		out = append(out, w.Name)
	}
	return out
}

// EventCategory is the leaf category an event names: its own, else its first product's,
// cleaned as a profile reads it.
func EventCategory(ev *schemas.Event) string {
	if c := cleanCategory(ev.Properties.Category); c != "" {
		return c
	}
	for _, it := range ev.Properties.Products {
		if c := cleanCategory(it.Category); c != "" {
			return c
		}
	}
	return ""
}
