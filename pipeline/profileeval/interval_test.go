package profileeval

import (
	"math"
	"testing"
)

// The bootstrap interval is the 2.5th and 97.5th percentiles, interpolated between order
// statistics (type 7, as R's quantile and numpy's percentile default).
func TestIntervalPercentiles(t *testing.T) {
	f := func(values []float64, lo, hi float64) {
		t.Helper()
		got := interval(values)
		if math.Abs(got[0]-lo) > 1e-12 || math.Abs(got[1]-hi) > 1e-12 {
			t.Errorf("interval(%v) = %v, want [%v, %v]", values, got, lo, hi)
		}
	}
	f(nil, 0, 0)
	f([]float64{0.5}, 0.5, 0.5)
	f([]float64{1, 0}, 0.025, 0.975)
	var hundred []float64
	for i := 100; i >= 0; i-- {
		hundred = append(hundred, float64(i))
	}
	f(hundred, 2.5, 97.5)
}
