package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Johari, Pekelis & Walsh (2017), eq. (11) for two streams with known variance σ² and n pairs:
// Λ_n = √(2σ²/(2σ²+nτ²)) · exp(n²τ²(Ȳn − X̄n)² / (4σ²(2σ²+nτ²))).
func TestMSPRTMatchesJohariPekelisWalsh(t *testing.T) {
	f := func(sigma2, tau2 float64, n int, diff float64) {
		t.Helper()
		nf := float64(n)
		want := 0.5*math.Log(2*sigma2/(2*sigma2+nf*tau2)) + nf*nf*tau2*diff*diff/(4*sigma2*(2*sigma2+nf*tau2))
		got := MSPRTLogLR(Look{Effect: diff, Variance: 2 * sigma2 / nf}, tau2)
		if !near(got, want, 1e-9) {
			t.Errorf("σ²=%v τ²=%v n=%d diff=%v: log Λ = %v, want %v", sigma2, tau2, n, diff, got, want)
		}
	}
	f(1, 0.01, 1000, 0.1)
	f(0.09, 0.0004, 20000, 0.005)
	f(4, 1, 10, -2)
	f(1, 0.01, 1000, 0)
	// No evidence yet, no change.
	if got := MSPRTLogLR(Look{Effect: 1}, 0.1); got != 0 {
		t.Errorf("zero variance look: log Λ = %v, want 0", got)
	}
}

func TestAlwaysValidPIsARunningMinimum(t *testing.T) {
	looks := []Look{{0.5, 0.01}, {0.05, 0.005}}
	p, err := AlwaysValidP(looks, 0.04)
	if err != nil {
		t.Fatal(err)
	}
	first := math.Exp(-MSPRTLogLR(looks[0], 0.04))
	if !near(p, first, 1e-12) || first >= 0.05 {
		t.Errorf("p = %v, want the first look's %v: evidence once seen is never lost", p, first)
	}
	if p, _ := AlwaysValidP(nil, 0.04); p != 1 {
		t.Errorf("no looks: p = %v, want 1", p)
	}
	if _, err := AlwaysValidP(looks, 0); err == nil {
		t.Error("τ² = 0 accepted")
	}
}

// Under H0, looking after every one of 200 batches and stopping at the first p < 0.05 rejects in
// at most 5% of experiments with the always-valid p-value (Ville's inequality), while the
// fixed-horizon z-test looked at the same way rejects far more often.
func TestAlwaysValidPUnderContinuousMonitoring(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const experiments, looks, perLook = 400, 200, 10
	const tau2 = 0.05
	var msprt, naive int
	for range experiments {
		var sum float64
		var n int
		var seq []Look
		rejectedNaive := false
		for range looks {
			for range perLook {
				sum += rng.NormFloat64() // one difference of a pair, σ² = 1 per difference
				n++
			}
			l := Look{Effect: sum / float64(n), Variance: 1 / float64(n)}
			seq = append(seq, l)
			if math.Abs(l.Effect)/math.Sqrt(l.Variance) > Z(0.95) {
				rejectedNaive = true
			}
		}
		p, err := AlwaysValidP(seq, tau2)
		if err != nil {
			t.Fatal(err)
		}
		if p < 0.05 {
			msprt++
		}
		if rejectedNaive {
			naive++
		}
	}
	if rate := float64(msprt) / experiments; rate > 0.05 {
		t.Errorf("mSPRT rejected a true null in %.3f of experiments under continuous monitoring, want ≤ 0.05", rate)
	}
	if rate := float64(naive) / experiments; rate < 0.2 {
		t.Errorf("the peeking z-test rejected in only %.3f: the test does not exercise peeking", rate)
	}
	// And it has power: a real effect is found.
	var seq []Look
	var sum float64
	for n := 1; n <= 2000; n++ {
		sum += 0.3 + rng.NormFloat64()
		if n%10 == 0 {
			seq = append(seq, Look{Effect: sum / float64(n), Variance: 1 / float64(n)})
		}
	}
	if p, _ := AlwaysValidP(seq, tau2); p > 1e-6 {
		t.Errorf("effect 0.3σ over 2000 pairs: p = %v, want it found", p)
	}
}
