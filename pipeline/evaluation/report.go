package evaluation

import (
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
	CostPer1kTokens float64 // model price per 1,000 tokens, for cost per click and conversion; 0 = unknown
	CostCurrency    string  // the currency of that price, e.g. USD
	// MSPRTTau, when positive, is the mSPRT's mixing sd on log(treatment/control); 0 derives it
	// from the metric's variance at PlannedShoppers (see mixing).
	MSPRTTau        float64
	PlannedShoppers int     // shoppers the experiment plans to reach, both groups together
	TargetLift      float64 // the relative lift whose time to detect the report estimates, e.g. 0.1
	// Delivery is the simulated delivery's settings, for the banner of a report whose
	// impressions it made up; nil when unknown.
	Delivery *SimulatedDelivery
	// LookEvery is the always-valid test's look grid, a whole number of seconds dividing the
	// data's buckets (Activity.Bucket); 0 is DefaultLookEvery.
	LookEvery time.Duration
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

// Report is the evaluation.
type Report struct {
	Database   string  `json:"database"`
	Confidence float64 `json:"confidence"`
	// CostPer1kTokens is the model price the costs use; 0 when none is known, and no cost is shown.
	CostPer1kTokens float64 `json:"cost_per_1k_tokens"`
	CostCurrency    string  `json:"cost_currency"`
	// Summary says in plain words what the report shows; Simulated is the banner of outcomes the
	// demo's simulated delivery made up.
	Summary        string      `json:"summary"`
	Simulated      *Simulated  `json:"simulated,omitempty"`
	SampleRatio    SampleRatio `json:"sample_ratio"` // checked first: a mismatch casts doubt on all below
	Bucket         string      `json:"bucket"`       // "hour" or "day": the time series' step
	LookEvery      string      `json:"look_every"`   // the always-valid tests' look grid
	Total          Row         `json:"total"`
	ByArm          []Row       `json:"by_arm"`
	BySegment      []Row       `json:"by_segment"`
	ByGenerator    []Row       `json:"by_generator"`
	ByGroup        []Row       `json:"by_group"`
	CTRLift        LiftResult  `json:"ctr_lift"`
	ConversionLift LiftResult  `json:"conversion_lift"`
	// ArmLifts are each treatment arm against the holdout and against the baseline arm: one
	// family, simultaneous intervals and Holm-adjusted p-values. CTRLift is the pooled treatment.
	ArmLifts []LiftResult `json:"arm_lifts"`
	// Guardrails must not get worse; Adjusted are the differences with CUPED variance reduction.
	// Incremental are the conversions and revenue the ads caused: the treatment's credited totals
	// against the holdout's comparable rate. No raw credited count is a result on its own.
	Incremental []Incremental `json:"incremental"`
	Guardrails  []Guardrail   `json:"guardrails"`
	Adjusted    []Adjusted    `json:"adjusted"`
	OffPolicy   []Policy      `json:"off_policy"`
	Series      []SeriesPoint `json:"series"`
	LiftSeries  []LiftPoint   `json:"lift_series"`
	Failures    Failures      `json:"failures"` // dead letters by stage, then kind
}

// The per-shopper metrics the lifts are computed on.
const (
	MetricCTR         = "ctr"                        // clicks / impressions
	MetricConversions = "conversions_per_impression" // attributed conversions / impressions
)

func ctrUnit(a Activity) stats.Unit {
	return stats.Unit{Num: float64(a.Clicks), Den: float64(a.Impressions)}
}

func conversionUnit(a Activity) stats.Unit {
	return stats.Unit{Num: float64(a.Conversions), Den: float64(a.Impressions)}
}

// Unattributed labels events whose ad is not in the ads table (yet); "(none)" an ad with the key
// empty.
const Unattributed = "(ad not landed)"

// Build computes the report from data.
func Build(d Data, o Options) (Report, error) {
	if !(o.Confidence > 0 && o.Confidence < 1) {
		return Report{}, fmt.Errorf("report confidence %v: %w", o.Confidence, stats.ErrConfidence)
	}
	if o.MSPRTTau < 0 || (o.MSPRTTau == 0 && o.PlannedShoppers <= 0) {
		return Report{}, fmt.Errorf("report mSPRT tau %v with %d planned shoppers: %w", o.MSPRTTau, o.PlannedShoppers, stats.ErrMixingVariance)
	}
	if o.LookEvery == 0 {
		o.LookEvery = DefaultLookEvery
	}
	if o.LookEvery < time.Second {
		return Report{}, fmt.Errorf("report look_every %v: want at least a second", o.LookEvery)
	}
	if !(o.HoldoutShare >= 0 && o.HoldoutShare < 1) {
		return Report{}, fmt.Errorf("report holdout share %v: want [0, 1)", o.HoldoutShare)
	}
	r := Report{Database: d.Database, Confidence: o.Confidence, CostPer1kTokens: o.CostPer1kTokens,
		CostCurrency: o.CostCurrency, Failures: d.Failures}
	if r.Failures == nil {
		r.Failures = Failures{}
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

	r.LookEvery = o.LookEvery.String()
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
	alpha := math.Round((1-o.Confidence)*1e12) / 1e12 // 0.05, not 0.050000000000000044
	r.CTRLift, r.LiftSeries = compare(comparison{metric: MetricCTR, treatment: schemas.GroupTreatment, control: schemas.GroupHoldout,
		side: pooled, unit: ctrUnit, bound: 1, alpha: alpha}, d.Activity, o)
	r.ConversionLift, _ = compare(comparison{metric: MetricConversions, treatment: schemas.GroupTreatment, control: schemas.GroupHoldout,
		side: pooled, unit: conversionUnit, alpha: alpha}, d.Activity, o)
	r.ArmLifts = armLifts(d.Activity, o)
	r.Incremental = incrementals(d, o)
	r.Guardrails = guardrails(d, o)
	r.Adjusted = adjusted(d.Shoppers, o)
	r.OffPolicy = offPolicy(d.Logged, o.Confidence)
	r.SampleRatio = sampleRatio(d.Activity, d.Logged, o.HoldoutShare)
	r.Simulated = simulated(d, o)
	r.Summary = summary(r)
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

// clipRate limits an interval of a rate to [0, 1].
func clipRate(i stats.Interval) stats.Interval {
	return stats.Interval{Lo: math.Min(1, math.Max(0, i.Lo)), Hi: math.Min(1, math.Max(0, i.Hi))}
}

// TopSegments is how many segments, by impressions, the report lists; the rest share a row.
const TopSegments = 12

// top keeps the n rows with most impressions, most first, and sums the others into one row.
func top(rows []Row, n int, o Options) []Row {
	byImp := slices.Clone(rows)
	sort.SliceStable(byImp, func(i, j int) bool { return byImp[i].Impressions > byImp[j].Impressions })
	if len(rows) <= n+1 {
		return byImp
	}
	kept := byImp[:n]
	other := Row{Key: fmt.Sprintf("(%d other segments)", len(rows)-n)}
	for _, r := range byImp[n:] {
		other.add(r.Counts)
	}
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
		// A click rate lies in [0, 1]; so do its intervals.
		p.IPSCI, p.SNIPSCI = clipRate(p.IPSCI), clipRate(p.SNIPSCI)
		out = append(out, p)
	}
	return out
}
