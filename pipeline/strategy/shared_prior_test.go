package strategy

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// Mutants of this package left alive on purpose, as no behaviour changes:
//   - beta.go, x+y == 0 as x-y == 0: both guard the underflow of both draws, where x = y = 0;
//     they differ only when two continuous draws are exactly equal, and then x/(x+y) is ½ either way
//     up to the mean's difference, an event of probability zero.
//   - propensity.go, |k-g| <= tol as <, the tail's > as >=, depth-1 as depth+1: exact equality
//     of two float estimates, and a depth bound the quadrature never reaches on these densities.
//   - shared.go, the multipliers' start value 1: the alternating fit converges to the same
//     fixed point from any positive start within its 25 rounds.

func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	c := DefaultConfig()
	if c.HalfLife != 168*time.Hour || c.HoldoutShare != 0.1 || c.RefreshInterval != time.Minute ||
		c.Policy != ChooseUniform || c.Salt != "adshift" || c.Experiment != "default" || c.PriorStrength != 0 {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	if len(c.Arms) != 5 || c.Arms[0] != ArmValue || c.Arms[4] != ArmPersonal {
		t.Errorf("default arms %v", c.Arms)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestSegmentOfASingleCategory(t *testing.T) {
	one := schemas.Summary{Categories: []schemas.Weighted{{Name: "Home.Kitchen", Weight: 1}}}
	if got := Segment(one); got != "home" {
		t.Errorf("Segment of one category = %q, want home", got)
	}
}

// A cell the store lists with no impressions is no evidence: it gives its segment no posteriors
// of its own.
func TestCellsWithoutImpressionsMakeNoSegment(t *testing.T) {
	th := newThompson(t, Config{HoldoutShare: -1})
	st := append(stats("seen", 1000, map[string]float64{"value": 0.05}), ArmStat{Segment: "empty", Arm: "value"})
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	for _, p := range th.Posteriors() {
		if p.Segment == "empty" {
			t.Fatalf("a segment with no impressions has posteriors of its own: %+v", p)
		}
	}
}

// With one arm and one segment the shared model has a closed form. There is no excess variance
// between segments, so the base prior is at its bound (maxShrink pseudo-clicks around the pooled
// rate (clicks+1)/(impressions+2)). A cell's prior mean is base × multiplier, the multiplier
// (clicks elsewhere + 1)/(exposure elsewhere + 1), and its relative variance is that of the
// multiplier's Gamma posterior, 1/(clicks elsewhere + 1): so the strength is
// (1-mean)/(mean × relVar) - 1 impressions, at least 1, and the cell's own counts add to it.
func TestOneArmOneSegmentPriorsMatchTheClosedForm(t *testing.T) {
	f := func(imp, clk uint64) {
		t.Helper()
		th := newThompson(t, Config{Arms: []string{"only"}, HoldoutShare: -1})
		if err := th.Refresh(context.Background(), &fixedStats{stats: []ArmStat{{Segment: "s", Arm: "only", Impressions: imp, Clicks: clk}}}); err != nil {
			t.Fatal(err)
		}
		n, k := float64(imp), float64(clk)
		global := (k + 1) / (n + 2)
		base := (k + 1e4) / (n + 1e4/global)
		prior := func(mean, relVar float64) (alpha, beta float64) {
			mean = min(max(mean, 1e-4), 1-1e-4)
			s := max((1-mean)/(mean*relVar)-1, 1)
			return s * mean, s * (1 - mean)
		}
		unseenA, unseenB := prior(global*(k+1)/(n*base+1), 1/(k+1))
		ownA, ownB := prior(base, 1)
		want := map[string][2]float64{"": {unseenA, unseenB}, "s": {ownA + k, ownB + n - k}}
		got := posteriorsBy(th)
		for seg, w := range want {
			p := got[[2]string{seg, "only"}]
			if math.Abs(p.Alpha-w[0]) > 1e-6*w[0] || math.Abs(p.Beta-w[1]) > 1e-6*w[1] {
				t.Errorf("%d impressions, %d clicks: segment %q has Beta(%.10g, %.10g), want Beta(%.10g, %.10g)", imp, clk, seg, p.Alpha, p.Beta, w[0], w[1])
			}
		}
	}
	f(100, 10)
	f(5000, 40)
	f(100, 100)
	f(10_000, 10_000) // the unseen segment's prior mean is held below 1
	f(30, 0)
}

// The cells' heterogeneity tau2 is estimated by the method of moments: on cells drawn with a
// known relative variance around base × mult, a segment's prior strength is the one that
// variance implies, (1-mean)/(mean × (relVar + tau2)) - 1, within the estimate's noise.
func TestPriorStrengthFollowsTheCellsHeterogeneity(t *testing.T) {
	const (
		segments = 40
		imp      = 20_000
		tau2     = 0.04
	)
	r := seed.Rand("heterogeneity")
	// A Gamma(1/tau2, tau2) deviation has mean 1 and variance tau2.
	dev := func() float64 { return gammaDraw(r, 1/tau2) * tau2 }
	binomial := func(n int, p float64) uint64 {
		// normal approximation: n p is in the hundreds
		return uint64(math.Round(max(0, float64(n)*p+math.Sqrt(float64(n)*p*(1-p))*r.NormFloat64())))
	}
	arms := []string{"a", "b"}
	mult := []float64{0.8, 1.2}
	var st []ArmStat
	for s := range segments {
		base := 0.03 + 0.02*rand.New(rand.NewPCG(uint64(s), 1)).Float64()
		for i, a := range arms {
			st = append(st, ArmStat{Segment: "s" + strconv.Itoa(s), Arm: a, Impressions: imp, Clicks: binomial(imp, base*mult[i]*dev())})
		}
	}
	th := newThompson(t, Config{Arms: arms, HoldoutShare: -1})
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	clicks := map[[2]string]float64{}
	var armClicks [2]float64
	for _, s := range st {
		clicks[[2]string{s.Segment, s.Arm}] = float64(s.Clicks)
		if s.Arm == "a" {
			armClicks[0] += float64(s.Clicks)
		} else {
			armClicks[1] += float64(s.Clicks)
		}
	}
	var sum float64
	n := 0
	for _, p := range th.Posteriors() {
		if p.Segment == "" {
			continue
		}
		k := clicks[[2]string{p.Segment, p.Arm}]
		strength := p.Alpha + p.Beta - imp
		mean := (p.Alpha - k) / strength
		i := 0
		if p.Arm == "b" {
			i = 1
		}
		relVar := 1 / (armClicks[i] - k + 1)
		sum += (1-mean)/(mean*(strength+1)) - relVar // the tau2 this prior implies
		n++
	}
	if got := sum / float64(n); got < tau2/2 || got > tau2*2 {
		t.Errorf("priors imply a heterogeneity of %.4f, the cells were drawn with %.4f", got, tau2)
	}
}

// When segments agree on the arms (clicks binomial around base × mult), a cell's prior mean,
// built from its segment's base and the arm's record in every other segment, predicts the
// cell's own click-through rate, whatever each arm's share of the impressions.
func TestPriorMeansPredictCellsOfAgreeingSegments(t *testing.T) {
	r := seed.Rand("agreeing")
	arms := []string{"a", "b"}
	mult := []float64{0.8, 1.2}
	imps := []uint64{30_000, 10_000}
	var st []ArmStat
	for s := range 40 {
		base := 0.03 + 0.02*r.Float64()
		for i, a := range arms {
			n, p := float64(imps[i]), base*mult[i]
			k := math.Round(n*p + math.Sqrt(n*p*(1-p))*r.NormFloat64())
			st = append(st, ArmStat{Segment: "s" + strconv.Itoa(s), Arm: a, Impressions: imps[i], Clicks: uint64(k)})
		}
	}
	th := newThompson(t, Config{Arms: arms, HoldoutShare: -1})
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	post := posteriorsBy(th)
	for i, a := range arms {
		var ratio float64
		for _, s := range st {
			if s.Arm != a {
				continue
			}
			p := post[[2]string{s.Segment, a}]
			strength := p.Alpha + p.Beta - float64(s.Impressions)
			prior := (p.Alpha - float64(s.Clicks)) / strength
			ratio += prior / (float64(s.Clicks) / float64(s.Impressions))
		}
		if ratio /= 40; math.Abs(ratio-1) > 0.015 {
			t.Errorf("arm %s (multiplier %g): prior means are %.4f of the cells' own rates on average, want 1 ± 0.015", a, mult[i], ratio)
		}
	}
}

// Two segments that disagree about two arms: four cells are enough for the heterogeneity the
// model needs to see (three parameters fitted), and each cell follows its own data.
func TestTwoSegmentsThatDisagreeFollowTheirOwnData(t *testing.T) {
	arms := []string{"x", "y"}
	st := []ArmStat{
		{Segment: "a", Arm: "x", Impressions: 5000, Clicks: 400}, {Segment: "a", Arm: "y", Impressions: 5000, Clicks: 200},
		{Segment: "b", Arm: "x", Impressions: 5000, Clicks: 200}, {Segment: "b", Arm: "y", Impressions: 5000, Clicks: 400},
	}
	th := newThompson(t, Config{Arms: arms, HoldoutShare: -1})
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	post := posteriorsBy(th)
	for _, s := range st {
		own := float64(s.Clicks) / float64(s.Impressions)
		if m := post[[2]string{s.Segment, s.Arm}].Mean(); math.Abs(m-own) > 0.004 {
			t.Errorf("segment %s arm %s: posterior mean %.4f, its own rate %.4f", s.Segment, s.Arm, m, own)
		}
	}
}
