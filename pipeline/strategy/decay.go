package strategy

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// decayer turns the store's cumulative counts into counts that forget with a half-life, so
// the posteriors follow a drifting click-through rate instead of averaging over all time: the
// counts gained between two refreshes enter at full weight, and all the counts before decay by
// 2^(−elapsed/halfLife). With halfLife 0 it passes the cumulative counts through. The first
// refresh of a process counts everything the store knew at full weight, as it cannot tell when
// it happened. Not safe for concurrent use.
type decayer struct {
	halfLife time.Duration
	at       time.Time              // of the last refresh
	last     map[cellKey]ArmStat    // cumulative counts at the last refresh
	counts   map[cellKey]*cellCount // decayed
}

type cellKey struct{ segment, arm string }

func newDecayer(halfLife time.Duration) *decayer {
	return &decayer{halfLife: halfLife, last: map[cellKey]ArmStat{}, counts: map[cellKey]*cellCount{}}
}

// update takes the cumulative stats read at event time at and returns the decayed counts,
// ordered by segment and arm. A cell whose cumulative counts went down (the store was reset)
// starts again from its new counts.
func (d *decayer) update(stats []ArmStat, at time.Time) []cellCount {
	if d.halfLife <= 0 {
		out := make([]cellCount, 0, len(stats))
		for _, s := range stats {
			out = append(out, cellCount{segment: s.Segment, arm: s.Arm, imp: float64(s.Impressions), clk: float64(s.Clicks)})
		}
		return out
	}
	if f := d.factor(at); f < 1 {
		for _, c := range d.counts {
			c.imp, c.clk = c.imp*f, c.clk*f
		}
	}
	if at.After(d.at) {
		d.at = at
	}
	for _, s := range stats {
		k := cellKey{s.Segment, s.Arm}
		prev, ok := d.last[k]
		if ok && (s.Impressions < prev.Impressions || s.Clicks < prev.Clicks) {
			prev, ok = ArmStat{}, false
			delete(d.counts, k)
		}
		d.last[k] = s
		c := d.counts[k]
		if c == nil {
			c = &cellCount{segment: s.Segment, arm: s.Arm}
			d.counts[k] = c
		}
		c.imp += float64(s.Impressions - prev.Impressions)
		c.clk += float64(s.Clicks - prev.Clicks)
	}
	out := make([]cellCount, 0, len(d.counts))
	for _, c := range d.counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b cellCount) int {
		return cmp.Or(cmp.Compare(a.segment, b.segment), cmp.Compare(a.arm, b.arm))
	})
	return out
}

// factor is how much the counts kept decay from the last refresh to at: 1 at the first refresh
// or when at is not later.
func (d *decayer) factor(at time.Time) float64 {
	if d.at.IsZero() || !at.After(d.at) {
		return 1
	}
	return math.Exp2(-float64(at.Sub(d.at)) / float64(d.halfLife))
}
