package evaluation

import (
	"math"
	"slices"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// holdoutCheckName names the check of the holdout's share.
const holdoutCheckName = "holdout share"

// SRMAlpha is the p-value below which a sample ratio check fails.
const SRMAlpha = 0.001

// SampleRatio is the sample-ratio-mismatch check, done before anything else is concluded: if the
// assignment did not produce the shares it promises (a broken hash, ads lost for one group,
// propensities logged wrong), every lift and off-policy estimate after it may be biased.
type SampleRatio struct {
	Mismatch bool         `json:"mismatch"` // some check failed: conclusions may be biased
	Alpha    float64      `json:"alpha"`    // a check fails when its p-value is below it
	Checks   []RatioCheck `json:"checks"`
}

// RatioCheck is one chi-square test, with one degree of freedom, of an observed count against
// the count the assignment promises.
type RatioCheck struct {
	// Name is "holdout share", or "arm <name>".
	Name string `json:"name"`
	// Observed is the holdout's shoppers; for an arm, its shown ads weighted by the inverse of
	// their logged propensities, which estimates every treatment ad shown.
	Observed float64 `json:"observed"`
	// Expected is the holdout share times the shoppers; for an arm, every treatment ad shown.
	Expected  float64 `json:"expected"`
	Of        uint64  `json:"of"`         // shoppers (holdout) or treatment ads shown (arms)
	ChiSquare float64 `json:"chi_square"` // 0 when there is no statistic (see Error)
	// PValue is the test's p-value; for arms, Bonferroni-adjusted over the arms checked.
	PValue float64 `json:"p_value"`
	Failed bool    `json:"failed"`
	Error  string  `json:"error,omitempty"` // why there is no test
}

// sampleRatio checks the holdout's share of the shoppers shown an ad against share, and each
// arm's shown treatment ads against their logged propensities.
func sampleRatio(activity []Activity, logged []stats.Logged, share float64) SampleRatio {
	s := SampleRatio{Alpha: SRMAlpha, Checks: []RatioCheck{holdoutCheck(activity, share)}}
	s.Checks = append(s.Checks, armChecks(logged)...)
	for _, c := range s.Checks {
		s.Mismatch = s.Mismatch || c.Failed
	}
	return s
}

// holdoutCheck is Pearson's chi-square over (holdout, treatment) shoppers. Shoppers are the unit
// because the holdout is decided per shopper; their ads are not independent.
func holdoutCheck(activity []Activity, share float64) RatioCheck {
	groups := map[string]map[string]bool{schemas.GroupHoldout: {}, schemas.GroupTreatment: {}}
	for _, a := range activity {
		if g, ok := groups[a.Group]; ok {
			g[a.User] = true
		}
	}
	held, treated := float64(len(groups[schemas.GroupHoldout])), float64(len(groups[schemas.GroupTreatment]))
	n := held + treated
	c := RatioCheck{Name: holdoutCheckName, Observed: held, Expected: share * n, Of: uint64(n), PValue: 1}
	switch {
	case n == 0:
		c.Error = "no shopper was shown an ad yet"
	case share <= 0 && held > 0:
		c.PValue, c.Failed = 0, true // no statistic: any holdout shopper is a mismatch
		c.Error = "the holdout is disabled, yet shoppers are in it"
	case share <= 0:
		c.Error = "the holdout is disabled"
	default:
		c.ChiSquare = sq(held-share*n)/(share*n) + sq(treated-(1-share)*n)/((1-share)*n)
		c.PValue = chiSquare1P(c.ChiSquare)
		c.Failed = c.PValue < SRMAlpha
	}
	return c
}

// armChecks tests, per arm, that its shown ads weighted by 1/propensity add up to all treatment
// ads shown, as they do in expectation when the logged propensities are the true ones; the
// variance of the weighted count is estimated by the sum of (1-p)/p² over the arm's ads. Ads
// logged without a propensity in (0, 1] are left out.
func armChecks(logged []stats.Logged) []RatioCheck {
	type sums struct{ weighted, variance float64 }
	byArm := map[string]*sums{}
	var n uint64
	for _, l := range logged {
		if !(l.Propensity > 0 && l.Propensity <= 1) {
			continue
		}
		cnt := max(l.Count, 1)
		n += cnt
		s := byArm[l.Action]
		if s == nil {
			s = &sums{}
			byArm[l.Action] = s
		}
		s.weighted += float64(cnt) / l.Propensity
		s.variance += float64(cnt) * (1 - l.Propensity) / sq(l.Propensity)
	}
	arms := make([]string, 0, len(byArm))
	for a := range byArm {
		arms = append(arms, a)
	}
	slices.Sort(arms)
	out := make([]RatioCheck, 0, len(arms))
	for _, a := range arms {
		s := byArm[a]
		c := RatioCheck{Name: "arm " + a, Observed: s.weighted, Expected: float64(n), Of: n}
		switch d := s.weighted - float64(n); {
		case s.variance > 0:
			c.ChiSquare = d * d / s.variance
			c.PValue = min(1, float64(len(arms))*chiSquare1P(c.ChiSquare))
		case math.Abs(d) > 1e-9*float64(n):
			c.Error = "logged with propensity 1, yet other arms were shown"
		default:
			c.PValue = 1
		}
		c.Failed = c.PValue < SRMAlpha
		out = append(out, c)
	}
	return out
}

// chiSquare1P is P(X > x) for X chi-square with one degree of freedom: the two tails of a
// standard normal beyond sqrt(x).
func chiSquare1P(x float64) float64 { return math.Erfc(math.Sqrt(x / 2)) }

func sq(x float64) float64 { return x * x }
