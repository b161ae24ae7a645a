package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Howard et al. (2021) state the two-sided normal-mixture boundary for a sum S_t of t
// observations with variance σ² in intrinsic time v = tσ², mixing λ ~ N(0, 1/ρ):
// |S_t| < √((v+ρ)·ln((v+ρ)/(ρα²))). Mixing θ ~ N(0, τ²) on the mean is λ = θ/σ², ρ = σ⁴/τ², and
// the mean's radius is that bound over t: an independent parameterisation of MixtureRadius.
func TestMixtureRadiusMatchesHowardEtAl(t *testing.T) {
	f := func(sigma2, tau2 float64, n int, alpha float64) {
		t.Helper()
		tn := float64(n)
		v, rho := tn*sigma2, sigma2*sigma2/tau2
		want := math.Sqrt((v+rho)*math.Log((v+rho)/(rho*alpha*alpha))) / tn
		got := MixtureRadius(sigma2/tn, tau2, alpha)
		if !near(got, want, 1e-9) {
			t.Errorf("σ²=%v τ²=%v n=%d α=%v: radius %v, want %v", sigma2, tau2, n, alpha, got, want)
		}
	}
	f(1, 0.01, 1000, 0.05)
	f(0.09, 0.0004, 20000, 0.05)
	f(4, 1, 10, 0.01)
	f(0.25, 2, 3, 0.2)
	if r := MixtureRadius(0, 1, 0.05); !math.IsInf(r, 1) {
		t.Errorf("no variance: radius %v, want +Inf", r)
	}
}

// The sequence excludes 0 exactly when the always-valid p is below α, at every look of many
// random paths, with and without an effect.
func TestConfidenceSequenceAgreesWithAlwaysValidP(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const alpha = 0.05
	var rejected, agreed int
	for path := range 400 {
		effect := []float64{0, 0.02, 0.05}[path%3]
		tau2 := MixingVariance(1.0/500, alpha)
		var looks []Look
		var sum float64
		for k := 1; k <= 40; k++ {
			n := float64(25 * k)
			for range 25 {
				sum += effect + rng.NormFloat64()
			}
			looks = append(looks, Look{Effect: sum / n, Variance: 1 / n})
			p, _ := AlwaysValidP(looks, tau2)
			cs, empty, err := ConfidenceSequence(looks, tau2, alpha)
			if err != nil {
				t.Fatal(err)
			}
			excludes := empty || cs.Lo > 0 || cs.Hi < 0
			if excludes != (p < alpha) {
				t.Fatalf("path %d look %d: p = %v but sequence %v (empty %v)", path, k, p, cs, empty)
			}
			agreed++
			if k == 40 && excludes {
				rejected++
			}
		}
	}
	if rejected == 0 || agreed != 400*40 {
		t.Errorf("%d of 400 paths rejected, %d looks compared: the effects should be found sometimes", rejected, agreed)
	}
}

// With no effect, looking at every one of 200 looks, the sequence misses the truth in at most α of
// the paths (the guarantee a fixed-horizon interval charted at every look does not have).
func TestConfidenceSequenceCoversUnderPeeking(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const alpha, paths = 0.05, 1000
	tau2 := MixingVariance(1.0/2000, alpha)
	var cs, fixed int
	for range paths {
		var sum float64
		var looks []Look
		fixedMissed := false
		for k := 1; k <= 200; k++ {
			for range 10 {
				sum += rng.NormFloat64()
			}
			n := float64(10 * k)
			looks = append(looks, Look{Effect: sum / n, Variance: 1 / n})
			fixedMissed = fixedMissed || math.Abs(sum/n) > 1.959964/math.Sqrt(n)
		}
		c, empty, _ := ConfidenceSequence(looks, tau2, alpha)
		if empty || !c.Contains(0) {
			cs++
		}
		if fixedMissed {
			fixed++
		}
	}
	if float64(cs)/paths > alpha {
		t.Errorf("sequence missed the truth in %d of %d paths, want at most %v", cs, paths, alpha)
	}
	if float64(fixed)/paths < 2*alpha {
		t.Errorf("fixed-horizon interval peeked at 200 looks missed in only %d of %d paths", fixed, paths)
	}
}

// MixingVariance is the τ² that minimises the radius at the planned variance, within the
// approximation: a tenth more or less is no narrower.
func TestMixingVarianceIsNarrowestAtThePlan(t *testing.T) {
	for _, alpha := range []float64{0.01, 0.05, 0.1} {
		v := 0.003
		tau2 := MixingVariance(v, alpha)
		r := MixtureRadius(v, tau2, alpha)
		for _, m := range []float64{0.8, 0.9, 1.1, 1.25} {
			if o := MixtureRadius(v, m*tau2, alpha); o < r*(1-1e-3) {
				t.Errorf("α=%v: τ²×%v gives radius %v < %v", alpha, m, o, r)
			}
		}
	}
	if x := MixingVariance(1, 0.05); !near(x, 2*math.Log(20)+math.Log(1+2*math.Log(20)), 1e-12) || x < 7.9 || x > 8 {
		t.Errorf("τ²/V at α=0.05 = %v, want ≈ 7.94", x)
	}
}

// A look whose variance is unknown (0, NaN, +Inf) or a mixing variance that is not positive
// says nothing: the radius is +Inf, never NaN or 0 (a NaN radius would make the sequence empty).
func TestMixtureRadiusWithoutInformation(t *testing.T) {
	f := func(variance, tau2 float64) {
		t.Helper()
		if r := MixtureRadius(variance, tau2, 0.05); !math.IsInf(r, 1) {
			t.Errorf("variance %v τ² %v: radius %v, want +Inf", variance, tau2, r)
		}
	}
	f(0, 1)
	f(-1, 1)
	f(math.NaN(), 1)
	f(math.Inf(1), 1)
	f(1, 0)
	f(1, math.NaN())
	// (τ² ≥ 0 in place of τ² > 0 is equivalent: at τ² = 0 the formula's 2V(V+τ²)/τ² is +Inf too.)
	// One informative look, by hand: √(2·1·2/1·(ln 20 + ½ ln 2)) = 3.656395….
	if r := MixtureRadius(1, 1, 0.05); !near(r, 3.656395, 1e-6) {
		t.Errorf("radius %v, want 3.656395", r)
	}
}

// α must lie in (0, 1) at both ends, and τ² must be positive.
func TestConfidenceSequenceRejectsBadParameters(t *testing.T) {
	looks := []Look{{Effect: 0.1, Variance: 0.01}}
	for _, alpha := range []float64{0, 1, 1.5, -0.1, math.NaN()} {
		if _, _, err := ConfidenceSequence(looks, 1, alpha); !errors.Is(err, ErrConfidence) {
			t.Errorf("α %v: error %v, want ErrConfidence", alpha, err)
		}
	}
	if _, _, err := ConfidenceSequence(looks, 0, 0.05); !errors.Is(err, ErrMixingVariance) {
		t.Errorf("τ² 0: error %v, want ErrMixingVariance", err)
	}
}
