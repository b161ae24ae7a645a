package features

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/shift"
	"github.com/adshift/adshift/schemas"
)

// processor owns the profiles of one clickstream partition. It is used by one goroutine at a time.
type processor struct {
	stage     *Stage
	topic     string
	partition int32
	names     names
	profiles  map[string]*profile // by user key
	// identified holds the users whose profile took in an anonymous one since its last shift:
	// rare, so kept beside the profiles rather than in each (lost on a restart, like the reason).
	identified map[string]struct{}
	// moved holds the anonymous ids of this partition joined to a known user (identify, alias).
	moved map[string]moved
	// forgotten holds the shoppers forgotten on a deletion request: their events are skipped.
	forgotten map[string]struct{}
	wm        watermark
	closed    bool

	// retry keeps the offset applied up to (set by a restore too), so a retried batch re-emits
	// what is unacknowledged instead of applying records twice.
	retry pipeline.Retry
	// pending is what the records applied produced that is not yet acknowledged: shifts and
	// dead letters. changes are the changelog writes not yet acknowledged: dirty profiles,
	// tombstones and the progress marker.
	pending []pipeline.Record
	changes []pipeline.Record
	// marked is the progress last queued for the changelog.
	marked progress
	// outbox, when the stage keeps batches in flight (WithInFlight), sends what flush queues in
	// the background; nil: flush emits before it returns.
	outbox *pipeline.Outbox

	dirty    []string // users whose profile changed since the last changelog write
	arena    []byte   // keys and values of pending and changes; reused once all are acknowledged
	interest []shift.Entry
	// predictor is the stage's interest model as this partition uses it; nil without one.
	predictor *predictor

	ev    schemas.Event    // the event being applied, decoded into again for every record
	split schemas.Splitter // unwraps records that hold envelopes of events
	// enveloped holds the profiles the events of the envelope being applied have updated: they
	// share its offset, which must not make a profile skip the envelope's later events.
	enveloped  []*profile
	inEnvelope bool                // processEnvelope is applying the events of one record (not a header's say-so)
	shift      schemas.Shift       // the shift being encoded, its summary's arrays reused
	keep       func([]byte) string // p.keepString, made once
	strs       []byte              // the batch strings' slab: appended to, never overwritten
}

var _ pipeline.Processor = (*processor)(nil)

// ErrClosed is returned by Process on a processor that was closed.
var ErrClosed = errors.New("features: processor closed")

// Process applies a batch to the partition's profiles and makes what it caused durable before
// it returns, in two Emit calls: first every shift and dead letter, then, once those are
// acknowledged, the changelog writes (each dirty profile once, expired ones as tombstones) with
// the partition's progress marker last. The order is what makes a restore safe: a restored
// profile skips the records before its offset, so its changelog write must never land before
// what those records caused; and the marker shares the changelog partition, behind the profiles
// it vouches for. A failed Emit is returned, so the batch is not committed; when the batch comes
// again, records already applied are not applied twice and what they produced is emitted again.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := p.ready(ctx); err != nil {
		return err
	}
	return p.retry.Process(ctx, batch, p.processAll, p.flush)
}

// processAll processes records not applied before, in order, and reports how many it applied.
func (p *processor) processAll(fresh []pipeline.Record) (int, error) {
	lim := p.stage.limits()
	for i := range fresh {
		if err := p.process(&fresh[i], lim); err != nil {
			return i, err
		}
	}
	return len(fresh), nil
}

// ready reports why the processor cannot take a batch now: ctx is done, or it was closed.
func (p *processor) ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.closed {
		return ErrClosed
	}
	return nil
}

// flush makes what is pending durable, then the changelog writes and the progress marker: in
// two Emit calls before it returns, or, with an outbox, queued as one flight (see send).
func (p *processor) flush(ctx context.Context) error {
	p.queueChanges()
	if p.outbox != nil {
		return p.send(ctx)
	}
	if len(p.pending) > 0 {
		if err := p.stage.out.Emit(ctx, p.pending); err != nil {
			return fmt.Errorf("emit %d records for %s partition %d: %w", len(p.pending), p.topic, p.partition, err)
		}
		clear(p.pending)
		p.pending = p.pending[:0]
	}
	if len(p.changes) > 0 {
		if err := p.stage.out.Emit(ctx, p.changes); err != nil {
			return fmt.Errorf("emit %d changelog records for %s partition %d: %w", len(p.changes), p.topic, p.partition, err)
		}
		clear(p.changes)
		p.changes = p.changes[:0]
	}
	p.arena = p.arena[:0] // Emit holds on to nothing once it returned nil
	return nil
}

// queueChanges queues the changelog writes of the profiles changed since the last flush (each
// once, as it is now) and the partition's progress marker, if it moved.
func (p *processor) queueChanges() {
	for _, user := range p.dirty {
		prof := p.profiles[user]
		if prof == nil || !prof.dirty {
			continue // expired after it changed: its tombstone is queued already
		}
		prof.dirty = false
		// Key and value go into one arena, so a batch's changelog writes allocate nothing once
		// the arena has grown to a batch's size.
		start := len(p.arena)
		p.arena = append(p.arena, user...)
		mid := len(p.arena)
		p.arena = appendProfile(p.arena, prof, &p.names, p.predictor)
		p.changes = append(p.changes, p.changelog(p.arena[start:mid:mid], p.arena[mid:len(p.arena):len(p.arena)]))
	}
	clear(p.dirty)
	p.dirty = p.dirty[:0]
	now := progress{offset: p.retry.Applied, max: p.wm.max}
	if now != p.marked && (len(p.changes) == 0 || string(p.changes[len(p.changes)-1].Key) != progressKey) {
		start := len(p.arena)
		p.arena = appendProgress(append(p.arena, progressKey...), now)
		k := start + len(progressKey)
		p.changes = append(p.changes, p.changelog(p.arena[start:k:k], p.arena[k:len(p.arena):len(p.arena)]))
	}
	p.marked = now
}

// changelog returns the record that writes key and value to this partition of the changelog;
// a nil value is a tombstone.
func (p *processor) changelog(key, value []byte) pipeline.Record {
	return pipeline.Record{Topic: p.stage.topics.Profiles, Partition: p.partition, Key: key, Value: value}
}

// process applies one input record, queueing what it produced. An error is a bug, not bad input.
// A record the decoder rejects as an event may hold an envelope of events (a Segment batch,
// RudderStack's form): it is then applied event by event, each judged on its own.
func (p *processor) process(in *pipeline.Record, lim schemas.Limits) error {
	if in.Header(schemas.HeaderForget) != nil {
		return p.request(in)
	}
	if known := in.Header(schemas.HeaderIdentify); known != nil {
		p.identify(in, string(known))
		return nil
	}
	if p.forwarded(in) {
		return nil
	}
	if anon := in.Header(schemas.HeaderMergeFrom); anon != nil {
		return p.mergeIn(in, string(anon))
	}
	err := schemas.DecodeEventInto(&p.ev, in.Value, lim, p.keep)
	if err == nil {
		return p.apply(in, &p.ev)
	}
	if schemas.MayBeEnvelope(err) {
		env, values, serr := p.split.Split(in.Value, lim)
		switch {
		case serr != nil:
			err = serr
		case env != schemas.NoEnvelope:
			return p.processEnvelope(in, env, values, lim)
		}
	}
	return p.rejected(in, err)
}

// processEnvelope applies the events of an envelope in order: a bad one is dead-lettered alone,
// with its envelope and index in headers, the others applied.
func (p *processor) processEnvelope(in *pipeline.Record, env schemas.Envelope, values [][]byte, lim schemas.Limits) error {
	p.stage.metrics.envelopes[env].Inc()
	p.inEnvelope = true
	defer func() { clear(p.enveloped); p.enveloped, p.inEnvelope = p.enveloped[:0], false }()
	for i, v := range values {
		// The event's own bytes go with its dead letter; a merged event's live in the splitter,
		// which the next record reuses, so they are copied into the batch's arena.
		start := len(p.arena)
		p.arena = append(p.arena, v...)
		sub := *in
		sub.Value = p.arena[start:len(p.arena):len(p.arena)]
		sub.Headers = schemas.EnvelopeHeaders(slices.Clip(in.Headers), env, i)
		if err := schemas.DecodeEventInto(&p.ev, sub.Value, lim, p.keep); err != nil {
			if f, ok := schemas.AsFailure(err); ok {
				err = f.Within(env, i)
			}
			if err := p.rejected(&sub, err); err != nil {
				return err
			}
			continue
		}
		if err := p.apply(&sub, &p.ev); err != nil {
			return err
		}
	}
	return nil
}

// rejected dead-letters the record of an event that failed decoding or its checks; an error that
// is no *schemas.Failure is returned.
func (p *processor) rejected(in *pipeline.Record, err error) error {
	f, ok := schemas.AsFailure(err)
	if !ok {
		return fmt.Errorf("decode %s partition %d offset %d: %w", in.Topic, in.Partition, in.Offset, err)
	}
	p.deadLetter(in, f)
	return nil
}

// apply applies the event of one input record, decoded and checked, queueing what it produced.
func (p *processor) apply(in *pipeline.Record, ev *schemas.Event) error {
	s := p.stage
	s.metrics.event(ev.Event)
	s.metrics.rewrote(ev.Rewrites)
	k, interest := s.kinds[ev.Event]
	switch {
	case ev.Type != schemas.TypeTrack:
		s.metrics.skipped[skipNotTrack].Inc()
		return nil
	case isOutcome(ev.Event):
		s.metrics.skipped[skipOutcome].Inc()
		return nil
	case !interest:
		s.metrics.skipped[skipUnknown].Inc()
		return nil
	}
	user := ev.User()
	if s.keyed && len(in.Key) > 0 {
		user = p.keep(in.Key) // the shopper the rekey stage resolved: a known user for an anonymous id
	}
	if strings.HasPrefix(user, "\x00") {
		p.deadLetter(in, schemas.Failf(schemas.SchemaViolation, "userId", "user keys starting with NUL are reserved"))
		p.noteRewrites(ev.Rewrites)
		return nil
	}
	if p.suppressed(user, ev) {
		return nil
	}

	t := ev.Timestamp.UnixMilli()
	late := p.late(user, t)
	sweep := p.wm.observe(t)
	err := p.update(in, ev, k, user, late)
	if sweep {
		// After the event, so a shopper coming back just as the sweep runs keeps the profile.
		p.expire()
	}
	return err
}

// late reports whether an event of user at t comes too late for the profile it would go into.
// It is judged on the profile's own time: late when older than the shopper's latest event by
// more than the allowed lateness. A shopper with no profile has only the partition's time to go
// by: late when older than the partition's watermark. So a shopper's own delayed events — a
// delivery system answering in the event time of the ad it showed, while the partition has moved
// on with other shoppers — still count for their profile, as they count for the outcomes stage.
func (p *processor) late(user string, t int64) bool {
	lateness := p.stage.cfg.AllowedLateness.Milliseconds()
	if prof := p.profiles[user]; prof != nil && prof.events > 0 {
		return t < prof.last-lateness
	}
	return p.wm.late(t, lateness)
}

// update applies one interest event of user to the profiles, unless it is late, already
// applied or a repeat, and queues the shift it caused.
func (p *processor) update(in *pipeline.Record, ev *schemas.Event, k kind, user string, late bool) error {
	s := p.stage
	prof := p.profiles[user]
	if prof != nil && in.Offset < prof.offset && !slices.Contains(p.enveloped, prof) {
		return nil // applied before a crash whose progress marker never landed
	}
	if late {
		p.deadLetter(in, p.lateFailure(prof, ev.Timestamp))
		p.noteRewrites(ev.Rewrites)
		return nil
	}
	if prof == nil {
		prof = new(profile)
		p.profiles[strings.Clone(user)] = prof // user points into the batch's strings
		s.metrics.profiles.Inc()
	}
	if prof.seen(ev.MessageID) {
		s.metrics.skipped[skipDup].Inc()
		return nil
	}
	FillGroups(ev, s.model.Groups()) // products without a category: their learned group
	newCart := prof.apply(ev, k, &s.horizons, &p.names)
	prof.offset = in.Offset + 1
	if p.inEnvelope {
		p.enveloped = append(p.enveloped, prof)
	}
	if !prof.dirty {
		prof.dirty = true
		p.dirty = append(p.dirty, user)
	}

	sev := shift.Event{Now: prof.last, Events: int(prof.events), NewCart: newCart}
	if p.predictor != nil {
		// An event that names no category tells the model nothing new.
		sev.Repeat = true
		if !k.retract { // a refund takes interest back: the model has nothing to observe
			EventCategories(ev, func(cat string) {
				sev.Repeat = p.predictor.observe(p.predictor.state(prof), &p.names, p.names.id(cat))
			})
		}
	}
	if s.detector.Reads(&prof.shift, sev) {
		sev.Current = p.current(prof)
	}
	reason, distance := s.detector.Check(&prof.shift, sev)
	if reason == shift.None {
		return nil
	}
	return p.commit(in, user, prof, reason, distance, sev, ev.Rewrites)
}

// publish queues the shift of user's profile for reason at distance; ranked says the model
// ranked the profile for the detector at this event, so its ranking serves the shift. What the
// decoder rewrote of the event goes in the shift's HeaderRewritten.
func (p *processor) publish(in *pipeline.Record, user string, prof *profile, reason shift.Reason, distance float64, ranked bool, rw schemas.Rewrites) error {
	s := p.stage
	sh := &p.shift
	sh.User = user
	sh.ProfileVersion = uint64(prof.shift.Version)
	sh.Events = uint64(prof.events)
	sh.EventTime = time.UnixMilli(prof.last).UTC()
	sh.Reason = reason.String()
	sh.Distance = distance
	prof.summary(&sh.Summary, s.cfg.TopK, &p.names)
	sh.InterestModel, sh.Predicted = "", sh.Predicted[:0]
	if p.predictor != nil {
		sh.InterestModel = s.model.Version()
		fresh := ranked && s.cfg.TopK == shift.RefSize
		sh.Predicted = p.predictor.predicted(sh.Predicted, p.predictor.peek(prof), &p.names, s.cfg.TopK, fresh)
	}
	// Key and value go into the batch arena, like the changelog's.
	start := len(p.arena)
	p.arena = append(p.arena, user...)
	mid := len(p.arena)
	var err error
	if p.arena, err = schemas.AppendShift(p.arena, sh); err != nil {
		p.arena = p.arena[:start]
		return fmt.Errorf("encode shift of %s partition %d offset %d: %w", in.Topic, in.Partition, in.Offset, err)
	}
	s.metrics.shifts[sh.Reason].Inc()
	rec := pipeline.Record{
		Topic: s.topics.Shifts, Key: p.arena[start:mid:mid], Value: p.arena[mid:len(p.arena):len(p.arena)],
		Timestamp: sh.EventTime,
	}
	if rw != 0 {
		rec.Headers = []schemas.Header{{Key: schemas.HeaderRewritten, Value: rw.AppendText(nil)}}
	}
	p.pending = append(p.pending, rec)
	return nil
}

// current is the interest vector the shift detector compares for prof: the interest model's top
// predictions when the stage has a model, else the profile's short-horizon mix.
func (p *processor) current(prof *profile) []shift.Entry {
	if p.predictor != nil {
		p.interest = p.predictor.interest(p.interest[:0], p.predictor.peek(prof), &p.names, shift.RefSize)
	} else {
		p.interest = prof.interest(p.interest[:0])
	}
	return p.interest
}

// noteRewrites notes what the decoder rewrote of the event whose dead letter was queued last in
// its HeaderRewritten.
func (p *processor) noteRewrites(rw schemas.Rewrites) {
	if rw == 0 {
		return
	}
	dl := &p.pending[len(p.pending)-1]
	dl.Headers = append(dl.Headers, schemas.Header{Key: schemas.HeaderRewritten, Value: rw.AppendText(nil)})
}

// lateFailure is the failure of a late event at t: against the profile's time, or, with no
// profile, the partition's.
func (p *processor) lateFailure(prof *profile, t time.Time) *schemas.Failure {
	lateness := p.stage.cfg.AllowedLateness.Milliseconds()
	if prof != nil && prof.events > 0 {
		return schemas.Failf(schemas.LateEvent, "timestamp", "%s is older than the shopper's latest event less allowed_lateness, %s",
			t.Format(time.RFC3339Nano), time.UnixMilli(prof.last-lateness).UTC().Format(time.RFC3339Nano))
	}
	return schemas.Failf(schemas.LateEvent, "timestamp", "%s is older than the partition watermark %s",
		t.Format(time.RFC3339Nano), time.UnixMilli(p.wm.max-lateness).UTC().Format(time.RFC3339Nano))
}

func (p *processor) deadLetter(in *pipeline.Record, f *schemas.Failure) {
	s := p.stage
	if src := in.Header(schemas.HeaderSource); src != nil {
		in = fromSource(in, src)
	}
	s.metrics.failures.WithLabelValues(string(f.Kind)).Inc()
	s.log.Debug("dead letter", "partition", in.Partition, "offset", in.Offset, "failure", f)
	p.pending = append(p.pending, pipeline.DeadLetter(s.topics.DLQ, Name, *in, f))
}

// keepString returns the string of b for the event being decoded: a copy in the batch strings'
// slab, so decoding allocates only a slab every few hundred events. (Looking names up in the
// partition's table first saves no allocation and costs a map lookup per string: names are
// interned when a profile takes them.) A slab is never written again where a string points, so
// its strings are safe to hold; what is kept beyond the batch — interned names, profile keys —
// is copied out, so one string does not keep a slab alive.
func (p *processor) keepString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(p.strs)-len(p.strs) < len(b) {
		p.strs = make([]byte, 0, max(slabSize, len(b)))
	}
	start := len(p.strs)
	p.strs = append(p.strs, b...)
	return unsafe.String(&p.strs[start], len(b))
}

// slabSize is how many bytes of strings one allocation holds: a few hundred events' ids.
const slabSize = 16 << 10

// Close flushes what the partition still owes the changelog (nothing, after a successful
// Process), waits until every flight in the outbox is acknowledged, and releases its profiles.
// The processor cannot be used afterwards.
func (p *processor) Close(ctx context.Context) error {
	if p.closed {
		return nil
	}
	err := p.flush(ctx)
	if p.outbox != nil {
		if derr := p.outbox.Drain(ctx); derr != nil && err == nil {
			err = fmt.Errorf("emit for %s partition %d: %w", p.topic, p.partition, derr)
		}
	}
	p.closed = true
	p.stage.metrics.profiles.Sub(float64(len(p.profiles)))
	p.stage.log.Debug("partition closed", "topic", p.topic, "partition", p.partition, "profiles", len(p.profiles))
	p.profiles = nil
	if err != nil {
		return fmt.Errorf("flush %s partition %d on close: %w", p.topic, p.partition, err)
	}
	return nil
}

// restore reads the partition's profiles and progress back from the changelog. Values that do
// not decode are skipped and counted: one lost profile is better than a partition that never opens.
func (p *processor) restore(ctx context.Context) error {
	s := p.stage
	start := time.Now()
	var restored, corrupt int
	err := s.changelog.Restore(ctx, p.partition, func(key, value []byte) error {
		if p.restoreMoved(key, value) || p.restoreForgotten(key, value) {
			return nil
		}
		if string(key) == progressKey {
			pr, err := decodeProgress(value)
			if err != nil {
				corrupt++
				return nil
			}
			p.marked = pr
			return nil
		}
		if value == nil {
			p.predictor.release(p.profiles[string(key)])
			delete(p.profiles, string(key))
			return nil
		}
		prof, err := decodeProfile(value, &p.names, p.predictor)
		if err != nil {
			corrupt++
			s.log.Warn("skipping a changelog value that does not decode", "partition", p.partition, "user", string(key), "err", err)
			return nil
		}
		p.predictor.release(p.profiles[string(key)]) // an older value of the same key
		p.profiles[string(key)] = prof
		restored++
		return nil
	})
	if err != nil {
		return fmt.Errorf("restore %s partition %d from %s: %w", p.topic, p.partition, s.topics.Profiles, err)
	}
	p.retry.Applied = p.marked.offset
	p.wm.restored(p.marked.max)
	s.metrics.restored.Add(float64(len(p.profiles)))
	s.metrics.corrupt.Add(float64(corrupt))
	s.metrics.profiles.Add(float64(len(p.profiles)))
	s.log.Info("partition restored", "topic", p.topic, "partition", p.partition, "profiles", len(p.profiles),
		"records", restored, "corrupt", corrupt, "from_offset", p.retry.Applied, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
