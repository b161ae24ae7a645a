package simulation

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// confidence is the level of every interval the simulator reports, the report's.
const confidence = 0.95

// Result is what a simulation shows: the truth it was given, what the bandit did over time, and
// what the report's statistics measured from the outcome rows.
type Result struct {
	Format  string             `json:"format"`
	File    string             `json:"file"`
	Seed    uint64             `json:"seed"`
	Policy  string             `json:"policy"`
	Effects map[string]float64 `json:"effects"` // the configured truth; unlisted arms 1
	BestArm string             `json:"best_arm"`

	Events      int            `json:"events"`
	BadRows     map[string]int `json:"bad_rows"`
	Shifts      int            `json:"shifts"`
	Ads         int            `json:"ads"`
	Impressions int            `json:"impressions"`
	Clicks      int            `json:"clicks"`
	Conversions int            `json:"conversions"` // clicks whose shopper really ordered in the ad's segment later
	Attributed  int            `json:"attributed"`  // orders the outcomes stage credited to an ad
	Refreshes   int            `json:"refreshes"`

	// Buckets split the treatment group's impressions, in event-time order, into equal parts.
	Buckets []Bucket `json:"buckets"`
	// Arms are the measured outcomes per arm (the holdout's baseline last).
	Arms []ArmResult `json:"arms"`
	Lift LiftResult  `json:"lift"`
}

// Bucket is one span of the run.
type Bucket struct {
	End         time.Time          `json:"end"`         // event time of its last impression
	Impressions int                `json:"impressions"` // treatment impressions in the bucket
	Shares      map[string]float64 `json:"shares"`      // of the bucket's treatment impressions, per arm
	// Regret is the cumulative expected clicks lost to not always showing each shopper the best
	// arm, up to the bucket's end; UniformRegret the same for choosing arms uniformly.
	Regret        float64 `json:"regret"`
	UniformRegret float64 `json:"uniform_regret"`
}

// ArmResult is the measured outcome of one arm, with the truth beside it.
type ArmResult struct {
	Arm         string         `json:"arm"`
	Group       string         `json:"group"`
	Impressions uint64         `json:"impressions"`
	Clicks      uint64         `json:"clicks"`
	Conversions uint64         `json:"conversions"` // clicks followed by a real order in the ad's segment
	Attributed  uint64         `json:"attributed"`  // conversion rows of the outcomes stage
	CTR         float64        `json:"ctr"`
	CI          stats.Interval `json:"ci"`       // Wilson
	TrueCTR     float64        `json:"true_ctr"` // mean click probability of its impressions
}

// LiftResult sets the measured lift of treatment over holdout CTR beside the true one.
type LiftResult struct {
	Measured stats.Lift `json:"measured"` // delta method over per-shopper clicks and impressions
	// True is Σ E_policy[p] / Σ p(baseline) − 1 over every impression of both groups, E_policy[p]
	// being the click probability expected under the policy's arm probabilities when the ad was
	// made: how much more all these shoppers were expected to click had every one been treated
	// than had every one been held out. It is the quantity Measured estimates: a population
	// value, not the realised mix of arms in the treatment group, whose draws are part of the
	// measurement's noise.
	True    float64 `json:"true"`
	Covered bool    `json:"covered"` // the measured interval contains True
	Error   string  `json:"error,omitempty"`
}

// result measures the run's outcome rows as the report would, and sets the truth beside them.
func (s *sim) result() Result {
	r := Result{
		Format: s.cfg.Format, File: s.cfg.File, Seed: s.cfg.Seed, Policy: s.cfg.Creatives.Strategy.Policy,
		Effects: maps.Clone(s.cfg.Effects), Events: len(s.world.events), BadRows: s.world.badRows,
		Shifts: s.shiftsCount, Ads: s.adsCount, Refreshes: s.refreshes,
	}
	if r.Policy == "" {
		r.Policy = strategy.ChooseThompson
	}
	if r.Effects == nil {
		r.Effects = map[string]float64{}
	}
	r.BestArm = s.arms[0]
	for _, a := range s.arms {
		if s.cfg.effect(a) > s.cfg.effect(r.BestArm) {
			r.BestArm = a
		}
	}
	r.Buckets = s.buckets()
	r.Arms, r.Lift = s.measure()
	for _, a := range r.Arms {
		r.Impressions += int(a.Impressions)
		r.Clicks += int(a.Clicks)
		r.Conversions += int(a.Conversions)
		r.Attributed += int(a.Attributed)
	}
	return r
}

// buckets splits the treatment impressions into cfg.Buckets equal parts in event-time order.
func (s *sim) buckets() []Bucket {
	var treated []impression
	for _, imp := range s.shown {
		if imp.ad.Strategy.Group == schemas.GroupTreatment {
			treated = append(treated, imp)
		}
	}
	n := min(s.cfg.Buckets, len(treated))
	out := make([]Bucket, 0, n)
	var regret, uniform float64
	for b := range n {
		lo, hi := b*len(treated)/n, (b+1)*len(treated)/n
		bk := Bucket{Impressions: hi - lo, Shares: map[string]float64{}}
		for _, a := range s.arms {
			bk.Shares[a] = 0
		}
		for _, imp := range treated[lo:hi] {
			regret += imp.best - imp.p
			uniform += imp.best - imp.mean
			bk.Shares[imp.ad.Strategy.Arm] += 1 / float64(hi-lo)
		}
		bk.End = s.world.events[treated[hi-1].index].Timestamp
		bk.Regret, bk.UniformRegret = regret, uniform
		out = append(out, bk)
	}
	return out
}

// measure reads the outcome rows the outcomes stage wrote — distinct event ids, joined to their
// ads — into per-arm CTRs with Wilson intervals and the per-shopper delta-method lift.
func (s *sim) measure() ([]ArmResult, LiftResult) {
	arms, users := s.countRows()
	trueSum := map[armKey]float64{}
	var policyP, baseP float64
	for _, imp := range s.shown {
		g := imp.ad.Strategy.Group
		k := armKey{imp.ad.Strategy.Arm, g}
		trueSum[k] += imp.p
		if a := arms[k]; a != nil && imp.ordered {
			a.Conversions++
		}
		policyP += imp.policy
		baseP += imp.base
	}
	return armResults(arms, trueSum), measureLift(users, policyP, baseP)
}

// armKey is an arm of one group.
type armKey struct{ arm, group string }

// shopperUnit is one shopper's impressions and clicks, the lift's unit.
type shopperUnit struct {
	group        string
	imps, clicks float64
}

// countRows counts the outcome rows per arm and per shopper, each event id once.
func (s *sim) countRows() (map[armKey]*ArmResult, map[string]*shopperUnit) {
	ads := map[string]schemas.Ad{}
	for _, ad := range s.pipeline.Rows().Ads {
		ads[ad.AdID] = ad
	}
	arms := map[armKey]*ArmResult{}
	users := map[string]*shopperUnit{}
	seen := map[string]bool{}
	for _, e := range s.pipeline.Rows().Events {
		ad, ok := ads[e.AdID]
		if !ok || seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		k := armKey{ad.Strategy.Arm, ad.Strategy.Group}
		a := arms[k]
		if a == nil {
			a = &ArmResult{Arm: k.arm, Group: k.group}
			arms[k] = a
		}
		u := users[e.User]
		if u == nil {
			u = &shopperUnit{group: ad.Strategy.Group}
			users[e.User] = u
		}
		switch e.Kind {
		case schemas.Impression:
			a.Impressions++
			u.imps++
		case schemas.Click:
			a.Clicks++
			u.clicks++
		case schemas.Conversion:
			a.Attributed++
		}
	}
	return arms, users
}

// armResults finishes the arms' counts with their rates, intervals and true CTRs (trueSum: the
// click probabilities of their impressions), treatment before holdout.
func armResults(arms map[armKey]*ArmResult, trueSum map[armKey]float64) []ArmResult {
	var out []ArmResult
	for _, k := range slices.SortedFunc(maps.Keys(arms), func(a, b armKey) int {
		if a.group != b.group { // treatment before holdout
			return strings.Compare(b.group, a.group)
		}
		return strings.Compare(a.arm, b.arm)
	}) {
		a := arms[k]
		if a.Impressions > 0 {
			a.CTR = float64(a.Clicks) / float64(a.Impressions)
			a.TrueCTR = trueSum[k] / float64(a.Impressions)
		}
		a.CI = stats.Wilson(min(a.Clicks, a.Impressions), a.Impressions, confidence)
		out = append(out, *a)
	}
	return out
}

// measureLift measures the lift of treatment over holdout CTR over the shoppers, beside the true
// lift: policyP over baseP, every impression's click probability expected under the policy and
// with the baseline.
func measureLift(users map[string]*shopperUnit, policyP, baseP float64) LiftResult {
	var treat, hold []stats.Unit
	for _, name := range slices.Sorted(maps.Keys(users)) {
		u := users[name]
		if u.imps == 0 {
			continue
		}
		un := stats.Unit{Num: u.clicks, Den: u.imps}
		if u.group == schemas.GroupHoldout {
			hold = append(hold, un)
		} else {
			treat = append(treat, un)
		}
	}
	var lift LiftResult
	if baseP > 0 {
		// Rounded to 1e-9, far below any figure shown, so that the order the bandit's posteriors
		// summed their segments in (the last bits of its propensities) leaves no trace in a seed's
		// result.
		lift.True = math.Round((policyP/baseP-1)*1e9) / 1e9
	}
	rt, errT := stats.RatioOf(treat)
	rc, errC := stats.RatioOf(hold)
	if err := errors.Join(errT, errC); err != nil {
		lift.Error = err.Error()
		return lift
	}
	l, err := stats.RelativeLift(rt, rc, confidence)
	lift.Measured = l
	if err != nil {
		lift.Error = err.Error()
		return lift
	}
	lift.Covered = l.CI.Contains(lift.True)
	return lift
}
