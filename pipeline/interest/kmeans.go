package interest

import (
	"math"
	"math/rand/v2"
)

// kmeansSeed seeds the choice of the first centres, so that the same vectors give the same groups.
const kmeansSeed = 0x61647368696674

// kmeans clusters unit vectors of dimension dim into k groups by cosine (spherical k-means):
// k-means++ seeding from a fixed seed, then at most iterations rounds of assigning each vector
// to its closest centre and moving the centres to their members' normalised mean. It returns
// each vector's group and the unit centres. A group left empty takes the vector farthest from
// its own centre, so every group has members.
func kmeans(vecs []sparse, dim, k, iterations int) ([]int, [][]float64) {
	centres := seedCentres(vecs, dim, k)
	assign := make([]int, len(vecs))
	for i := range assign {
		assign[i] = -1
	}
	for range iterations {
		if !reassign(vecs, centres, assign) {
			break
		}
		recentre(vecs, dim, centres, assign)
	}
	return assign, centres
}

// seedCentres picks k vectors as the first centres, each next one with a probability growing
// with its squared distance from the centres so far (k-means++).
func seedCentres(vecs []sparse, dim, k int) [][]float64 {
	rng := rand.New(rand.NewPCG(kmeansSeed, uint64(len(vecs))))
	centres := make([][]float64, 0, k)
	best := make([]float64, len(vecs)) // each vector's cosine with its closest centre so far
	for i := range best {
		best[i] = math.Inf(-1)
	}
	pick := rng.IntN(len(vecs))
	for len(centres) < k {
		c := dense(vecs[pick], dim)
		centres = append(centres, c)
		var total float64
		for i, v := range vecs {
			best[i] = math.Max(best[i], v.dot(c))
			d := 1 - best[i]
			total += d * d
		}
		if total <= 0 {
			break // every vector sits on a centre: fewer distinct vectors than k
		}
		r := rng.Float64() * total
		pick = len(vecs) - 1
		for i := range vecs {
			d := 1 - best[i]
			if r -= d * d; r < 0 {
				pick = i
				break
			}
		}
	}
	return centres
}

// reassign puts each vector in its closest centre's group, the lower group on a tie, and
// reports whether any moved.
func reassign(vecs []sparse, centres [][]float64, assign []int) bool {
	moved := false
	for i, v := range vecs {
		g, bestSim := 0, math.Inf(-1)
		for j, c := range centres {
			if s := v.dot(c); s > bestSim {
				g, bestSim = j, s
			}
		}
		if assign[i] != g {
			assign[i], moved = g, true
		}
	}
	return moved
}

// recentre moves each centre to its members' normalised mean; an empty group takes the vector
// least like its own centre.
func recentre(vecs []sparse, dim int, centres [][]float64, assign []int) {
	counts := make([]int, len(centres))
	for _, c := range centres {
		clear(c)
	}
	for i, v := range vecs {
		counts[assign[i]]++
		for _, e := range v {
			centres[assign[i]][e.i] += e.w
		}
	}
	for j, c := range centres {
		if counts[j] == 0 {
			far := farthest(vecs, centres, assign, counts)
			counts[assign[far]]--
			assign[far], counts[j] = j, 1
			for _, e := range vecs[far] {
				c[e.i] = e.w
			}
		}
		unit(c)
	}
}

// farthest is the vector least like its group's centre, among groups of more than one.
func farthest(vecs []sparse, centres [][]float64, assign, counts []int) int {
	// far's first value is never returned: recentre asks only when a group is empty, and k is at
	// most the vectors, so some group holds two or more and one of them is less like its centre
	// than +Inf.
	far, farSim := 0, math.Inf(1)
	for i, v := range vecs {
		if counts[assign[i]] < 2 {
			continue
		}
		c := centres[assign[i]]
		if s := v.dot(c) / math.Max(norm(c), 1e-12); s < farSim {
			far, farSim = i, s
		}
	}
	return far
}

func dense(s sparse, dim int) []float64 {
	d := make([]float64, dim)
	for _, e := range s {
		d[e.i] = e.w
	}
	return d
}

func norm(d []float64) float64 {
	var n float64
	for _, x := range d {
		n += x * x
	}
	return math.Sqrt(n)
}

func unit(d []float64) {
	if n := norm(d); n > 0 {
		for i := range d {
			d[i] /= n
		}
	}
}
