package strategy

import (
	"math"
	"math/rand/v2"
)

// betaDraw draws from Beta(a, b), a, b > 0, as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
func betaDraw(r *rand.Rand, a, b float64) float64 {
	x, y := gammaDraw(r, a), gammaDraw(r, b)
	if x+y == 0 { // both underflowed: only possible for tiny shapes; the mean is the best guess
		return a / (a + b)
	}
	return x / (x + y)
}

// gammaDraw draws from Gamma(a, 1), a > 0, by Marsaglia and Tsang's method (ACM TOMS 26(3),
// 2000), boosting shapes below 1 with a uniform power.
func gammaDraw(r *rand.Rand, a float64) float64 {
	if a < 1 {
		return gammaDraw(r, a+1) * math.Pow(r.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
