package strategy

import (
	"math"
	"testing"
)

// binomialTail is I_x(a, b) for integer a, b by its finite sum: the probability of at least a
// successes in a+b-1 trials of probability x.
func binomialTail(a, b int, x float64) float64 {
	n := a + b - 1
	var sum float64
	for j := a; j <= n; j++ {
		lc, _ := math.Lgamma(float64(n + 1))
		l1, _ := math.Lgamma(float64(j + 1))
		l2, _ := math.Lgamma(float64(n - j + 1))
		sum += math.Exp(lc - l1 - l2 + float64(j)*math.Log(x) + float64(n-j)*math.Log1p(-x))
	}
	return sum
}

func TestRegIncBetaMatchesTheBinomialSum(t *testing.T) {
	f := func(a, b int, x float64) {
		t.Helper()
		got, want := regIncBeta(float64(a), float64(b), x, 1-x), binomialTail(a, b, x)
		if math.Abs(got-want) > 1e-12+1e-9*want {
			t.Errorf("I_%g(%d, %d) = %.15g, want %.15g", x, a, b, got, want)
		}
	}
	f(1, 1, 0.3)
	f(2, 5, 0.1)
	f(2, 5, 0.9)
	f(30, 970, 0.02)
	f(30, 970, 0.045) // far tail: a relative error matters here
	f(200, 9800, 0.0195)
	f(200, 9800, 0.021)
	f(1, 400, 0.001)
}

// twoArms is P(Y > X) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2) with integer a2, by the finite
// sum (Evan Miller, "Formulas for Bayesian A/B testing", 2015).
func twoArms(a1, b1 float64, a2 int, b2 float64) float64 {
	var sum float64
	for i := range a2 {
		fi := float64(i)
		sum += math.Exp(logBeta(a1+fi, b1+b2) - math.Log(b2+fi) - logBeta(1+fi, b2) - logBeta(a1, b1))
	}
	return sum
}

func TestTwoArmPropensitiesMatchTheClosedForm(t *testing.T) {
	checked := 0
	f := func(a1, b1 float64, a2 int, b2 float64) {
		t.Helper()
		want := twoArms(a1, b1, a2, b2)
		got := exactPropensities([]float64{a1, float64(a2)}, []float64{b1, b2})
		if want < 1e-4 {
			return
		}
		checked++
		if rel := math.Abs(got[1]-want) / want; rel > 0.01 {
			t.Errorf("P(Beta(%d, %g) > Beta(%g, %g)) = %.6g, closed form %.6g (relative error %.2g)", a2, b2, a1, b1, got[1], want, rel)
		}
		if rel := math.Abs(got[0]-(1-want)) / (1 - want); rel > 0.01 {
			t.Errorf("P(Beta(%g, %g) > Beta(%d, %g)) = %.6g, closed form %.6g", a1, b1, a2, b2, got[0], 1-want)
		}
	}
	for a2 := 1; a2 <= 20; a2++ {
		f(200, 9800, a2, float64(1000-a2)) // a rarely chosen arm against a well-known one
		f(2, 98, a2, float64(100-a2))      // the prior alone
	}
	f(1, 1, 1, 1)
	f(0.5, 49.5, 3, 97) // a prior shape below 1
	f(2000, 98000, 21, 979)
	if checked < 30 {
		t.Fatalf("only %d cases had a propensity of at least 1e-4", checked)
	}
}

// fineReference integrates P(arm i max) on a uniform grid of n points in x with trapezoids,
// the CDFs accumulated on the same grid: no incomplete beta, no adaptive quadrature.
func fineReference(alpha, beta []float64, n int) []float64 {
	k := len(alpha)
	h := 1 / float64(n)
	dens := make([][]float64, k)
	for i := range k {
		dens[i] = make([]float64, n+1)
		lb := logBeta(alpha[i], beta[i])
		for s := 1; s < n; s++ {
			x := float64(s) * h
			dens[i][s] = math.Exp((alpha[i]-1)*math.Log(x) + (beta[i]-1)*math.Log1p(-x) - lb)
		}
	}
	cdf := make([]float64, k)
	prevProd := make([]float64, k) // f_i(x) Π_{j≠i} F_j(x) at the previous point
	p := make([]float64, k)
	for s := 1; s <= n; s++ {
		for j := range k {
			cdf[j] += h * (dens[j][s-1] + dens[j][s]) / 2
		}
		for i := range k {
			v := dens[i][s]
			for j := range k {
				if j != i {
					v *= cdf[j]
				}
			}
			p[i] += h * (prevProd[i] + v) / 2
			prevProd[i] = v
		}
	}
	return p
}

func TestPropensitiesMatchAFineQuadrature(t *testing.T) {
	alpha := []float64{120.5, 100, 30, 45, 12.5}
	beta := []float64{5880, 4900, 1970, 1455, 987.5}
	got := exactPropensities(alpha, beta)
	want := fineReference(alpha, beta, 2_000_000)
	small := 0
	for i := range want {
		if want[i] < 1e-4 {
			continue
		}
		if want[i] < 1e-2 {
			small++
		}
		if rel := math.Abs(got[i]-want[i]) / want[i]; rel > 0.01 {
			t.Errorf("arm %d: propensity %.6g, reference %.6g (relative error %.2g)", i, got[i], want[i], rel)
		}
	}
	if small == 0 {
		t.Fatalf("no arm with a propensity between 1e-4 and 1e-2 in %v", want)
	}
}

func TestPropensitiesSumToOne(t *testing.T) {
	f := func(alpha, beta []float64) {
		t.Helper()
		var sum float64
		for i, p := range exactPropensities(alpha, beta) {
			if !(p >= 0 && p <= 1) {
				t.Errorf("arm %d of %v/%v: propensity %g", i, alpha, beta, p)
			}
			sum += p
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("propensities of %v/%v sum to %.9f", alpha, beta, sum)
		}
	}
	f([]float64{0.01, 0.5, 2}, []float64{99.99, 99.5, 98})      // shapes far below 1
	f([]float64{5e4, 5.1e4, 10}, []float64{9.5e5, 9.49e5, 990}) // a million impressions
	f([]float64{1, 1}, []float64{1, 2})
}
