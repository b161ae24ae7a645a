package interest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// GroupConfig shapes the interest groups a GroupLearner derives.
type GroupConfig struct {
	// Groups is how many groups to form; 0 picks √(products/2), between 2 and 200.
	Groups int
	// CoPurchase is the weight of what a product is bought with beside its own title, in [0, 4].
	CoPurchase float64
	// Iterations bounds the k-means rounds.
	Iterations int
}

// DefaultGroupConfig returns the defaults: groups by product count, co-purchase weighing half
// as much as the title, at most 30 k-means rounds.
func DefaultGroupConfig() GroupConfig { return GroupConfig{CoPurchase: 0.5, Iterations: 30} }

// Validate reports every setting that cannot work.
func (c GroupConfig) Validate() error {
	var errs []error
	if c.Groups < 0 || c.Groups > maxGroups {
		errs = append(errs, fmt.Errorf("groups: %d is not in [0, %d]", c.Groups, maxGroups))
	}
	if !(c.CoPurchase >= 0 && c.CoPurchase <= 4) {
		errs = append(errs, fmt.Errorf("co_purchase: %v is not in [0, 4]", c.CoPurchase))
	}
	if c.Iterations < 1 || c.Iterations > 1000 {
		errs = append(errs, fmt.Errorf("iterations: %d is not in [1, 1000]", c.Iterations))
	}
	return errors.Join(errs...)
}

// maxGroups bounds the groups of a model.
const maxGroups = 1 << 12

// Item is one product of a basket: its id and its title.
type Item struct{ ID, Title string }

// GroupLearner derives interest groups for products that have no category: each product is a
// vector of its title's words (tf-idf) plus, weighted by CoPurchase, the mean title vector of
// what it was bought with (the other lines of its invoices, the other products of its
// sessions); spherical k-means clusters the vectors, and each cluster is named by the one or
// two words most distinctive of its titles. The same baskets in the same order give the same
// groups. A GroupLearner is used by one goroutine at a time.
type GroupLearner struct {
	ids    map[string]int
	titles []string       // by product index: the first non-empty title seen
	with   []map[int]bool // by product index: the products bought with it, by index
	order  []string       // product ids in order of first appearance
}

// NewGroupLearner returns a learner with no baskets yet.
func NewGroupLearner() *GroupLearner { return &GroupLearner{ids: make(map[string]int)} }

// AddBasket takes the products seen together in one invoice or session. Items without an id
// are ignored; a product's first non-empty title is its title.
func (l *GroupLearner) AddBasket(items []Item) {
	idx := make([]int, 0, len(items))
	for _, it := range items {
		if it.ID == "" {
			continue
		}
		i, ok := l.ids[it.ID]
		if !ok {
			i = len(l.order)
			l.ids[it.ID] = i
			l.order = append(l.order, it.ID)
			l.titles = append(l.titles, "")
			l.with = append(l.with, nil)
		}
		if l.titles[i] == "" {
			l.titles[i] = it.Title
		}
		idx = append(idx, i)
	}
	for _, i := range idx {
		for _, j := range idx {
			if i == j {
				continue
			}
			if l.with[i] == nil {
				l.with[i] = make(map[int]bool)
			}
			l.with[i][j] = true
		}
	}
}

// Products is how many products the learner has seen.
func (l *GroupLearner) Products() int { return len(l.order) }

// Groups clusters the products seen into groups. Products whose title has no telling word and
// that were bought with nothing are left out: Groups.Place may still place them later.
func (l *GroupLearner) Groups(cfg GroupConfig) (*Groups, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("interest groups: %w", err)
	}
	ids := slices.Clone(l.order)
	slices.Sort(ids) // the clustering's order depends on the products, not on the baskets' order
	v := newVocab(ids, func(id string) string { return l.titles[l.ids[id]] })
	titles := make([]sparse, len(l.order)) // by product index
	for i, t := range l.titles {
		titles[i] = v.vector(t)
	}
	vecs := make([]sparse, 0, len(ids))
	kept := make([]string, 0, len(ids))
	acc := make([]float64, len(v.keys))
	for _, id := range ids {
		vec := l.vector(titles, acc, id, cfg.CoPurchase)
		if len(vec) > 0 {
			vecs = append(vecs, vec)
			kept = append(kept, id)
		}
	}
	if len(kept) < 2 {
		return nil, fmt.Errorf("interest groups: %d products with a title or a co-purchase, want 2 or more", len(kept))
	}
	k := cfg.Groups
	if k == 0 {
		k = min(max(int(math.Round(math.Sqrt(float64(len(kept))/2))), 2), 200)
	}
	k = min(k, len(kept))
	assign, centroids := kmeans(vecs, len(v.keys), k, cfg.Iterations)
	return newGroups(v, kept, assign, centroids, func(id string) string { return l.titles[l.ids[id]] }), nil
}

// vector is the product's title vector plus w times the mean title vector of what it was
// bought with, normalised and cut to its productWords heaviest words; acc is a zeroed buffer
// of the vocabulary's size, left zeroed.
func (l *GroupLearner) vector(titles []sparse, acc []float64, id string, w float64) sparse {
	own := titles[l.ids[id]]
	with := l.with[l.ids[id]]
	if w == 0 || len(with) == 0 {
		return own
	}
	others := make([]int, 0, len(with))
	for o := range with {
		others = append(others, o)
	}
	slices.Sort(others) // a fixed order of summing, so the floats are the same every time
	var touched []int
	for _, o := range others {
		for _, e := range titles[o] {
			if acc[e.i] == 0 {
				touched = append(touched, e.i)
			}
			acc[e.i] += e.w
		}
	}
	slices.Sort(touched)
	co := make(sparse, 0, len(touched))
	for _, i := range touched {
		co = append(co, entry{i, acc[i]})
		acc[i] = 0
	}
	co.normalise()
	sum := make(map[int]float64, len(own)+len(co))
	for _, e := range own {
		sum[e.i] += e.w
	}
	for _, e := range co {
		sum[e.i] += w * e.w
	}
	out := fromMap(sum).top(productWords)
	out.normalise()
	return out
}

// productWords is how many words a product's vector keeps: its own title's and the strongest
// of what it is bought with, which keeps the vectors sparse and the clustering fast.
const productWords = 32

// top is the n largest coordinates of s, the lower index on a tie, by ascending index.
func (s sparse) top(n int) sparse {
	if len(s) <= n {
		return s
	}
	out := slices.Clone(s)
	slices.SortStableFunc(out, func(a, b entry) int { return cmp.Compare(b.w, a.w) })
	out = out[:n]
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.i, b.i) })
	return out
}

// entry is one coordinate of a sparse vector.
type entry struct {
	i int
	w float64
}

// sparse is a vector as its non-zero coordinates, by ascending index.
type sparse []entry

func fromMap(m map[int]float64) sparse {
	out := make(sparse, 0, len(m))
	for i, w := range m {
		if w != 0 {
			out = append(out, entry{i, w})
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Compare(a.i, b.i) })
	return out
}

func (s sparse) normalise() {
	var n float64
	for _, e := range s {
		n += e.w * e.w
	}
	if n == 0 {
		return
	}
	n = math.Sqrt(n)
	for k := range s {
		s[k].w /= n
	}
}

// dot is s·d for a dense d.
func (s sparse) dot(d []float64) float64 {
	var x float64
	for _, e := range s {
		x += e.w * d[e.i]
	}
	return x
}
