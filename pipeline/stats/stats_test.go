package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestZ(t *testing.T) {
	f := func(c, want float64) {
		t.Helper()
		if got := Z(c); !near(got, want, 1e-9) {
			t.Errorf("Z(%v) = %v, want %v", c, got, want)
		}
	}
	// Standard normal quantiles, e.g. Abramowitz & Stegun table 26.5.
	f(0.95, 1.959963984540054)
	f(0.99, 2.5758293035489004)
	f(0.90, 1.6448536269514722)
	if !math.IsNaN(Z(1)) || !math.IsNaN(Z(0)) {
		t.Error("Z outside (0, 1) is not NaN")
	}
}

// Newcombe (1998), table I, method 3 (score interval without continuity correction), 95%.
func TestWilsonNewcombe1998(t *testing.T) {
	f := func(k, n uint64, lo, hi float64) {
		t.Helper()
		got := Wilson(k, n, 0.95)
		if !near(got.Lo, lo, 5e-5) || !near(got.Hi, hi, 5e-5) {
			t.Errorf("Wilson(%d, %d) = %v, want [%v, %v]", k, n, got, lo, hi)
		}
	}
	f(81, 263, 0.2553, 0.3662)
	f(15, 148, 0.0624, 0.1605)
	f(0, 20, 0, 0.1611)
	f(1, 29, 0.0061, 0.1718)
	f(29, 29, 0.8830, 1)
	if got := Wilson(0, 0, 0.95); got != (Interval{0, 1}) {
		t.Errorf("Wilson with no trials = %v, want [0, 1]", got)
	}
}

func bernoulliUnits(k, n int) []Unit {
	units := make([]Unit, n)
	for i := range units {
		units[i].Den = 1
		if i < k {
			units[i].Num = 1
		}
	}
	return units
}

// With one impression per shopper the delta method is the binomial variance, so the normal
// interval is Newcombe's (1998) table I method 1 (Wald): 81/263 gives 0.2522 to 0.3638.
func TestRatioOfReducesToWald(t *testing.T) {
	r, err := RatioOf(bernoulliUnits(81, 263))
	if err != nil {
		t.Fatal(err)
	}
	z := Z(0.95)
	lo, hi := r.Value-z*r.SE(), r.Value+z*r.SE()
	if !near(lo, 0.2522, 5e-5) || !near(hi, 0.3638, 5e-5) {
		t.Errorf("81/263: [%v, %v], want [0.2522, 0.3638]", lo, hi)
	}
	if _, err := RatioOf([]Unit{{1, 1}}); err == nil {
		t.Error("one unit gave a variance")
	}
	if _, err := RatioOf([]Unit{{0, 0}, {0, 0}}); err == nil {
		t.Error("no denominator gave a variance")
	}
}

// A small case by hand: units (num, den) = (1,2), (0,1), (3,3). μx = 2, μy = 4/3, σx² = 2/3,
// σy² = 14/9, σxy = 1 (plug-in moments), so Var = (14/9/4 − 2·(4/3)·1/8 + (16/9)·(2/3)/16)/3
// = (7/18 − 1/3 + 2/27)/3 = 7/162.
func TestRatioOfByHand(t *testing.T) {
	r, err := RatioOf([]Unit{{1, 2}, {0, 1}, {3, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.Value, 4.0/6, 1e-12) || !near(r.Variance, 7.0/162, 1e-12) || r.Units != 3 {
		t.Errorf("RatioOf = %+v, want value 2/3 variance 7/162", r)
	}
}

// clusteredGroup draws shoppers who each see 1–10 impressions and click with their own
// propensity around rate (a Beta spread), the dependence that makes impressions non-independent.
func clusteredGroup(rng *rand.Rand, users int, rate float64) []Unit {
	units := make([]Unit, users)
	for i := range units {
		imps := 1 + rng.IntN(30)
		// Shopper-level CTR: rate scaled by a skewed factor with mean 1 (4·U³): most shoppers rarely
		// click, a few click often.
		u := rng.Float64()
		p := math.Min(1, rate*4*u*u*u)
		clicks := 0
		for range imps {
			if rng.Float64() < p {
				clicks++
			}
		}
		units[i] = Unit{Num: float64(clicks), Den: float64(imps)}
	}
	return units
}

// The delta-method interval over shoppers covers the true lift about 95% of the time; treating
// impressions as independent (the binomial variance) covers it visibly less often.
func TestRelativeLiftCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const reps, users = 400, 400
	const control, treatment = 0.10, 0.13
	trueLift := treatment/control - 1
	var delta, naive int
	for range reps {
		tr, err := RatioOf(clusteredGroup(rng, users, treatment))
		if err != nil {
			t.Fatal(err)
		}
		co, err := RatioOf(clusteredGroup(rng, users, control))
		if err != nil {
			t.Fatal(err)
		}
		l, err := RelativeLift(tr, co, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if l.CI.Contains(trueLift) {
			delta++
		}
		// The naive variance: binomial over impressions.
		nt := Ratio{Value: tr.Value, Variance: tr.Value * (1 - tr.Value) / tr.Den}
		nc := Ratio{Value: co.Value, Variance: co.Value * (1 - co.Value) / co.Den}
		nl, _ := RelativeLift(nt, nc, 0.95)
		if nl.CI.Contains(trueLift) {
			naive++
		}
	}
	cover, naiveCover := float64(delta)/reps, float64(naive)/reps
	if cover < 0.92 || cover > 0.98 {
		t.Errorf("delta-method 95%% interval covered the true lift in %.3f of %d experiments", cover, reps)
	}
	if naiveCover > cover-0.04 {
		t.Errorf("impression-level interval covered %.3f, delta %.3f: the per-shopper variance should matter here", naiveCover, cover)
	}
}

func TestRelativeLiftByHand(t *testing.T) {
	tr := Ratio{Value: 0.12, Variance: 0.0001}
	co := Ratio{Value: 0.10, Variance: 0.0001}
	l, err := RelativeLift(tr, co, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// Var = 0.0001/0.01 + 0.0144·0.0001/0.0001 = 0.01 + 0.0144 = 0.0244; on the log scale
	// 0.0001/0.0144 + 0.0001/0.01 = 0.016944….
	if !near(l.Relative, 0.2, 1e-12) || !near(l.SE, math.Sqrt(0.0244), 1e-12) || !near(l.Diff, 0.02, 1e-12) ||
		!near(l.LogSE, math.Sqrt(0.0001/0.0144+0.01), 1e-12) {
		t.Errorf("lift %+v", l)
	}
	z := Z(0.95)
	if !near(l.CI.Lo, 1.2*math.Exp(-z*l.LogSE)-1, 1e-12) || !near(l.CI.Hi, 1.2*math.Exp(z*l.LogSE)-1, 1e-12) {
		t.Errorf("CI %v", l.CI)
	}
	// A small, noisy holdout: the symmetric interval would reach below −100%; this one cannot.
	wide, err := RelativeLift(Ratio{Value: 0.19, Variance: 0.0005}, Ratio{Value: 0.057, Variance: 0.001}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if wide.Relative-z*wide.SE > -1 || wide.CI.Lo <= -1 || !wide.CI.Contains(wide.Relative) {
		t.Errorf("noisy lift %+v: want an interval inside (−100%%, ∞) around the estimate where the symmetric one is not", wide)
	}
	// With no treatment clicks the log is undefined: the symmetric interval, cut at −100%. (Its
	// lower end is −1 whatever the width: Relative is −1 and any positive half-width, z·SE or
	// z/SE, takes it below −1 before the cut, so a change to the width there is equivalent.)
	zero, err := RelativeLift(Ratio{Value: 0, Variance: 0.0001}, co, 0.95)
	if err != nil || zero.CI.Lo != -1 || !near(zero.CI.Hi, -1+z*zero.SE, 1e-12) {
		t.Errorf("zero treatment: %+v %v", zero, err)
	}
	if _, err := RelativeLift(tr, Ratio{}, 0.95); err == nil {
		t.Error("zero control accepted")
	}
	if _, err := RelativeLift(tr, co, 1.5); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}
