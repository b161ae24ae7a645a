package shift

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	f := func(a, b []Entry, want float64) {
		t.Helper()
		for _, got := range []float64{Distance(a, b), Distance(b, a)} {
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("Distance(%v, %v) = %v, want %v", a, b, got, want)
			}
		}
	}
	f(nil, nil, 0)
	f(nil, []Entry{{1, 1}}, 1)
	f([]Entry{{1, 1}}, []Entry{{1, 5}}, 0)                   // scale does not matter
	f([]Entry{{1, 1}}, []Entry{{2, 1}}, 1)                   // nothing in common
	f([]Entry{{1, 1}, {2, 3}}, []Entry{{2, 6}, {1, 2}}, 0)   // order does not matter
	f([]Entry{{1, 1}}, []Entry{{1, 1}, {2, 1}}, 0.557922967) // half the mix new: √(1.5·log2(4/3)-0.5)... by hand below
	f([]Entry{{1, 1}, {2, 0}}, []Entry{{1, 1}}, 0)           // zero weights are not part of the mix
	f([]Entry{{1, 1e-30}, {2, 1}}, []Entry{{2, 1}}, 0)       // weights rounding to 0 neither
	// Only the RefSize heaviest entries count.
	long := []Entry{{1, 10}, {2, 10}, {3, 10}, {4, 10}, {5, 10}, {6, 0.001}}
	f(long, long[:RefSize], 0)
}

// The half-moved case by hand: P = (1, 0), Q = (½, ½), M = (¾, ¼).
func TestDistanceByHand(t *testing.T) {
	kl := func(p, m []float64) float64 {
		var s float64
		for i := range p {
			if p[i] > 0 {
				s += p[i] * math.Log2(p[i]/m[i])
			}
		}
		return s
	}
	m := []float64{0.75, 0.25}
	want := math.Sqrt((kl([]float64{1, 0}, m) + kl([]float64{0.5, 0.5}, m)) / 2)
	if got := Distance([]Entry{{1, 1}}, []Entry{{1, 1}, {2, 1}}); math.Abs(got-want) > 1e-6 {
		t.Errorf("Distance = %v, want %v", got, want)
	}
}

// Of equally weighted interests beyond the top RefSize, the lower ids are kept, whatever their
// order: a mix of six equal interests is the same top as its five lowest ids, and not the same as
// its five highest.
func TestTopKeepsTheLowerIDsOfEqualWeights(t *testing.T) {
	six := []Entry{{6, 1}, {4, 1}, {2, 1}, {1, 1}, {3, 1}, {5, 1}}
	low := []Entry{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}
	high := []Entry{{2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}}
	top, l, h := topOf(six), topOf(low), topOf(high)
	if d := jensenShannon(&top, &l); d != 0 {
		t.Errorf("distance to the five lowest ids = %v, want 0", d)
	}
	if d := jensenShannon(&top, &h); d == 0 {
		t.Error("the top of six equal interests kept the highest ids")
	}
}
