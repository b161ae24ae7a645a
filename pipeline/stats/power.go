package stats

import "math"

// Power is 0.8 in the report's minimum detectable effects: the conventional 80% power.
const Power = 0.8

// ZPower is the one-sided standard normal quantile of a power: Φ⁻¹(power).
func ZPower(power float64) float64 { return math.Sqrt2 * math.Erfinv(2*power-1) }

// MinimumDetectable is the smallest effect a two-sided fixed-horizon z-test at level α detects
// with the given power when the estimate's standard error is se:
//
//	MDE = (z_{1−α/2} + z_{power}) · SE,
//
// the standard normal-approximation formula: about 2.8 standard errors at α = 0.05 and 80% power.
func MinimumDetectable(se, alpha, power float64) float64 {
	return (Z(1-alpha) + ZPower(power)) * se
}

// SampleSize is how many units each group needs for a two-sided z-test at level α to detect
// effect with the given power when one unit pair contributes variance unitVar to the difference
// (for two proportions p1, p2: p1(1−p1) + p2(1−p2)):
//
//	n = (z_{1−α/2} + z_{power})² · unitVar / effect².
func SampleSize(unitVar, effect, alpha, power float64) float64 {
	z := Z(1-alpha) + ZPower(power)
	return z * z * unitVar / (effect * effect)
}
