package shift

import (
	"cmp"
	"math"
	"slices"
)

// Entry is one weighted, interned id of an interest vector.
type Entry struct {
	ID uint32
	W  float32
}

// RefSize is how many entries of the interest vector a State keeps as the reference from its
// last shift, and how many of the current vector are compared with it: the heaviest ones.
const RefSize = 5

// vec is a fixed-size, normalised top of an interest vector: weights sum to 1.
type vec struct {
	n int
	e [RefSize]Entry
}

// topOf returns the RefSize heaviest entries of v with positive weight (lowest id first among
// equals, so the result does not depend on v's order), normalised to sum 1.
func topOf(v []Entry) vec {
	var t vec
	for _, x := range v {
		if x.W <= 0 {
			continue
		}
		if t.n < RefSize {
			t.e[t.n] = x
			t.n++
		} else if j := t.lightest(); heavier(x, t.e[j]) {
			t.e[j] = x
		} else {
			continue
		}
	}
	slices.SortFunc(t.e[:t.n], func(a, b Entry) int {
		if c := cmp.Compare(b.W, a.W); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	var sum float64
	for _, x := range t.e[:t.n] {
		sum += float64(x.W)
	}
	n := 0
	for _, x := range t.e[:t.n] {
		// A weight far below the others may round to 0: it is then not part of the mix.
		if x.W = float32(float64(x.W) / sum); x.W > 0 {
			t.e[n] = x
			n++
		}
	}
	clear(t.e[n:t.n])
	t.n = n
	return t
}

func heavier(a, b Entry) bool { return a.W > b.W || (a.W == b.W && a.ID < b.ID) }

func (t *vec) lightest() int {
	j := 0
	for i := 1; i < t.n; i++ {
		if heavier(t.e[j], t.e[i]) {
			j = i
		}
	}
	return j
}

// Distance is the Jensen–Shannon distance (base 2, so in [0, 1]) between the tops of two
// interest vectors, each normalised to a distribution: 0 for the same mix, 1 for nothing in
// common. An empty vector is at distance 1 from a non-empty one and 0 from another empty one.
//
// It is the square root of the Jensen–Shannon divergence, which makes it a metric. Jensen–Shannon
// rather than cosine: it compares where the shopper's attention mass is, so it grows steadily
// with the share of the mix that moved (a quarter of the mix new: 0.42; half: 0.56; all: 1),
// it is bounded and symmetric, and unlike cosine it does not square the weights, which lets one
// dominant category hide a real move in the rest of the mix.
func Distance(a, b []Entry) float64 {
	ta, tb := topOf(a), topOf(b)
	return jensenShannon(&ta, &tb)
}

func jensenShannon(p, q *vec) float64 {
	switch {
	case p.n == 0 && q.n == 0:
		return 0
	case p.n == 0 || q.n == 0:
		return 1
	}
	var div float64
	// Terms of ids in p (and maybe q), then ids only in q.
	for _, x := range p.e[:p.n] {
		pw, qw := float64(x.W), float64(q.weight(x.ID))
		if pw <= 0 {
			continue
		}
		m := (pw + qw) / 2
		div += pw * math.Log2(pw/m)
		if qw > 0 {
			div += qw * math.Log2(qw/m)
		}
	}
	for _, y := range q.e[:q.n] {
		if y.W > 0 && p.weight(y.ID) == 0 {
			qw := float64(y.W)
			div += qw * math.Log2(qw/(qw/2))
		}
	}
	js := div / 2
	return math.Sqrt(math.Min(1, math.Max(0, js)))
}

func (t *vec) weight(id uint32) float32 {
	for _, x := range t.e[:t.n] {
		if x.ID == id {
			return x.W
		}
	}
	return 0
}
