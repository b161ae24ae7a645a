package shift

import (
	"errors"
	"fmt"
	"time"
)

// Config holds the detector's knobs. Durations are in event time.
type Config struct {
	// MinEvents is how many interest events a shopper needs before the first profile.
	MinEvents int `mapstructure:"min_events"`
	// Threshold is the distance from the mix at the last shift above which an event counts as
	// evidence of a new interest.
	Threshold float64 `mapstructure:"threshold"`
	// Hysteresis widens the threshold into a band: evidence gathered above Threshold is kept
	// while the distance stays above Threshold-Hysteresis and reset only below it, so a
	// distance wobbling around the threshold neither fires on noise nor loses real evidence.
	Hysteresis float64 `mapstructure:"hysteresis"`
	// MinEvidence is how many interest events in a row must support a new interest before it
	// fires, with the same id leading the current mix: one stray view, or a shopper skimming a
	// different category at every click, is not a new interest.
	MinEvidence int `mapstructure:"min_evidence"`
	// Cooldown is the least event time between a shift and a following new_interest shift.
	Cooldown time.Duration `mapstructure:"cooldown"`
	// DailyCap bounds the shifts after the first profile per shopper per UTC day of event time.
	DailyCap int `mapstructure:"daily_cap"`
}

// DefaultConfig returns the defaults: a first profile after 3 interest events; new interest
// once 3 events in a row, led by the same category, sit at a distance of 0.6 or more from the
// last shift's mix (evidence kept down to 0.5), at least 10 minutes after the last shift; at
// most 6 shifts a day.
func DefaultConfig() Config {
	return Config{
		MinEvents:   3,
		Threshold:   0.6,
		Hysteresis:  0.1,
		MinEvidence: 3,
		Cooldown:    10 * time.Minute,
		DailyCap:    6,
	}
}

// Validate reports every setting that cannot work, naming its key.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.MinEvents >= 1, "min_events: %d is below 1", c.MinEvents)
	check(c.Threshold > 0 && c.Threshold <= 1, "threshold: %v is outside (0, 1]", c.Threshold)
	check(c.Hysteresis >= 0 && c.Hysteresis < c.Threshold, "hysteresis: %v is outside [0, threshold)", c.Hysteresis)
	check(c.MinEvidence >= 1 && c.MinEvidence <= 255, "min_evidence: %d is outside 1..255", c.MinEvidence)
	check(c.Cooldown >= 0, "cooldown: %v is negative", c.Cooldown)
	check(c.DailyCap >= 1 && c.DailyCap <= 255, "daily_cap: %d is outside 1..255", c.DailyCap)
	return errors.Join(errs...)
}

// State is one shopper's detector state, kept inside the profile and written to its changelog.
type State struct {
	At       int64  // event time of the last shift, Unix milliseconds
	Version  uint32 // shifts so far: the profile version
	Lead     uint32 // the id leading the current mix while evidence gathers
	Day      uint16 // UTC day (days since 1970-01-01) that DayCount counts
	DayCount uint8  // shifts after the first profile on Day
	Evidence uint8  // interest events in a row supporting a new interest
	// Settled says the mix was last read, past the cooldown and the cap, after the latest
	// event that could move it, and gave no evidence: a Repeat can change nothing then.
	Settled bool
	N       uint8 // entries in Ref
	Ref     [RefSize]Entry
}

// Detector applies the shift rules of a Config.
type Detector struct {
	cfg Config
}

// New returns a detector for cfg.
func New(cfg Config) (*Detector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("shift config: %w", err)
	}
	return &Detector{cfg: cfg}, nil
}

// Event is what the detector learns of one interest event just applied to a profile.
type Event struct {
	Now     int64   // the profile's event time after the event, Unix milliseconds
	Events  int     // interest events the profile has seen
	Current []Entry // the interest vector, any scale; only read when Reads says so
	NewCart bool    // a cart add into a category the shopper never carted before
	// Repeat says the event leaves the interest vector (all but) where it was: one more event
	// on a category the prediction has settled on. Once a reading of the vector after the latest
	// non-Repeat event found no evidence, a Repeat is not read: it could not start any. A
	// predictor that moves with every event (the decayed profile) leaves it false.
	Repeat bool
}

const dayMillis = 24 * 60 * 60 * 1000

// Check applies the rules, in order, and returns the reason the profile shifted (None if it
// did not) and the distance of the current mix from the mix at the last shift. It updates the
// evidence count, but the shift itself is recorded only by Commit. The distance is 0 when no
// rule needed it.
//
//   - first_profile: the shopper reached MinEvents. Nothing fires before it.
//   - daily cap: after DailyCap shifts on one day, nothing more fires that day.
//   - intent_escalation: a first cart add into a category; it ignores the cooldown, because a
//     cart is the moment an ad matters most.
//   - new_interest: past the cooldown, MinEvidence events in a row at a distance of at least
//     Threshold (kept above Threshold-Hysteresis), all with the same id leading the mix. A
//     Repeat after a reading (since the latest non-Repeat) that found no evidence is not read.
func (d *Detector) Check(st *State, ev Event) (Reason, float64) {
	if !ev.Repeat {
		st.Settled = false // the vector may have moved since it was last read
	}
	if st.Version > 0 && st.capped(ev.Now, d.cfg.DailyCap) {
		st.Evidence = 0
		return None, 0
	}
	r, reads := d.rule(st, ev)
	switch {
	case !reads:
		return None, 0 // the distance is not even computed: nothing could fire
	case r != NewInterest:
		return r, d.distance(st, ev)
	}
	cur, ref := topOf(ev.Current), st.ref()
	dist := jensenShannon(&cur, &ref)
	lead := uint32(0)
	if cur.n > 0 {
		lead = cur.e[0].ID
	}
	switch {
	case dist < d.cfg.Threshold-d.cfg.Hysteresis, dist < d.cfg.Threshold && st.Evidence == 0:
		st.Evidence = 0
	case st.Evidence > 0 && lead == st.Lead:
		st.Evidence = min(st.Evidence+1, 255)
	default:
		// Evidence starts over behind a new leader.
		st.Evidence, st.Lead = 1, lead
	}
	st.Settled = st.Evidence == 0
	if int(st.Evidence) >= d.cfg.MinEvidence {
		return NewInterest, dist
	}
	return None, dist
}

// Reads reports whether Check would read ev.Current, so a caller whose interest vector is
// costly computes it only then: not before the first profile, past the daily cap, inside the
// cooldown, or on a Repeat once a reading since the vector last moved found no evidence.
func (d *Detector) Reads(st *State, ev Event) bool {
	if st.Version > 0 && st.capped(ev.Now, d.cfg.DailyCap) {
		return false
	}
	_, reads := d.rule(st, ev)
	return reads
}

// rule returns the rule that decides ev before any distance, and whether deciding (or
// reporting) it reads the current mix. new_interest is then decided on the distance.
func (d *Detector) rule(st *State, ev Event) (Reason, bool) {
	switch {
	case st.Version == 0:
		return FirstProfile, ev.Events >= d.cfg.MinEvents
	case ev.NewCart:
		return IntentEscalation, true
	case ev.Now-st.At < d.cfg.Cooldown.Milliseconds():
		return None, false
	case ev.Repeat && st.Evidence == 0 && st.Settled:
		return None, false
	}
	return NewInterest, true
}

func (d *Detector) distance(st *State, ev Event) float64 {
	cur, ref := topOf(ev.Current), st.ref()
	return jensenShannon(&cur, &ref)
}

// Commit records a shift for reason r at ev: the profile version goes up and the current mix
// becomes the reference later events are compared with.
func (d *Detector) Commit(st *State, r Reason, ev Event) {
	st.Version++
	st.At = ev.Now
	st.Evidence, st.Lead, st.Settled = 0, 0, false
	if r != FirstProfile {
		day := uint16(ev.Now / dayMillis)
		if day != st.Day {
			st.Day, st.DayCount = day, 0
		}
		st.DayCount++
	}
	cur := topOf(ev.Current)
	st.N = uint8(cur.n)
	st.Ref = cur.e
}

func (st *State) ref() vec {
	return vec{n: int(st.N), e: st.Ref}
}

func (st *State) capped(now int64, limit int) bool {
	return uint16(now/dayMillis) == st.Day && int(st.DayCount) >= limit
}
