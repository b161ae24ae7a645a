package interest

import "math"

// The features of one candidate category for one shopper. The trainer and the model compute
// them with the same code (gather), from the statistics so far and the shopper's latest events.
const (
	fLast       = iota // 1 for the shopper's latest category
	fDecayed           // the shopper's events on it, each weighing Decay^(events since)
	fLogCount          // log(1 + the shopper's events on it, since it entered their State)
	fRecency           // 1 / its rank among the shopper's distinct categories, latest first
	fTransition        // P(it | the latest category)
	fRecentMove        // Σ 0.5^i P(it | the i-th latest distinct category), i < RecentDistinct
	fPopularity        // log of its share of all events
	fBias              // 1
	fUnseen            // 1 when the shopper has not engaged with it
	fRelated           // moves only: Σ 0.5^i P_co(it | the i-th latest distinct category), over the State
	fRelated2          // moves only: the same through one related category (doc.go, Moves)
	numFeatures
)

// featureNames name the features on the model card, in order.
func featureNames() [numFeatures]string {
	return [numFeatures]string{"last", "decayed_count", "log_count", "recency_rank",
		"transition", "recent_transitions", "log_popularity", "bias", "unseen", "related", "related2"}
}

// initialWeights start the ranker at "the latest category, then the shopper's decayed
// history", so that its first predictions are already the strongest simple rule's.
func initialWeights() [numFeatures]float64 {
	return [numFeatures]float64{fLast: 2, fDecayed: 1}
}

const relatedCandidates = 10
const hop2Candidates = 3

// candidate is one category a shopper may engage with next, with its features.
type candidate struct {
	id uint32
	f  [numFeatures]float64
}

// candidates is the scratch of one ranking: the candidates, the shopper's categories latest
// first, and an index from category id to candidate valid for the current generation
// (a dense array rather than a map: the ids are small and dense, and a new generation clears
// it in O(1)). Reused across events by the trainer; pooled by the model.
type candidates struct {
	list     []candidate
	distinct []uint32
	scores   []float64
	slot     []int32  // by category id: the candidate's position, when stamp says so
	stamp    []uint32 // by category id: the generation slot was set in
	gen      uint32
}

// reset empties c for a ranking over ids below n.
func (c *candidates) reset(n int) {
	c.list, c.distinct = c.list[:0], c.distinct[:0]
	if n > len(c.slot) {
		c.slot = append(c.slot, make([]int32, n-len(c.slot))...)
		c.stamp = append(c.stamp, make([]uint32, n-len(c.stamp))...)
	}
	c.gen++
	if c.gen == 0 { // wrapped: stamps of 0 must not pass for the current generation
		clear(c.stamp)
		c.gen = 1
	}
}

// find returns id's position among the candidates.
func (c *candidates) find(id uint32) (int, bool) {
	if c.stamp[id] != c.gen {
		return 0, false
	}
	return int(c.slot[id]), true
}

// get returns id's candidate, adding it.
func (c *candidates) get(id uint32) *candidate {
	i, ok := c.find(id)
	if !ok {
		i = len(c.list)
		c.slot[id], c.stamp[id] = int32(i), c.gen
		c.list = append(c.list, candidate{id: id})
	}
	return &c.list[i]
}

// gather fills c with the candidates for a shopper in state st: the categories of st, the
// counted successors of its latest RecentDistinct ones, and the most popular categories, each
// with its features. Every id in st is below n, and n is at least the statistics' vocabulary.
func (c *candidates) gather(s *stats, cfg *Config, st *State, n int, moves bool) {
	c.reset(n)
	for i := range st.Len() {
		id, decayed, count := st.Entry(i)
		c.distinct = append(c.distinct, id)
		f := c.get(id)
		f.f[fRecency] = 1 / float64(i+1)
		f.f[fDecayed] = float64(decayed)
		f.f[fLogCount] = float64(count)
	}
	if st.Len() > 0 {
		c.list[0].f[fLast] = 1
	}
	wr := 1.0
	for i, r := range c.distinct[:min(len(c.distinct), cfg.RecentDistinct)] {
		next := s.successors(r)
		for k, b := range next.top(cfg.Successors) {
			p := s.transition(r, k)
			f := c.get(b)
			if i == 0 {
				f.f[fTransition] = p
			}
			f.f[fRecentMove] += wr * p
		}
		wr *= 0.5
	}
	for _, b := range s.popular.ids {
		c.get(b)
	}
	c.finish(s, 0)
	if moves {
		c.addRelated(s, cfg)
	}
}

// finish sets the features of the candidates from the from-th on that depend on nothing but
// the candidate and what gather counted for it.
func (c *candidates) finish(s *stats, from int) {
	for i := from; i < len(c.list); i++ {
		f := &c.list[i].f
		if f[fLogCount] == 0 {
			f[fUnseen] = 1
		} else {
			f[fLogCount] = math.Log1p(f[fLogCount])
		}
		f[fPopularity] = s.logPopularity(c.list[i].id)
		f[fBias] = 1
	}
}

// addRelated extends a gathering to the candidates for a move: the categories that co-occur
// most with the shopper's latest RecentDistinct ones join, and every candidate gets its related
// features.
func (c *candidates) addRelated(s *stats, cfg *Config) {
	added := len(c.list)
	wr := 1.0
	for i, r := range c.distinct {
		next := s.related(r)
		for k, b := range next.top(cfg.Successors) {
			var f *candidate
			if i < cfg.RecentDistinct && k < relatedCandidates {
				f = c.get(b)
			} else if j, ok := c.find(b); ok {
				f = &c.list[j]
			} else {
				continue
			}
			f.f[fRelated] += wr * s.relatedness(r, k)
		}
		if i < cfg.RecentDistinct {
			for k, b := range next.top(relatedCandidates) {
				p := wr * s.relatedness(r, k)
				for k2, b2 := range s.related(b).top(relatedCandidates) {
					if j, ok := c.find(b2); ok {
						c.list[j].f[fRelated2] += p * s.relatedness(b, k2)
					}
				}
			}
		}
		wr *= 0.5
	}
	c.finish(s, added)
}

// score sets c.scores to the softmax of the candidates' linear scores under w: the ranker's
// distribution over the next category, restricted to the candidates from the from-th on (those
// before it score 0).
func (c *candidates) score(w *[numFeatures]float64, from int) {
	c.scores = c.scores[:0]
	hi := math.Inf(-1)
	for i := range c.list {
		if i < from {
			c.scores = append(c.scores, math.Inf(-1))
			continue
		}
		v := 0.0
		for d, x := range c.list[i].f {
			v += w[d] * x
		}
		c.scores = append(c.scores, v)
		hi = max(hi, v)
	}
	z := 0.0
	for i, v := range c.scores {
		c.scores[i] = math.Exp(v - hi) // 0 for those before from
		z += c.scores[i]
	}
	for i := range c.scores {
		c.scores[i] /= z
	}
}

// stepAdaptive is step with AdaGrad's per-feature step sizes: lr / sqrt(Σ past squared
// gradients) per feature, accumulated in g2. A feature that rarely varies among the candidates
// moves as fast as a common one, so a ranker fitted on few events (moves are a small share of
// them) leaves its starting weights as fast on a small dataset as on a large one.
func (c *candidates) stepAdaptive(w, g2 *[numFeatures]float64, pos, from int, lr float64) {
	var g [numFeatures]float64
	for i := from; i < len(c.list); i++ {
		for d, x := range c.list[i].f {
			g[d] -= c.scores[i] * x
		}
	}
	for d, x := range c.list[pos].f {
		g[d] += x
		g2[d] += g[d] * g[d]
		if g2[d] > 0 {
			w[d] += lr * g[d] / math.Sqrt(g2[d])
		}
	}
}

// step takes one gradient-ascent step of size lr on the log-likelihood of the candidate at pos
// under the scores just computed (from the from-th candidate on): w += lr (f_pos − E_p[f]).
func (c *candidates) step(w *[numFeatures]float64, pos, from int, lr float64) {
	var g [numFeatures]float64
	for i := from; i < len(c.list); i++ {
		for d, x := range c.list[i].f {
			g[d] -= c.scores[i] * x
		}
	}
	for d, x := range c.list[pos].f {
		w[d] += lr * (g[d] + x)
	}
}
