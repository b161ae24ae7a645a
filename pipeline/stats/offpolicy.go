package stats

import (
	"errors"
	"fmt"
	"math"
)

// Logged is one decision of the logging policy: in Context (e.g. the shopper's segment) it took
// Action (an arm) with Propensity, and earned Reward (1 for a click, 0 for none).
type Logged struct {
	Context    string  `json:"context"`
	Action     string  `json:"action"`
	Propensity float64 `json:"propensity"`
	Reward     float64 `json:"reward"`
	Count      uint64  `json:"count,omitempty"` // identical decisions this one stands for; 0 counts as 1
}

func (l Logged) count() float64 {
	if l.Count == 0 {
		return 1
	}
	return float64(l.Count)
}

// Policy is a target policy: the probability it takes action in context.
type Policy func(context, action string) float64

// Always is the policy that takes arm in every context.
func Always(arm string) Policy {
	return func(_, action string) float64 {
		if action == arm {
			return 1
		}
		return 0
	}
}

// OffPolicy is the estimated mean reward of a target policy from logged decisions.
type OffPolicy struct {
	IPS        float64  `json:"ips"` // inverse propensity scoring (Horvitz–Thompson)
	IPSCI      Interval `json:"ips_ci"`
	SNIPS      float64  `json:"snips"` // self-normalised IPS
	SNIPSCI    Interval `json:"snips_ci"`
	N          int      `json:"n"`           // decisions used
	Skipped    int      `json:"skipped"`     // decisions without a usable propensity
	Matched    int      `json:"matched"`     // decisions the target policy could also have taken
	EffectiveN float64  `json:"effective_n"` // (Σw)²/Σw²: how many decisions the estimate is worth
}

// ErrNoSupport is returned when the target policy takes none of the logged actions: no logged
// decision says anything about it.
var ErrNoSupport = errors.New("target policy has no support in the logged decisions")

// Evaluate estimates target's mean reward from logged decisions with importance weights
// w = π(a|x)/p(a|x):
//
//	IPS   = Σ w·r / n                      (Horvitz & Thompson 1952)
//	SNIPS = Σ w·r / Σ w                    (Swaminathan & Joachims 2015, "The Self-Normalized
//	                                         Estimator for Counterfactual Learning", NeurIPS, eq. 5)
//
// IPS is unbiased when the propensities are right; SNIPS trades a small bias for much less
// variance and always lies within the rewards' range. Intervals are normal: IPS from the sample
// variance of w·r, SNIPS from its delta-method variance Σ w²(r − SNIPS)² / (Σ w)². Decisions with a
// propensity outside (0, 1] cannot be reweighted and are skipped (counted in Skipped).
func Evaluate(logged []Logged, target Policy, confidence float64) (OffPolicy, error) {
	if err := checkConfidence(confidence); err != nil {
		return OffPolicy{}, err
	}
	var o OffPolicy
	var sw, sw2, swr, swr2 float64
	for _, l := range logged {
		if !(l.Propensity > 0 && l.Propensity <= 1) {
			o.Skipped += int(l.count())
			continue
		}
		c := l.count()
		o.N += int(c)
		w := target(l.Context, l.Action) / l.Propensity
		if w > 0 {
			o.Matched += int(c)
		}
		sw += c * w
		sw2 += c * w * w
		swr += c * w * l.Reward
		swr2 += c * w * l.Reward * w * l.Reward
	}
	if o.N == 0 || sw == 0 {
		return o, fmt.Errorf("off-policy estimate over %d decisions: %w", o.N, ErrNoSupport)
	}
	n := float64(o.N)
	z := Z(confidence)
	o.IPS = swr / n
	ipsVar := math.Max(0, swr2/n-o.IPS*o.IPS) / n
	o.IPSCI = Interval{Lo: o.IPS - z*math.Sqrt(ipsVar), Hi: o.IPS + z*math.Sqrt(ipsVar)}
	o.SNIPS = swr / sw
	var dev float64
	for _, l := range logged {
		if !(l.Propensity > 0 && l.Propensity <= 1) {
			continue
		}
		w := target(l.Context, l.Action) / l.Propensity
		d := w * (l.Reward - o.SNIPS)
		dev += l.count() * d * d
	}
	snipsSE := math.Sqrt(dev) / sw
	o.SNIPSCI = Interval{Lo: o.SNIPS - z*snipsSE, Hi: o.SNIPS + z*snipsSE}
	o.EffectiveN = sw * sw / sw2
	return o, nil
}
