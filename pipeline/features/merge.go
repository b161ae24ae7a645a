package features

import (
	"slices"
	"strconv"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/shift"
	"github.com/adshift/adshift/schemas"
)

// merge adds the interest of src, another profile of the same shopper interned in the same
// names, into p. Both are brought to the later of their event times, so the merged weights are
// what one profile that had seen both shoppers' events would hold (up to the bounds). Counts
// add up, the intent stage is the further one; the interest model's state of src is not carried.
func (p *profile) merge(src *profile, h *horizons) {
	if src.events == 0 {
		return
	}
	t := max(p.last, src.last)
	p.advance(t, h)
	fs, fl := float32(1), float32(1)
	if src.last < t {
		fs, fl = h.factors(t - src.last)
	}
	for _, c := range src.cats[:src.nCats] {
		i := addSlot(p.cats[:], &p.nCats, c.nameID(), c.short*fs, c.long*fl)
		if c.leaf() {
			p.cats[i].id |= leafBit
		}
	}
	for _, b := range src.brands[:src.nBrands] {
		addSlot(p.brands[:], &p.nBrands, b.id, b.short*fs, b.long*fl)
	}
	if p.nPrices == 0 && src.nPrices > 0 {
		p.currency = src.currency
	}
	if src.currency == p.currency { // buckets of another currency do not compare
		for _, b := range src.prices[:src.nPrices] {
			addSlot(p.prices[:], &p.nPrices, b.id, b.short*fs, b.long*fl)
		}
	}
	for _, c := range src.carted[:src.nCarted] {
		p.addCart(c)
	}
	if p.locale == 0 || src.last > p.last {
		p.locale = max(p.locale, src.locale)
	}
	p.events += src.events
	p.stage = max(p.stage, src.stage)
	p.last = t
}

// identify handles a record the rekey stage forwarded keyed by an anonymous id, naming in
// HeaderIdentify the known user it joined: the id is marked moved (see move), and the anonymous
// profile, if this partition holds one, leaves for the known user's partition as a merge record
// on the keyed topic, and a tombstone deletes it here. The merge is queued like a shift, before
// the changelog writes.
func (p *processor) identify(in *pipeline.Record, known string) {
	anon := string(in.Key)
	if anon == known {
		return
	}
	p.move(anon, known)
	prof := p.profiles[anon]
	if prof == nil || in.Offset < prof.offset {
		return // nothing learned under that id here, or applied before a crash
	}
	s := p.stage
	start := len(p.arena)
	p.arena = append(p.arena, known...)
	mid := len(p.arena)
	p.arena = appendProfile(p.arena, prof, &p.names, p.predictor)
	end := len(p.arena)
	p.arena = append(p.arena, anon...)
	p.pending = append(p.pending, pipeline.Record{
		Topic: s.topics.Keyed, Key: p.arena[start:mid:mid], Value: p.arena[mid:end:end],
		Headers:   []schemas.Header{{Key: schemas.HeaderMergeFrom, Value: p.arena[end:len(p.arena):len(p.arena)]}},
		Timestamp: in.Timestamp,
	})
	p.predictor.release(prof)
	delete(p.profiles, anon)
	p.changes = append(p.changes, p.changelog([]byte(anon), nil))
	s.metrics.merges.WithLabelValues("sent").Inc()
	s.metrics.profiles.Dec()
}

// mergeIn merges the anonymous profile a merge record carries into the profile of its key, the
// known user, and publishes the shift that follows with reason identified: now, when the merged
// profile has the events a first profile needs, else at the user's next shift. A merge seen
// before (a redelivery) is skipped: its id is among the profile's recent ones.
func (p *processor) mergeIn(in *pipeline.Record, anon string) error {
	s := p.stage
	user := string(in.Key)
	src, err := decodeProfile(in.Value, &p.names, nil)
	if err != nil {
		f := schemas.Failf(schemas.SchemaViolation, "", "merge of %q: %v", anon, err)
		p.deadLetter(in, f)
		return nil
	}
	if _, gone := p.forgotten[user]; gone {
		s.metrics.skipped[skipForgotten].Inc() // the anonymous profile is tombstoned where it was
		return nil
	}
	prof := p.profiles[user]
	if prof != nil && in.Offset < prof.offset {
		return nil
	}
	if prof == nil {
		prof = new(profile)
		p.profiles[user] = prof
		s.metrics.profiles.Inc()
	}
	if prof.seen("\x00merge\x00" + anon + "\x00" + strconv.FormatInt(src.offset, 10)) {
		s.metrics.skipped[skipDup].Inc()
		return nil
	}
	prof.merge(src, &s.horizons)
	prof.offset = in.Offset + 1
	if p.identified == nil {
		p.identified = map[string]struct{}{}
	}
	p.identified[user] = struct{}{}
	if !prof.dirty {
		prof.dirty = true
		p.dirty = append(p.dirty, user)
	}
	s.metrics.merges.WithLabelValues("received").Inc()
	if int(prof.events) < s.cfg.Shift.MinEvents {
		return nil
	}
	sev := shift.Event{Now: prof.last, Events: int(prof.events)}
	sev.Current = p.current(prof)
	return p.commit(in, user, prof, shift.Identified, 0, sev, 0)
}

// commit records a shift of prof for reason and queues it; the reason is identified instead
// when the profile took in an anonymous one since its last shift.
func (p *processor) commit(in *pipeline.Record, user string, prof *profile, reason shift.Reason, distance float64, sev shift.Event, rw schemas.Rewrites) error {
	if _, ok := p.identified[user]; ok {
		reason = shift.Identified
		delete(p.identified, user)
	}
	p.stage.detector.Commit(&prof.shift, reason, sev)
	return p.publish(in, user, prof, reason, distance, sev.Current != nil, rw)
}

// fromSource returns in as the rekey stage read it: at the clickstream topic, partition and
// offset its HeaderSource names, without that header, so a dead letter points at the record the
// tracker wrote.
func fromSource(in *pipeline.Record, src []byte) *pipeline.Record {
	topic, part, off, ok := schemas.ParseSource(src)
	if !ok {
		return in
	}
	out := *in
	out.Topic, out.Partition, out.Offset = topic, part, off
	out.Headers = slices.DeleteFunc(slices.Clone(in.Headers), func(h schemas.Header) bool { return h.Key == schemas.HeaderSource })
	return &out
}
