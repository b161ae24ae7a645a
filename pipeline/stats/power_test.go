package stats

import (
	"math"
	"testing"
)

// The textbook two-proportion sample size (normal approximation, no continuity correction):
// p1 = 0.10 against p2 = 0.15 at α = 0.05 two-sided and 80% power needs
// 7.849·(0.09 + 0.1275)/0.05² = 682.9, so 683 per group; (z_{0.975} + z_{0.8})² = 7.849.
func TestSampleSizeMatchesTheStandardFormula(t *testing.T) {
	if z := Z(0.95) + ZPower(0.8); !near(z*z, 7.8489, 1e-4) {
		t.Errorf("(z_.975 + z_.8)² = %v, want 7.8489", z*z)
	}
	n := SampleSize(0.10*0.90+0.15*0.85, 0.05, 0.05, 0.8)
	if math.Ceil(n) != 683 {
		t.Errorf("n = %v, want 683 per group", n)
	}
	// The minimum detectable effect at that n is the effect it was sized for.
	se := math.Sqrt((0.10*0.90 + 0.15*0.85) / n)
	if mde := MinimumDetectable(se, 0.05, 0.8); !near(mde, 0.05, 1e-12) {
		t.Errorf("MDE at n = %v: %v, want 0.05", n, mde)
	}
	if m := MinimumDetectable(1, 0.05, 0.8); !near(m, 2.8016, 1e-4) {
		t.Errorf("MDE per SE %v, want 2.8016", m)
	}
}
