package dataset

import (
	"context"
	"time"
)

// DefaultMaxGap is the longest a Pacer waits between two events unless told otherwise.
const DefaultMaxGap = 5 * time.Second

// Pacer spaces a replay out in wall time so that events arrive with their event-time gaps divided
// by the speed factor. It keeps to a schedule anchored at the first event rather than sleeping
// gap after gap, so time spent producing does not add up to drift. Two things cut the schedule
// short: a gap that would take longer than the max gap (a tracking outage in the data) waits only
// the max gap, and a replay that has fallen behind by more than the max gap (a stalled producer)
// restarts its schedule from now instead of bursting to catch up. Events older than the newest
// seen so far go out at once.
type Pacer struct {
	speed       Speed
	maxGap      time.Duration
	started     bool
	wallAnchor  time.Time // the wall time at which eventAnchor is due
	eventAnchor time.Time
	last        time.Time // the newest event time seen
}

// NewPacer returns a Pacer for speed; maxGap <= 0 means DefaultMaxGap.
func NewPacer(speed Speed, maxGap time.Duration) *Pacer {
	if maxGap <= 0 {
		maxGap = DefaultMaxGap
	}
	return &Pacer{speed: speed, maxGap: maxGap}
}

// Delay returns how long after now the event at eventTime is due, and records it as sent.
func (p *Pacer) Delay(now, eventTime time.Time) time.Duration {
	if p.speed.Max() {
		return 0
	}
	if !p.started {
		p.started = true
		p.anchor(now, eventTime)
		return 0
	}
	if eventTime.Before(p.last) {
		return 0
	}
	if p.scale(eventTime.Sub(p.last)) > p.maxGap {
		p.anchor(p.due(p.last).Add(p.maxGap), eventTime)
	}
	p.last = eventTime
	d := p.due(eventTime).Sub(now)
	if d < -p.maxGap {
		p.anchor(now, eventTime)
		return 0
	}
	return max(d, 0)
}

// Wait blocks until the event at eventTime is due, or ctx is done.
func (p *Pacer) Wait(ctx context.Context, eventTime time.Time) error {
	d := p.Delay(time.Now(), eventTime)
	if d == 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *Pacer) anchor(wall, event time.Time) {
	p.wallAnchor, p.eventAnchor, p.last = wall, event, event
}

func (p *Pacer) due(eventTime time.Time) time.Time {
	return p.wallAnchor.Add(p.scale(eventTime.Sub(p.eventAnchor)))
}

func (p *Pacer) scale(gap time.Duration) time.Duration {
	return time.Duration(float64(gap) / p.speed.Factor)
}
