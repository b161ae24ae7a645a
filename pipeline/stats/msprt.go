package stats

import (
	"errors"
	"math"
)

// Look is the state of an experiment at one look: the estimated effect and its variance, e.g.
// a Lift's Relative and SE².
type Look struct {
	Effect   float64 `json:"effect"`
	Variance float64 `json:"variance"`
}

// ErrMixingVariance is returned when the mSPRT's mixing variance τ² is not positive.
var ErrMixingVariance = errors.New("mSPRT mixing variance must be positive")

// MSPRTLogLR is the log of the normal-mixture likelihood ratio of Johari, Pekelis & Walsh
// (2017, "Always Valid Inference: Continuous Monitoring of A/B Tests", section 4) for an effect
// estimate θ̂ ~ N(θ, V) against H0: θ = 0, mixing over θ ~ N(0, τ²):
//
//	Λ = √(V/(V+τ²)) · exp(τ²·θ̂² / (2·V·(V+τ²))).
//
// With V = 2σ²/n this is the paper's two-stream statistic. A look with no variance yet (V ≤ 0)
// carries no evidence: log Λ = 0.
func MSPRTLogLR(l Look, tau2 float64) float64 {
	v := l.Variance
	if !(v > 0) || math.IsInf(v, 0) {
		return 0
	}
	return 0.5*math.Log(v/(v+tau2)) + tau2*l.Effect*l.Effect/(2*v*(v+tau2))
}

// AlwaysValidP is the always-valid p-value after a sequence of looks (Johari et al. 2017,
// proposition 2): p_n = min(1, min over k ≤ n of 1/Λ_k). Rejecting H0 when it falls below α keeps
// the false-positive rate at α however often the experiment is looked at, daily or continuously.
// With no looks it is 1.
func AlwaysValidP(looks []Look, tau2 float64) (float64, error) {
	if !(tau2 > 0) {
		return math.NaN(), ErrMixingVariance
	}
	p := 1.0
	for _, l := range looks {
		p = math.Min(p, math.Exp(-MSPRTLogLR(l, tau2)))
	}
	return p, nil
}
