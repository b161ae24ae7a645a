package stats

import (
	"errors"
	"math"
)

// ErrNoCovariateVariance is returned when the covariate is the same for every unit: it can
// explain nothing.
var ErrNoCovariateVariance = errors.New("covariate has no variance")

// CUPED is a controlled-experiment estimate with variance reduced by a pre-period covariate
// (Deng, Xu, Kohavi & Walker 2013, "Improving the Sensitivity of Online Controlled Experiments
// by Utilizing Pre-Experiment Data", WSDM, section 3.2): each unit's metric y becomes
// y − θ·(x − x̄) with θ = Cov(y, x)/Var(x) estimated over both groups pooled, x̄ their pooled
// mean. Randomisation makes x independent of the group, so the difference of means keeps its
// expectation while its variance shrinks by the factor 1 − ρ², ρ the correlation of y and x.
type CUPED struct {
	Theta float64 `json:"theta"`
	// Treatment and Control are the adjusted group means with their variances.
	Treatment, Control Mean    `json:"-"`
	Diff               float64 `json:"diff"` // adjusted Treatment − Control
	DiffSE             float64 `json:"diff_se"`
	RawDiffSE          float64 `json:"raw_diff_se"` // of the unadjusted difference
	// VarianceReduction is 1 − adjusted variance / unadjusted variance of the difference.
	VarianceReduction float64 `json:"variance_reduction"`
}

// Mean is a sample mean with the variance of that mean (plug-in, divide by n, like RatioOf).
type Mean struct {
	Value    float64 `json:"value"`
	Variance float64 `json:"variance"`
	N        int     `json:"n"`
}

// MeanOf is the mean of ys with its plug-in variance.
func MeanOf(ys []float64) Mean {
	n := float64(len(ys))
	if n == 0 {
		return Mean{}
	}
	var s float64
	for _, y := range ys {
		s += y
	}
	m := s / n
	var v float64
	for _, y := range ys {
		v += (y - m) * (y - m)
	}
	return Mean{Value: m, Variance: v / n / n, N: len(ys)}
}

// CUPEDOf adjusts the treatment's (yt, xt) and the control's (yc, xc) metric and covariate.
func CUPEDOf(yt, xt, yc, xc []float64) (CUPED, error) {
	if len(yt) != len(xt) || len(yc) != len(xc) || len(yt) < 2 || len(yc) < 2 {
		return CUPED{}, ErrTooFewUnits
	}
	y := append(append([]float64{}, yt...), yc...)
	x := append(append([]float64{}, xt...), xc...)
	my, mx := MeanOf(y).Value, MeanOf(x).Value
	var cov, vx float64
	for i := range y {
		cov += (y[i] - my) * (x[i] - mx)
		vx += (x[i] - mx) * (x[i] - mx)
	}
	if vx == 0 {
		return CUPED{}, ErrNoCovariateVariance
	}
	theta := cov / vx
	adjust := func(ys, xs []float64) []float64 {
		out := make([]float64, len(ys))
		for i := range ys {
			out[i] = ys[i] - theta*(xs[i]-mx)
		}
		return out
	}
	t, c := MeanOf(adjust(yt, xt)), MeanOf(adjust(yc, xc))
	raw := MeanOf(yt).Variance + MeanOf(yc).Variance
	r := CUPED{Theta: theta, Treatment: t, Control: c, Diff: t.Value - c.Value,
		DiffSE: math.Sqrt(t.Variance + c.Variance), RawDiffSE: math.Sqrt(raw)}
	if raw > 0 {
		r.VarianceReduction = 1 - (t.Variance+c.Variance)/raw
	}
	return r, nil
}
