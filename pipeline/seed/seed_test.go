package seed

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"
)

// reference is the hash spelled out with hash/fnv, as the creatives stage computed it before this
// package: arm assignments and the holdout depend on it staying the same.
func reference(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func TestHash(t *testing.T) {
	f := func(parts ...string) {
		t.Helper()
		if got, want := Hash(parts...), reference(parts...); got != want {
			t.Errorf("Hash(%q) = %#x, want %#x", parts, got, want)
		}
	}
	f()
	f("")
	f("u1", "adshift")
	f("u1", "7", "adshift")
	f("用户", "personal", "\x00")
	if Hash("ab", "c") == Hash("a", "bc") {
		t.Error(`("ab","c") and ("a","bc") collide`)
	}
}

func TestUnit(t *testing.T) {
	var sum float64
	const n = 100_000
	for i := range n {
		u := Unit("u", string(rune(i)))
		if u < 0 || u >= 1 {
			t.Fatalf("Unit = %v, outside [0, 1)", u)
		}
		sum += u
	}
	if mean := sum / n; mean < 0.49 || mean > 0.51 {
		t.Errorf("mean of %d units %.4f, want about 0.5", n, mean)
	}
}

func TestRandIsReproducible(t *testing.T) {
	a, b, c := Rand("thompson", "u1"), Rand("thompson", "u1"), Rand("thompson", "u2")
	x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
	if x != y {
		t.Error("the same parts gave different draws")
	}
	if x == z {
		t.Error("different parts gave the same draw")
	}
}

func BenchmarkHash(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Hash("user-123456", "product-98765", "personal")
	}
}

// Rand draws what the bandit drew before this package, from a PCG seeded with the parts' FNV-1a
// as it is: a posterior draw, and so an arm and its propensity, stays the same across releases
// for the same (user, version, salt).
func TestRandDrawsAsTheBanditDid(t *testing.T) {
	old := func(parts ...string) *rand.Rand {
		h := fnv.New64a()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		s := h.Sum64()
		return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
	}
	for _, parts := range [][]string{{"thompson", "adshift", "u1", "7"}, {"moments", "0.5", "2"}, {""}} {
		got, want := Rand(parts...), old(parts...)
		for i := range 5 {
			if g, w := got.Float64(), want.Float64(); g != w {
				t.Fatalf("Rand(%q) draw %d = %v, want %v", parts, i, g, w)
			}
		}
	}
}
