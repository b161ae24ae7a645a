package evaluation

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// Options set how the report is computed.
type Options struct {
	Confidence      float64 // of every interval, e.g. 0.95
	CostPer1kTokens float64 // model price per 1,000 tokens, for cost per click and conversion
	MSPRTTau        float64 // mSPRT mixing standard deviation of the relative lift, e.g. 0.1 for ±10%
	// HoldoutShare is the share of shoppers the assignment holds out (strategy.holdout_share in
	// effect; 0 when there is no holdout), which the sample ratio check tests.
	HoldoutShare float64
}

// Row is one line of a breakdown table.
type Row struct {
	Key string `json:"key"`
	Counts
	Conversions       uint64         `json:"conversions"`
	CTR               float64        `json:"ctr"` // clicks / impressions
	CTRCI             stats.Interval `json:"ctr_ci"`
	CVR               float64        `json:"cvr"` // click conversions / clicks
	CVRCI             stats.Interval `json:"cvr_ci"`
	Cost              float64        `json:"cost"`
	CostPerClick      float64        `json:"cost_per_click"`      // NaN-free: 0 without clicks
	CostPerConversion float64        `json:"cost_per_conversion"` // 0 without conversions
}

// LiftResult is the lift of treatment over holdout on one per-shopper ratio metric.
type LiftResult struct {
	Metric string      `json:"metric"`
	Lift   *stats.Lift `json:"lift,omitempty"`
	PValue float64     `json:"p_value"` // always-valid (mSPRT) over the looks
	Looks  int         `json:"looks"`
	Error  string      `json:"error,omitempty"` // why there is no lift yet
}

// Policy is the off-policy estimate of one alternative policy's CTR.
type Policy struct {
	Name string `json:"name"`
	stats.OffPolicy
	Error string `json:"error,omitempty"`
}

// SeriesPoint is one arm's CTR in one time bucket.
type SeriesPoint struct {
	At          time.Time      `json:"at"`
	Arm         string         `json:"arm"`
	Impressions uint64         `json:"impressions"`
	Clicks      uint64         `json:"clicks"`
	CTR         float64        `json:"ctr"`
	CI          stats.Interval `json:"ci"`
}

// LiftPoint is the cumulative CTR lift at one look.
type LiftPoint struct {
	At       time.Time      `json:"at"`
	Relative float64        `json:"relative"`
	CI       stats.Interval `json:"ci"`
	PValue   float64        `json:"p_value"`
}

// The mSPRT runs on log(Treatment/Control), whose sampling distribution is closer to normal than
// the ratio's; Options.MSPRTTau is its mixing standard deviation on that scale (≈ relative lift
// for small effects).

// Report is the evaluation.
type Report struct {
	Database       string            `json:"database"`
	Confidence     float64           `json:"confidence"`
	SampleRatio    SampleRatio       `json:"sample_ratio"` // checked first: a mismatch casts doubt on all below
	Bucket         string            `json:"bucket"`       // "hour" or "day": the time series' and looks' step
	Total          Row               `json:"total"`
	ByArm          []Row             `json:"by_arm"`
	BySegment      []Row             `json:"by_segment"`
	ByGenerator    []Row             `json:"by_generator"`
	ByGroup        []Row             `json:"by_group"`
	CTRLift        LiftResult        `json:"ctr_lift"`
	ConversionLift LiftResult        `json:"conversion_lift"`
	OffPolicy      []Policy          `json:"off_policy"`
	Series         []SeriesPoint     `json:"series"`
	LiftSeries     []LiftPoint       `json:"lift_series"`
	Failures       map[string]uint64 `json:"failures"`
}

// Unattributed labels events whose ad is not in the ads table (yet); "(none)" an ad with the key
// empty.
const Unattributed = "(ad not landed)"

// Build computes the report from data.
func Build(d Data, o Options) (Report, error) {
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return Report{}, fmt.Errorf("report confidence %v: %w", o.Confidence, stats.ErrConfidence)
	}
	if !(o.MSPRTTau > 0) {
		return Report{}, fmt.Errorf("report mSPRT tau %v: %w", o.MSPRTTau, stats.ErrMixingVariance)
	}
	if !(o.HoldoutShare >= 0 && o.HoldoutShare < 1) {
		return Report{}, fmt.Errorf("report holdout share %v: want [0, 1)", o.HoldoutShare)
	}
	r := Report{Database: d.Database, Confidence: o.Confidence, Failures: d.Failures}
	if r.Failures == nil {
		r.Failures = map[string]uint64{}
	}
	r.ByArm = breakdown(d.Cells, o, func(c Cell) string { return c.Arm })
	r.BySegment = top(breakdown(d.Cells, o, func(c Cell) string { return c.Segment }), TopSegments, o)
	r.ByGenerator = breakdown(d.Cells, o, func(c Cell) string { return c.Generator })
	r.ByGroup = breakdown(d.Cells, o, func(c Cell) string { return c.Group })
	all := breakdown(d.Cells, o, func(Cell) string { return "total" })
	if len(all) == 1 {
		r.Total = all[0]
	} else {
		r.Total = finish(Row{Key: "total"}, o)
	}

	r.Bucket = "hour"
	step := time.Hour
	if len(d.Activity) > 0 {
		lo, hi := d.Activity[0].Bucket, d.Activity[0].Bucket
		for _, a := range d.Activity {
			lo, hi = minTime(lo, a.Bucket), maxTime(hi, a.Bucket)
		}
		if hi.Sub(lo) > 72*time.Hour {
			r.Bucket, step = "day", 24*time.Hour
		}
	}
	r.Series = series(d.Activity, step, o.Confidence)
	r.CTRLift, r.LiftSeries = lift("ctr", d.Activity, step, o, func(a Activity) stats.Unit {
		return stats.Unit{Num: float64(a.Clicks), Den: float64(a.Impressions)}
	})
	r.ConversionLift, _ = lift("conversions_per_impression", d.Activity, step, o, func(a Activity) stats.Unit {
		return stats.Unit{Num: float64(a.Conversions), Den: float64(a.Impressions)}
	})
	r.OffPolicy = offPolicy(d.Logged, o.Confidence)
	r.SampleRatio = sampleRatio(d.Activity, d.Logged, o.HoldoutShare)
	return r, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// breakdown sums cells by key and computes each row's rates, ordered by key.
func breakdown(cells []Cell, o Options, key func(Cell) string) []Row {
	byKey := map[string]*Row{}
	for _, c := range cells {
		k := key(c)
		if k == "" {
			k = "(none)"
			if c.Arm == "" && c.Group == "" && c.Generator == "" && c.Segment == "" {
				k = Unattributed
			}
		}
		row := byKey[k]
		if row == nil {
			row = &Row{Key: k}
			byKey[k] = row
		}
		row.add(c.Counts)
	}
	out := make([]Row, 0, len(byKey))
	for _, row := range byKey {
		out = append(out, finish(*row, o))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// TopSegments is how many segments, by impressions, the report lists; the rest share a row.
const TopSegments = 12

// top keeps the n rows with most impressions, in key order, and sums the others into one row.
func top(rows []Row, n int, o Options) []Row {
	if len(rows) <= n+1 {
		return rows
	}
	byImp := slices.Clone(rows)
	sort.SliceStable(byImp, func(i, j int) bool { return byImp[i].Impressions > byImp[j].Impressions })
	kept := byImp[:n]
	other := Row{Key: fmt.Sprintf("(%d other segments)", len(rows)-n)}
	for _, r := range byImp[n:] {
		other.add(r.Counts)
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Key < kept[j].Key })
	return append(kept, finish(other, o))
}

// finish computes a row's rates, intervals and costs from its counts.
func finish(r Row, o Options) Row {
	r.Conversions = r.ClickConversions + r.ViewConversions
	r.CTR = rate(r.Clicks, r.Impressions)
	r.CTRCI = stats.Wilson(min(r.Clicks, r.Impressions), r.Impressions, o.Confidence)
	r.CVR = rate(r.ClickConversions, r.Clicks)
	r.CVRCI = stats.Wilson(min(r.ClickConversions, r.Clicks), r.Clicks, o.Confidence)
	r.Cost = float64(r.Tokens) / 1000 * o.CostPer1kTokens
	if r.Clicks > 0 {
		r.CostPerClick = r.Cost / float64(r.Clicks)
	}
	if r.Conversions > 0 {
		r.CostPerConversion = r.Cost / float64(r.Conversions)
	}
	return r
}

func rate(n, d uint64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// series is each arm's CTR per bucket, with Wilson intervals.
func series(acts []Activity, step time.Duration, confidence float64) []SeriesPoint {
	type key struct {
		at  time.Time
		arm string
	}
	sum := map[key]*SeriesPoint{}
	for _, a := range acts {
		if a.Arm == "" {
			continue
		}
		k := key{a.Bucket.Truncate(step), a.Arm}
		p := sum[k]
		if p == nil {
			p = &SeriesPoint{At: k.at, Arm: k.arm}
			sum[k] = p
		}
		p.Impressions += a.Impressions
		p.Clicks += a.Clicks
	}
	out := make([]SeriesPoint, 0, len(sum))
	for _, p := range sum {
		p.CTR = rate(p.Clicks, p.Impressions)
		p.CI = stats.Wilson(min(p.Clicks, p.Impressions), p.Impressions, confidence)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Arm < out[j].Arm
	})
	return out
}

// lift computes the lift of treatment over holdout on a per-shopper metric at every look (the
// end of each bucket, cumulative), and the always-valid p-value over those looks.
func lift(metric string, acts []Activity, step time.Duration, o Options, unit func(Activity) stats.Unit) (LiftResult, []LiftPoint) {
	res := LiftResult{Metric: metric, PValue: 1}
	buckets, byBucket := bucketed(acts, step)
	totals := shopperTotals{}
	var looks []stats.Look
	var points []LiftPoint
	var last *stats.Lift
	var lastErr error = errors.New("no shoppers in both the treatment and the holdout yet")
	for _, b := range buckets {
		totals.add(byBucket[b], unit)
		tr, ho := totals.byGroup()
		l, err := liftOf(tr, ho, o.Confidence)
		if err != nil {
			lastErr = err
			continue
		}
		looks = append(looks, lookOf(l))
		p, _ := stats.AlwaysValidP(looks, o.MSPRTTau*o.MSPRTTau)
		points = append(points, LiftPoint{At: b.Add(step), Relative: l.Relative, CI: l.CI, PValue: p})
		last, lastErr = &l, nil
	}
	res.Looks = len(looks)
	if last == nil || lastErr != nil {
		res.Error = lastErr.Error()
		if last == nil {
			return res, points
		}
	}
	res.Lift = last
	res.PValue = points[len(points)-1].PValue
	return res, points
}

// bucketed returns every bucket of step that has activity, in time order, and the treatment and
// holdout activity in each.
func bucketed(acts []Activity, step time.Duration) ([]time.Time, map[time.Time][]Activity) {
	var buckets []time.Time
	byBucket := map[time.Time][]Activity{}
	for _, a := range acts {
		b := a.Bucket.Truncate(step)
		if _, ok := byBucket[b]; !ok {
			byBucket[b] = nil
			buckets = append(buckets, b)
		}
		if a.Group == schemas.GroupTreatment || a.Group == schemas.GroupHoldout {
			byBucket[b] = append(byBucket[b], a)
		}
	}
	slices.SortFunc(buckets, func(a, b time.Time) int { return a.Compare(b) })
	return buckets, byBucket
}

// shopperTotals sums each shopper's units so far, per group.
type shopperTotals map[shopperGroup]*stats.Unit

type shopperGroup struct{ user, group string }

// add sums the units of acts into their shoppers' totals.
func (s shopperTotals) add(acts []Activity, unit func(Activity) stats.Unit) {
	for _, a := range acts {
		k := shopperGroup{a.User, a.Group}
		t := s[k]
		if t == nil {
			t = &stats.Unit{}
			s[k] = t
		}
		u := unit(a)
		t.Num += u.Num
		t.Den += u.Den
	}
}

// byGroup returns the totals with a denominator, of the treatment and of the holdout.
func (s shopperTotals) byGroup() (treatment, holdout []stats.Unit) {
	for k, u := range s {
		if u.Den == 0 {
			continue
		}
		if k.group == schemas.GroupTreatment {
			treatment = append(treatment, *u)
		} else {
			holdout = append(holdout, *u)
		}
	}
	return treatment, holdout
}

// lookOf is one look of the sequential test at lift l.
func lookOf(l stats.Lift) stats.Look {
	if l.LogSE > 0 { // the log ratio is closer to normal, as for the interval
		return stats.Look{Effect: math.Log1p(l.Relative), Variance: l.LogSE * l.LogSE}
	}
	return stats.Look{Effect: l.Relative, Variance: l.SE * l.SE}
}

func liftOf(treatment, holdout []stats.Unit, confidence float64) (stats.Lift, error) {
	t, err := stats.RatioOf(treatment)
	if err != nil {
		return stats.Lift{}, fmt.Errorf("treatment: %w", err)
	}
	h, err := stats.RatioOf(holdout)
	if err != nil {
		return stats.Lift{}, fmt.Errorf("holdout: %w", err)
	}
	return stats.RelativeLift(t, h, confidence)
}

// offPolicy estimates "always arm X" for every arm the logging policy took, and the logging
// policy itself as a check (its SNIPS is the observed CTR).
func offPolicy(logged []stats.Logged, confidence float64) []Policy {
	var arms []string
	for _, l := range logged {
		if !slices.Contains(arms, l.Action) {
			arms = append(arms, l.Action)
		}
	}
	slices.Sort(arms)
	var out []Policy
	for _, arm := range arms {
		p := Policy{Name: "always " + arm}
		est, err := stats.Evaluate(logged, stats.Always(arm), confidence)
		if err != nil {
			p.Error = err.Error()
		}
		p.OffPolicy = est
		if math.IsNaN(p.IPS) {
			p.IPS = 0
		}
		out = append(out, p)
	}
	return out
}
