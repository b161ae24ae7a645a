package features

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// processor owns the profiles of one clickstream partition. It is used by one goroutine at a time.
type processor struct {
	stage     *Stage
	topic     string
	partition int32
	profiles  map[string]*profile // by user key
	detector  detector

	// applied is the offset after the last record applied to the profiles, and pending what
	// those records produced that is not yet acknowledged: a retried batch re-emits pending
	// instead of applying its records twice.
	applied int64
	pending []pipeline.Record
}

var _ pipeline.Processor = (*processor)(nil)

// ErrClosed is returned by Process on a processor that was closed.
var ErrClosed = errors.New("features: processor closed")

// Process applies a batch to the partition's profiles and emits, in one Emit call, every shift
// and dead letter it produced. A failed Emit is returned, so the batch is not committed; when the
// batch comes again, records already applied are not applied twice and what they produced is
// emitted again.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.profiles == nil {
		return ErrClosed
	}
	lim := p.stage.limits()
	for i := range batch {
		if batch[i].Offset < p.applied {
			continue
		}
		rec, ok, err := p.process(&batch[i], lim)
		if err != nil {
			return err
		}
		p.applied = batch[i].Offset + 1
		if ok {
			p.pending = append(p.pending, rec)
		}
	}
	if len(p.pending) == 0 {
		return nil
	}
	if err := p.stage.out.Emit(ctx, p.pending); err != nil {
		return fmt.Errorf("emit %d records for %s partition %d: %w", len(p.pending), p.topic, p.partition, err)
	}
	p.pending = p.pending[:0]
	return nil
}

// process applies one input record and returns the record it produced, if any: a shift or a dead
// letter. An error is a bug, not bad input.
func (p *processor) process(in *pipeline.Record, lim schemas.Limits) (pipeline.Record, bool, error) {
	s := p.stage
	ev, err := schemas.DecodeEvent(in.Value, lim)
	if err != nil {
		f, ok := schemas.AsFailure(err)
		if !ok {
			return pipeline.Record{}, false, fmt.Errorf("decode %s partition %d offset %d: %w", in.Topic, in.Partition, in.Offset, err)
		}
		s.metrics.failures.WithLabelValues(string(f.Kind)).Inc()
		s.log.Debug("dead letter", "partition", in.Partition, "offset", in.Offset, "failure", f)
		return pipeline.DeadLetter(s.cfg.DLQTopic, Name, *in, f), true, nil
	}

	s.metrics.event(ev.Event)
	k, interest := s.kinds[ev.Event]
	switch {
	case ev.Type != schemas.TypeTrack:
		s.metrics.skipped[skipNotTrack].Inc()
		return pipeline.Record{}, false, nil
	case isOutcome(ev.Event):
		s.metrics.skipped[skipOutcome].Inc()
		return pipeline.Record{}, false, nil
	case !interest:
		s.metrics.skipped[skipUnknown].Inc()
		return pipeline.Record{}, false, nil
	}

	user := ev.User()
	prof := p.profiles[user]
	if prof == nil {
		prof = new(profile)
		p.profiles[user] = prof
		s.metrics.profiles.Inc()
	}
	if prof.recent.seen(ev.MessageID) {
		s.metrics.skipped[skipDup].Inc()
		return pipeline.Record{}, false, nil
	}
	newCart := prof.apply(&ev, k, s.cfg.HalfLife)
	reason, distance := p.detector.detect(prof, newCart)
	if reason == "" {
		return pipeline.Record{}, false, nil
	}
	shift := p.detector.shift(user, prof, reason, distance, s.cfg.TopK)
	value, err := json.Marshal(shift)
	if err != nil {
		return pipeline.Record{}, false, fmt.Errorf("encode shift of %s partition %d offset %d: %w", in.Topic, in.Partition, in.Offset, err)
	}
	s.metrics.shifts[reason].Inc()
	return pipeline.Record{Topic: s.cfg.ShiftsTopic, Key: []byte(user), Value: value, Timestamp: shift.EventTime}, true, nil
}

// Close releases the partition's profiles. This first version keeps no changelog, so there is
// nothing to flush.
func (p *processor) Close(ctx context.Context) error {
	p.stage.metrics.profiles.Sub(float64(len(p.profiles)))
	p.stage.log.Debug("partition closed", "topic", p.topic, "partition", p.partition, "profiles", len(p.profiles))
	p.profiles = nil
	return nil
}
