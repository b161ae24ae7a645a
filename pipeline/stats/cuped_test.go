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

// Each group needs a covariate for every metric and at least two units; each condition alone is
// enough to refuse. (Computing Σ(x−x̄)(x+x̄) instead of Σ(x−x̄)² for Var(x) is an equivalent
// change: the two sums are both Σx² − n·x̄², so no test can tell them apart.)
func TestCUPEDRejectsMismatchedOrTinyGroups(t *testing.T) {
	ok3, ok2 := []float64{1, 2, 3}, []float64{1, 2}
	f := func(name string, yt, xt, yc, xc []float64) {
		t.Helper()
		if _, err := CUPEDOf(yt, xt, yc, xc); !errors.Is(err, ErrTooFewUnits) {
			t.Errorf("%s: error %v, want ErrTooFewUnits", name, err)
		}
	}
	f("treatment covariate short", ok3, ok2, ok3, ok3)
	f("control covariate short", ok3, ok3, ok3, ok2)
	f("one treatment unit", []float64{1}, []float64{1}, ok3, ok3)
	f("one control unit", ok3, ok3, []float64{1}, []float64{1})
	if _, err := CUPEDOf(ok2, ok2, ok2, []float64{2, 1}); err != nil {
		t.Errorf("two units a group: %v", err)
	}
}
