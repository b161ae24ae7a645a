package interest

import "math"

// Ranked is a category id with the model's score for it.
type Ranked struct {
	ID    uint32
	Score float64
}

// Ranker ranks for one shopper at a time from their State, allocating nothing once its
// buffers have grown: what a live stage calls on every event. It holds scratch buffers, so each
// goroutine uses its own; the Model it ranks with is shared.
type Ranker struct {
	m      *Model
	c      candidates
	logits []float64 // of the latest ranking's candidates
	head   []Ranked  // the latest Top, scored by logits
}

// Ranker returns a ranker of m.
func (m *Model) Ranker() *Ranker { return &Ranker{m: m} }

// Top appends to dst the k categories the model ranks highest for a shopper in state st, best
// first (ties by id), and returns it. Scores are the ranker's probabilities renormalised over
// those k: the shape of the prediction at its head, which is all a shift detector compares, at
// the cost of k exponentials instead of one per candidate. Ids in st are below n (ids from
// Vocabulary() up are categories the caller numbered itself; they rank only from st).
func (r *Ranker) Top(dst []Ranked, st *State, n, k int) []Ranked {
	start := len(dst)
	dst = r.top(dst, st, n, k)
	r.head = append(r.head[:0], dst[start:]...)
	top := dst[start:]
	if len(top) == 0 {
		return dst
	}
	hi, z := top[0].Score, 0.0
	for i := range top {
		top[i].Score = math.Exp(top[i].Score - hi)
		z += top[i].Score
	}
	for i := range top {
		top[i].Score /= z
	}
	return dst
}

// Probabilities appends to dst the categories of the latest Top, their scores now the
// ranker's probabilities over all its candidates: what a published prediction states, without
// ranking again.
func (r *Ranker) Probabilities(dst []Ranked) []Ranked {
	if len(r.head) == 0 {
		return dst
	}
	hi, z := r.head[0].Score, 0.0
	for _, v := range r.logits {
		z += math.Exp(v - hi)
	}
	for _, h := range r.head {
		dst = append(dst, Ranked{ID: h.ID, Score: math.Exp(h.Score-hi) / z})
	}
	return dst
}

// top appends the k candidates with the highest logits, best first, their scores the logits.
func (r *Ranker) top(dst []Ranked, st *State, n, k int) []Ranked {
	m, c := r.m, &r.c
	if k <= 0 {
		return dst
	}
	c.gather(&m.stats, &m.cfg, st, max(n, len(m.names)), false)
	r.logits = r.logits[:0]
	for i := range c.list {
		v := 0.0
		for d, x := range c.list[i].f {
			v += m.w[d] * x
		}
		r.logits = append(r.logits, v)
	}
	start := len(dst)
	better := func(a, b Ranked) bool { return a.Score > b.Score || a.Score == b.Score && a.ID < b.ID }
	for i, v := range r.logits {
		e := Ranked{ID: c.list[i].id, Score: v}
		head := dst[start:]
		if len(head) == k && !better(e, head[k-1]) {
			continue
		}
		if len(head) < k {
			dst = append(dst, e)
		} else {
			dst[len(dst)-1] = e
		}
		for j := len(dst) - 1; j > start && better(dst[j], dst[j-1]); j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
		}
	}
	return dst
}
