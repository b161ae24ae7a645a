package evaluation

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// DefaultLookEvery is the always-valid test's default look grid: the end of every UTC hour with
// activity. The grid (Options.LookEvery) does not depend on how long the data spans (the charts'
// buckets do), so adding data only adds looks and the always-valid p never rises because the
// grid changed.
const DefaultLookEvery = time.Hour

// LiftResult is the effect of one side (the treatment, or one arm) over a control (the holdout,
// or the baseline arm) on a per-shopper ratio metric at the last look.
type LiftResult struct {
	Metric    string `json:"metric"`
	Treatment string `json:"treatment"` // the side compared: "treatment" or "arm <name>"
	Control   string `json:"control"`   // "holdout" or "arm baseline"
	// Lift is the relative lift; its CI is the fixed-horizon delta-method interval, valid only
	// for one look decided in advance.
	Lift *stats.Lift `json:"lift,omitempty"`
	// CS is the always-valid confidence sequence of the relative lift (the mSPRT inverted): valid
	// however often the report is read, and it excludes 0 exactly when PValue < Alpha.
	CS      *stats.Interval `json:"cs,omitempty"`
	CSEmpty bool            `json:"cs_empty,omitempty"` // the looks' intervals did not overlap
	Alpha   float64         `json:"alpha"`              // of CS and of the test (Bonferroni-adjusted in a family)
	PValue  float64         `json:"p_value"`            // always-valid (mSPRT) over the looks
	// HolmP is PValue Holm-adjusted over its family (the per-arm comparisons); PValue elsewhere.
	HolmP   float64     `json:"holm_p"`
	Tau     float64     `json:"tau"`      // mSPRT mixing sd on log(treatment/control)
	TauFrom string      `json:"tau_from"` // how Tau was set
	Looks   int         `json:"looks"`
	Diff    *Difference `json:"diff,omitempty"` // the absolute difference: there even when a rate is zero
	Power   *Power      `json:"power,omitempty"`
	Error   string      `json:"error,omitempty"` // why there is no relative lift
}

// Difference is treatment − control on the metric's own scale, with both intervals and its own
// always-valid test (mixing scale set from the difference's variance the same way).
type Difference struct {
	Value   float64        `json:"value"`
	CI      stats.Interval `json:"ci"` // fixed-horizon
	CS      stats.Interval `json:"cs"` // always-valid, clipped to the possible range
	CSEmpty bool           `json:"cs_empty,omitempty"`
	PValue  float64        `json:"p_value"`
	Tau     float64        `json:"tau"`
	MDE     float64        `json:"mde"` // smallest difference a fixed-horizon test detects with 80% power now
}

// LiftPoint is the cumulative lift at one look.
type LiftPoint struct {
	At       time.Time      `json:"at"`
	Relative float64        `json:"relative"`
	CI       stats.Interval `json:"ci"` // fixed-horizon, as if this look were the only one
	CS       stats.Interval `json:"cs"` // always-valid up to this look
	PValue   float64        `json:"p_value"`
}

// comparison is what one LiftResult compares.
type comparison struct {
	metric, treatment, control string
	side                       func(Activity) side
	unit                       func(Activity) stats.Unit
	bound                      float64 // the largest |difference| possible, 0 for none
	alpha                      float64
}

type side uint8

const (
	neither side = iota
	treated
	controlled
)

// pooled is the treatment group against the holdout group.
func pooled(a Activity) side {
	switch a.Group {
	case schemas.GroupTreatment:
		return treated
	case schemas.GroupHoldout:
		return controlled
	}
	return neither
}

// observation is both sides' totals at one look.
type observation struct {
	at         time.Time
	t, c       stats.Ratio
	lift       stats.Lift
	liftErr    error
	shoppers   int // in both sides
	fewestSide int // shoppers on the smaller side
}

// compare runs comparison cmp over the activity at every look of the grid.
func compare(cmp comparison, acts []Activity, o Options) (LiftResult, []LiftPoint) {
	res := LiftResult{Metric: cmp.metric, Treatment: cmp.treatment, Control: cmp.control, Alpha: cmp.alpha, PValue: 1, HolmP: 1}
	step := o.LookEvery
	obs, lastErr := observe(cmp, acts, step)
	if len(obs) == 0 {
		res.Error = lastErr.Error()
		return res, nil
	}
	last := obs[len(obs)-1]
	res.Diff = difference(obs, cmp, o)
	var logLooks []seqLook
	var logObs []observation
	for _, ob := range obs {
		if ob.liftErr == nil && ob.lift.LogSE > 0 {
			l := ob.lift
			logLooks = append(logLooks, seqLook{stats.Look{Effect: math.Log1p(l.Relative), Variance: l.LogSE * l.LogSE}, ob})
			logObs = append(logObs, ob)
		}
	}
	if last.liftErr != nil {
		res.Error = last.liftErr.Error()
	} else {
		l := last.lift
		res.Lift = &l
		if l.LogSE == 0 {
			res.Error = "no variance on the log scale yet (no treatment successes, or every shopper alike): see the difference"
		}
	}
	if len(logLooks) == 0 {
		return res, nil
	}
	tau2, from := mixing(logLooks, o, cmp.alpha, true)
	res.Tau, res.TauFrom, res.Looks = math.Sqrt(tau2), from, len(logLooks)
	seq := sequence(logLooks, tau2, cmp.alpha)
	points := make([]LiftPoint, len(seq))
	for i, s := range seq {
		ob := logObs[i]
		points[i] = LiftPoint{At: ob.at.Add(step), Relative: ob.lift.Relative, CI: ob.lift.CI, PValue: s.p, CS: relative(s.cs)}
	}
	end := seq[len(seq)-1]
	lastLog := logLooks[len(logLooks)-1]
	res.Power = powerOf(lastLog.ob, lastLog.Variance, tau2, cmp.alpha, obs[0].at, step, o)
	cs := relative(end.cs)
	res.CS, res.CSEmpty, res.PValue, res.HolmP = &cs, end.empty, end.p, end.p
	// Cumulative successes never fall, so a last look left out after an earlier one with
	// variance has successes: what it lacks is variance.
	if res.Lift != nil && last.liftErr == nil && logObs[len(logObs)-1].at != last.at {
		res.Error = "the last look has no variance on the log scale (every shopper of a side at its rate): the sequence is as of " +
			logObs[len(logObs)-1].at.Add(step).Format(time.RFC3339)
	}
	return res, points
}

// observe sums each shopper's units per side up to every look.
func observe(cmp comparison, acts []Activity, step time.Duration) ([]observation, error) {
	hours, byHour := bucketed(acts, cmp.side, step)
	totals := map[shopperSide]*stats.Unit{}
	var out []observation
	lastErr := errors.New("no shoppers on both sides yet")
	for _, h := range hours {
		for _, a := range byHour[h] {
			k := shopperSide{a.User, cmp.side(a)}
			u := totals[k]
			if u == nil {
				u = &stats.Unit{}
				totals[k] = u
			}
			x := cmp.unit(a)
			u.Num += x.Num
			u.Den += x.Den
		}
		tu, cu := bySide(totals)
		t, err := stats.RatioOf(tu)
		if err != nil {
			lastErr = fmt.Errorf("%s: %w", cmp.treatment, err)
			continue
		}
		c, err := stats.RatioOf(cu)
		if err != nil {
			lastErr = fmt.Errorf("%s: %w", cmp.control, err)
			continue
		}
		l, lerr := stats.RelativeLift(t, c, 1-cmp.alpha)
		out = append(out, observation{at: h, t: t, c: c, lift: l, liftErr: lerr, shoppers: len(tu) + len(cu), fewestSide: min(len(tu), len(cu))})
	}
	return out, lastErr
}

// bucketed returns every step of the look grid with activity on either side, in time order,
// and that activity.
func bucketed(acts []Activity, sideOf func(Activity) side, step time.Duration) ([]time.Time, map[time.Time][]Activity) {
	var hours []time.Time
	byHour := map[time.Time][]Activity{}
	for _, a := range acts {
		if sideOf(a) == neither {
			continue
		}
		h := a.Bucket.Truncate(step)
		if _, ok := byHour[h]; !ok {
			hours = append(hours, h)
		}
		byHour[h] = append(byHour[h], a)
	}
	slices.SortFunc(hours, func(a, b time.Time) int { return a.Compare(b) })
	return hours, byHour
}

type shopperSide struct {
	user string
	side side
}

// bySide returns the shoppers' totals with a denominator, of each side.
func bySide(totals map[shopperSide]*stats.Unit) (treatment, control []stats.Unit) {
	for k, u := range totals {
		if u.Den == 0 {
			continue
		}
		if k.side == treated {
			treatment = append(treatment, *u)
		} else {
			control = append(control, *u)
		}
	}
	return treatment, control
}

// difference is the absolute difference at the last look with its own always-valid test.
func difference(obs []observation, cmp comparison, o Options) *Difference {
	var looks []seqLook
	for _, ob := range obs {
		if v := ob.t.Variance + ob.c.Variance; v > 0 {
			looks = append(looks, seqLook{stats.Look{Effect: ob.t.Value - ob.c.Value, Variance: v}, ob})
		}
	}
	last := obs[len(obs)-1].lift
	z := stats.Z(1 - cmp.alpha)
	d := &Difference{Value: last.Diff, CI: clip(stats.Interval{Lo: last.Diff - z*last.DiffSE, Hi: last.Diff + z*last.DiffSE}, cmp.bound),
		PValue: 1,
		MDE:    stats.MinimumDetectable(last.DiffSE, cmp.alpha, stats.Power)}
	if len(looks) == 0 { // no variance anywhere: nothing to widen
		d.CS = d.CI
		return d
	}
	tau2, _ := mixing(looks, o, cmp.alpha, false)
	end := sequence(looks, tau2, cmp.alpha)[len(looks)-1]
	d.CS, d.CSEmpty, d.PValue, d.Tau = clip(end.cs, cmp.bound), end.empty, end.p, math.Sqrt(tau2)
	return d
}

// clip limits an interval of a difference to [−bound, bound]; 0 means no bound.
func clip(i stats.Interval, bound float64) stats.Interval {
	if bound > 0 {
		i.Lo, i.Hi = math.Max(i.Lo, -bound), math.Min(i.Hi, bound)
	}
	return i
}

// relative maps an interval of log(T/C) to one of T/C − 1.
func relative(i stats.Interval) stats.Interval {
	return stats.Interval{Lo: math.Expm1(i.Lo), Hi: math.Expm1(i.Hi)}
}
