package evaluation

import (
	"errors"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// CUPEDCovariate names the pre-period covariate of the variance reduction.
const CUPEDCovariate = "interest events in the shopper's profile when their first ad shown was made (engagement before any ad)"

// Adjusted is a treatment − holdout difference with CUPED variance reduction.
type Adjusted struct {
	Metric    string         `json:"metric"`
	Covariate string         `json:"covariate"`
	Theta     float64        `json:"theta"`
	Diff      float64        `json:"diff"`   // adjusted
	CI        stats.Interval `json:"ci"`     // adjusted, fixed-horizon
	RawCI     stats.Interval `json:"raw_ci"` // unadjusted, fixed-horizon
	CS        stats.Interval `json:"cs"`     // adjusted, always-valid at this look
	// VarianceReduction is the share of the difference's variance the covariate removed.
	VarianceReduction float64 `json:"variance_reduction"`
	Shoppers          int     `json:"shoppers"`
	Error             string  `json:"error,omitempty"`
}

// adjusted computes CUPED on CTR (each shopper's clicks and impressions linearised by the delta
// method, so the mean of the linearised values is the group's CTR and their variance its delta
// variance) and on conversions per shopper.
func adjusted(shoppers []Shopper, o Options) []Adjusted {
	g := exposed(shoppers)
	t, c := g[schemas.GroupTreatment], g[schemas.GroupHoldout]
	return []Adjusted{
		cuped(MetricCTR, linearisedCTR(t), pre(t), linearisedCTR(c), pre(c), o),
		cuped("conversions per shopper", conversions(t), pre(t), conversions(c), pre(c), o),
	}
}

func cuped(metric string, yt, xt, yc, xc []float64, o Options) Adjusted {
	a := Adjusted{Metric: metric, Covariate: CUPEDCovariate, Shoppers: len(yt) + len(yc)}
	r, err := stats.CUPEDOf(yt, xt, yc, xc)
	switch {
	case errors.Is(err, stats.ErrNoCovariateVariance):
		a.Error = "no variance reduction: every shopper's first ad shown was made at the same engagement " +
			"(a first ad comes with the first profile, at shift.min_events interest events; ads written before migration 0014 carry none)"
		return a
	case err != nil:
		a.Error = err.Error()
		return a
	}
	z := stats.Z(o.Confidence)
	raw := stats.MeanOf(yt).Value - stats.MeanOf(yc).Value
	a.Theta, a.Diff, a.VarianceReduction = r.Theta, r.Diff, r.VarianceReduction
	a.CI = normalCI(r.Diff, r.DiffSE*r.DiffSE, z)
	a.RawCI = normalCI(raw, r.RawDiffSE*r.RawDiffSE, z)
	a.CS = alwaysValidAt(r.Diff, r.DiffSE*r.DiffSE, a.Shoppers, o, 1-o.Confidence)
	return a
}

// linearisedCTR is R + (clicks − R·impressions)/mean impressions per shopper, R the group's CTR.
func linearisedCTR(ss []Shopper) []float64 {
	var clicks, imps float64
	for _, s := range ss {
		clicks += float64(s.Clicks)
		imps += float64(s.Impressions)
	}
	out := make([]float64, len(ss))
	if imps == 0 {
		return out
	}
	r, mean := clicks/imps, imps/float64(len(ss))
	for i, s := range ss {
		out[i] = r + (float64(s.Clicks)-r*float64(s.Impressions))/mean
	}
	return out
}

func conversions(ss []Shopper) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = float64(s.Conversions)
	}
	return out
}

func pre(ss []Shopper) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = s.Pre
	}
	return out
}
