package interest

import "slices"

// Groups are the interest groups learned for products without a category (GroupLearner): each
// product the learner saw is in one group, and a group's name ("ceramic bowl", "christmas
// decoration") stands for a category wherever categories are read. Groups are immutable and
// safe for concurrent use.
type Groups struct {
	names    []string
	products []string // sorted
	group    []uint32 // by product
	v        vocab
	centres  []sparse // by group: the heaviest words of its centre, for Place
}

// centreWords is how many words of a group's centre Place compares a title with.
const centreWords = 48

// newGroups keeps the clustering of ids (sorted) and names its groups from titles.
func newGroups(v *vocab, ids []string, assign []int, centres [][]float64, title func(string) string) *Groups {
	g := &Groups{products: ids, group: make([]uint32, len(ids)), v: *v}
	for i, a := range assign {
		g.group[i] = uint32(a)
	}
	g.names = nameGroups(ids, assign, len(centres), title)
	g.centres = make([]sparse, len(centres))
	for j, c := range centres {
		g.centres[j] = heaviest(c, centreWords)
	}
	return g
}

// heaviest is the n largest coordinates of d as a sparse vector, the lower index on a tie.
func heaviest(d []float64, n int) sparse {
	var s sparse
	for i, w := range d {
		if w > 0 {
			s = append(s, entry{i, w})
		}
	}
	return s.top(n)
}

// Len is how many groups there are.
func (g *Groups) Len() int {
	if g == nil {
		return 0
	}
	return len(g.names)
}

// Names returns the groups' names, by group.
func (g *Groups) Names() []string {
	if g == nil {
		return nil
	}
	return slices.Clone(g.names)
}

// Products is how many products the groups hold.
func (g *Groups) Products() int {
	if g == nil {
		return 0
	}
	return len(g.products)
}

// Of returns the name of the group product id was learned into.
func (g *Groups) Of(id string) (string, bool) {
	if g == nil {
		return "", false
	}
	i, ok := slices.BinarySearch(g.products, id)
	if !ok {
		return "", false
	}
	return g.names[g.group[i]], true
}

// Place returns the group of product id, or for a product the groups never saw, the group whose
// words its title is closest to; false when its title shares no word with any group.
func (g *Groups) Place(id, title string) (string, bool) {
	if name, ok := g.Of(id); ok {
		return name, true
	}
	if g == nil {
		return "", false
	}
	vec := g.v.vector(title)
	best, bestSim := -1, 0.0
	for j, c := range g.centres {
		if s := dotSparse(vec, c); s > bestSim {
			best, bestSim = j, s
		}
	}
	if best < 0 {
		return "", false
	}
	return g.names[best], true
}

// dotSparse is a·b for two vectors by ascending index.
func dotSparse(a, b sparse) float64 {
	var x float64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i].i < b[j].i:
			i++
		case a[i].i > b[j].i:
			j++
		default:
			x += a[i].w * b[j].w
			i, j = i+1, j+1
		}
	}
	return x
}
