package stats

import "math"

// Wilson returns the Wilson score interval (Wilson 1927) for a rate of successes in trials at
// the given confidence level, the interval Newcombe (1998, "Two-sided confidence intervals for
// the single proportion: comparison of seven methods", Statistics in Medicine 17:857–872, method
// 3) recommends: unlike the Wald interval it stays inside [0, 1] and keeps its coverage for rare
// events such as clicks. With no trials nothing is known and the interval is [0, 1]; a confidence
// outside (0, 1) gives NaN bounds.
func Wilson(successes, trials uint64, confidence float64) Interval {
	if trials == 0 {
		return Interval{Lo: 0, Hi: 1}
	}
	z := Z(confidence)
	n := float64(trials)
	p := math.Min(float64(successes)/n, 1)
	z2 := z * z
	denom := 1 + z2/n
	center := (p + z2/(2*n)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return Interval{Lo: math.Max(0, center-half), Hi: math.Min(1, center+half)}
}
