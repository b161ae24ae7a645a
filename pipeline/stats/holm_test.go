package stats

import "testing"

// R's p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") is 0.03 0.06 0.06 0.02, and
// p.adjust(c(0.5, 0.2, 0.9), "holm") is 1 0.6 1.
func TestHolmMatchesR(t *testing.T) {
	f := func(p, want []float64) {
		t.Helper()
		got := Holm(p)
		for i := range want {
			if !near(got[i], want[i], 1e-12) {
				t.Errorf("Holm(%v) = %v, want %v", p, got, want)
				return
			}
		}
	}
	f([]float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02})
	f([]float64{0.5, 0.2, 0.9}, []float64{1, 0.6, 1})
	f([]float64{0.04}, []float64{0.04})
	if len(Holm(nil)) != 0 {
		t.Error("empty family")
	}
}
