package features

import "math"

// weight is one named, decayed weight of a profile.
type weight struct {
	name string
	w    float64
}

// normalize scales v in place to unit length and returns it; a zero vector stays zero.
func normalize(v []weight) []weight {
	var sum float64
	for _, e := range v {
		sum += e.w * e.w
	}
	if sum == 0 {
		return v
	}
	n := math.Sqrt(sum)
	for i := range v {
		v[i].w /= n
	}
	return v
}

// cosineDistance returns 1 - cos(a, b) for two sparse vectors of non-negative weights, names
// absent from one counting as zero there: 0 for the same direction, 1 for nothing in common. Two
// empty vectors are at distance 0; an empty and a non-empty one at distance 1.
//
// Sums run in slice order, so the same profile always gives the same bits. Profiles are small, so
// the quadratic lookup beats building a map.
func cosineDistance(a, b []weight) float64 {
	var dot, na, nb float64
	for _, x := range a {
		na += x.w * x.w
		for _, y := range b {
			if y.name == x.name {
				dot += x.w * y.w
				break
			}
		}
	}
	for _, y := range b {
		nb += y.w * y.w
	}
	switch {
	case na == 0 && nb == 0:
		return 0
	case na == 0 || nb == 0:
		return 1
	}
	return math.Max(0, 1-dot/math.Sqrt(na*nb))
}
