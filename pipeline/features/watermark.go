package features

import (
	"slices"
)

// watermark tracks a partition's event time: max is the latest event time seen (Unix
// milliseconds), and max minus the allowed lateness is the watermark, below which events are
// late. Every hour of event time the partition sweeps its profiles for shoppers idle longer
// than the TTL. Both depend only on the events read, in partition order, so a replay or a
// restored partition sweeps and rejects exactly as the original run did.
type watermark struct {
	max       int64
	nextSweep int64 // the event time at which the next sweep is due
}

// late reports whether an event at t is older than the watermark.
func (w *watermark) late(t, lateness int64) bool {
	return w.max != 0 && t < w.max-lateness
}

// observe moves max to t if t is later, and reports whether a sweep is due.
func (w *watermark) observe(t int64) (sweep bool) {
	if t <= w.max { // t == max would change nothing either way: nextSweep is already past max
		return false
	}
	w.max = t
	if t < w.nextSweep {
		return false
	}
	w.nextSweep = (t/hourMillis + 1) * hourMillis
	return true
}

// restored sets the watermark read back from the changelog.
func (w *watermark) restored(max int64) {
	w.max = max
	w.nextSweep = (max/hourMillis + 1) * hourMillis
}

// expire drops the profiles whose last event is older than max minus the TTL, and queues a
// tombstone for each, in user order so the output does not depend on map order.
func (p *processor) expire() {
	cutoff := p.wm.max - p.stage.cfg.ProfileTTL.Milliseconds()
	p.expireMoved(cutoff)
	var gone []string
	for user, prof := range p.profiles {
		if prof.last < cutoff {
			gone = append(gone, user)
		}
	}
	if len(gone) == 0 {
		return
	}
	slices.Sort(gone)
	for _, user := range gone {
		p.predictor.release(p.profiles[user])
		delete(p.profiles, user)
		p.changes = append(p.changes, p.changelog([]byte(user), nil))
	}
	p.stage.metrics.expired.Add(float64(len(gone)))
	p.stage.metrics.profiles.Sub(float64(len(gone)))
}
