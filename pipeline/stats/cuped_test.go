package stats

import (
	"errors"
	"math"
	"testing"
)

// By hand: treatment y = (3, 5, 7), x = (1, 2, 3); control y = (2, 3, 7), x = (1, 2, 3). Pooled
// x̄ = 2, ȳ = 27/6 = 4.5; Σ(x−x̄)(y−ȳ) = (−1)(−1.5) + 0 + (1)(2.5) + (−1)(−2.5) + 0 + (1)(2.5) = 9,
// Σ(x−x̄)² = 4, θ = 2.25. Adjusted treatment y − 2.25(x − 2) = (5.25, 5, 4.75): mean 5, variance
// of the mean (0.0625+0+0.0625)/3/3 = 0.125/9; control (4.25, 3, 4.75): mean 4, variance
// ((0.25)²+1+(0.75)²)/9 = 1.625/9. Unadjusted variances (8/3)/3 and (14/3)/3.
func TestCUPEDMatchesHandComputation(t *testing.T) {
	r, err := CUPEDOf([]float64{3, 5, 7}, []float64{1, 2, 3}, []float64{2, 3, 7}, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	adjusted, raw := (0.125+1.625)/9, (8.0/3+14.0/3)/3
	if !near(r.Theta, 2.25, 1e-12) || !near(r.Diff, 1, 1e-12) || !near(r.Treatment.Value, 5, 1e-12) ||
		!near(r.DiffSE, math.Sqrt(adjusted), 1e-12) || !near(r.RawDiffSE, math.Sqrt(raw), 1e-12) ||
		!near(r.VarianceReduction, 1-adjusted/raw, 1e-12) {
		t.Errorf("CUPED %+v, want θ 2.25, diff 1, SE² %v (raw %v)", r, adjusted, raw)
	}
	if _, err := CUPEDOf([]float64{1, 2}, []float64{5, 5}, []float64{1, 3}, []float64{5, 5}); !errors.Is(err, ErrNoCovariateVariance) {
		t.Errorf("constant covariate: %v", err)
	}
}
