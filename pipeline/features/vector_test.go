package features

import (
	"math"
	"testing"
)

func TestCosineDistance(t *testing.T) {
	f := func(a, b []weight, want float64) {
		t.Helper()
		if got := cosineDistance(a, b); math.Abs(got-want) > 1e-12 {
			t.Errorf("cosineDistance(%v, %v) = %v, want %v", a, b, got, want)
		}
		if got := cosineDistance(b, a); math.Abs(got-want) > 1e-12 {
			t.Errorf("cosineDistance(%v, %v) = %v, want %v (not symmetric)", b, a, got, want)
		}
	}
	f(nil, nil, 0)
	f(nil, []weight{{"a", 1}}, 1)
	f([]weight{{"a", 1}}, []weight{{"a", 5}}, 0)
	f([]weight{{"a", 1}}, []weight{{"b", 1}}, 1)
	f([]weight{{"a", 1}, {"b", 1}}, []weight{{"b", 3}, {"a", 3}}, 0)
	f([]weight{{"a", 1}, {"b", 1}}, []weight{{"a", 1}}, 1-1/math.Sqrt2)
	f([]weight{{"a", 3}, {"b", 4}}, []weight{{"a", 1}}, 1-0.6)
}

func TestNormalize(t *testing.T) {
	v := normalize([]weight{{"a", 3}, {"b", 4}})
	if v[0].w != 0.6 || v[1].w != 0.8 {
		t.Errorf("normalize(3, 4) = %v, want 0.6, 0.8", v)
	}
	if z := normalize([]weight{{"a", 0}}); z[0].w != 0 {
		t.Errorf("normalize(0) = %v, want 0", z)
	}
}
