package stats

import (
	"fmt"
	"math"
)

// MixtureRadius is the half-width, at one look, of the normal-mixture confidence sequence that
// inverts the mSPRT of MSPRTLogLR: the effects θ0 whose test of H0: θ = θ0 has not yet reached
// 1/α are those with
//
//	|θ̂ − θ0| < √( 2V(V+τ²)/τ² · (ln(1/α) + ½·ln((V+τ²)/V)) ),
//
// Howard, Ramdas, McAuliffe & Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic
// confidence sequences", Annals of Statistics, eq. (14)) in the mean's scale. A look without a
// variance carries no information: the radius is +Inf.
func MixtureRadius(variance, tau2, alpha float64) float64 {
	v := variance
	if !(v > 0) || math.IsInf(v, 0) || !(tau2 > 0) {
		return math.Inf(1)
	}
	return math.Sqrt(2 * v * (v + tau2) / tau2 * (math.Log(1/alpha) + 0.5*math.Log((v+tau2)/v)))
}

// ConfidenceSequence is the always-valid (1−α) interval for the effect after a sequence of
// looks: the intersection of every look's mixture interval, θ̂k ± MixtureRadius(Vk). It covers
// the true effect at all looks at once with probability at least 1−α, and it excludes θ0 exactly
// when AlwaysValidP of the looks shifted by θ0 is at most α — for θ0 = 0, when the reported
// always-valid p is: the two can never disagree. Empty says the looks' intervals do not overlap
// (Lo > Hi), which under the model happens with probability below α.
func ConfidenceSequence(looks []Look, tau2, alpha float64) (ci Interval, empty bool, err error) {
	if !(tau2 > 0) {
		return Interval{}, false, ErrMixingVariance
	}
	if !(alpha > 0 && alpha < 1) {
		return Interval{}, false, fmt.Errorf("%w: alpha %v", ErrConfidence, alpha)
	}
	ci = Interval{Lo: math.Inf(-1), Hi: math.Inf(1)}
	for _, l := range looks {
		r := MixtureRadius(l.Variance, tau2, alpha)
		ci.Lo, ci.Hi = math.Max(ci.Lo, l.Effect-r), math.Min(ci.Hi, l.Effect+r)
	}
	return ci, ci.Lo > ci.Hi, nil
}

// MixingVariance is the mSPRT's τ² that makes its confidence sequence narrowest when the
// estimate's variance is plannedVariance (the variance expected at the planned sample size):
// minimising MixtureRadius over x = τ²/V gives x = 2·ln(1/α) + ln(1+x), which Howard et al.
// (2021, section 3.5) approximate by
//
//	τ² = V_plan · (2·ln(1/α) + ln(1 + 2·ln(1/α))),
//
// about 7.9·V_plan at α = 0.05. The test is then most sensitive around the effect the planned
// sample can resolve, rather than at a fixed guess.
func MixingVariance(plannedVariance, alpha float64) float64 {
	l2 := 2 * math.Log(1/alpha)
	return plannedVariance * (l2 + math.Log1p(l2))
}
