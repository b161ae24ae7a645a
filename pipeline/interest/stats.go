package interest

import "math"

// stats are the counts the features read: how often each category was engaged with, the
// most popular ones, and per category its most frequent next categories. The trainer updates
// them after each event; a model holds a frozen copy.
type stats struct {
	pop     []float64 // events per category id
	total   float64   // events
	popular ranked    // the Config.Popular most engaged categories, exact
	next    []ranked  // per category id, its next categories (Space-Saving counters)
	out     []float64 // per category id, the transitions out of it counted
	co      []ranked  // per category id, the categories its shoppers held beside it (Space-Saving)
	coOut   []float64 // per category id, the co-occurrences of it counted
	// logPop is, for a frozen copy, log(popularity + 1e-6) per category id: the feature a
	// ranking reads for every candidate, computed once. Nil while training.
	logPop []float64
}

// logPopularity is the popularity feature of id: log of its share of the events, floored.
func (s *stats) logPopularity(id uint32) float64 {
	if int(id) < len(s.logPop) {
		return s.logPop[id]
	}
	return math.Log(s.popularity(id) + 1e-6)
}

// successors returns the counted next categories of id, highest first; none for ids the
// statistics do not know.
func (s *stats) successors(id uint32) *ranked {
	if int(id) >= len(s.next) {
		return &ranked{}
	}
	return &s.next[id]
}

// popularity is id's share of the events; 0 for ids the statistics do not know.
func (s *stats) popularity(id uint32) float64 {
	if int(id) >= len(s.pop) || s.total == 0 {
		return 0
	}
	return s.pop[id] / s.total
}

// transition is the estimated P(to | from) among moves to another category, smoothed by 2
// pseudo-moves so that a category seen leaving once does not claim certainty.
func (s *stats) transition(from uint32, i int) float64 {
	return s.next[from].counts[i] / (s.out[from] + 2)
}

// grow makes room for category id.
func (s *stats) grow(id uint32) {
	for int(id) >= len(s.pop) {
		s.pop = append(s.pop, 0)
		s.next = append(s.next, ranked{})
		s.out = append(s.out, 0)
		s.co = append(s.co, ranked{})
		s.coOut = append(s.coOut, 0)
	}
}

// engage counts one event on id, keeping the popular list exact: counts only grow by one, so
// an id enters the list only by passing its lowest entry.
func (s *stats) engage(id uint32, popular int) {
	s.pop[id]++
	s.total++
	c := s.pop[id]
	switch i := s.popular.find(id); {
	case i >= 0:
		s.popular.set(i, c)
	case len(s.popular.ids) < popular:
		s.popular.push(id, c)
	case c > s.popular.counts[len(s.popular.ids)-1]:
		s.popular.replaceLast(id, c)
	}
}

// move counts one move from one category to another with the Space-Saving algorithm over
// slots counters: a next category not counted yet takes the lowest counter's place and count
// plus one, so a count overestimates by at most the evicted count and every category moved to
// more than out/slots times is kept.
func (s *stats) move(from, to uint32, slots int) {
	s.out[from]++
	spaceSaving(&s.next[from], to, slots)
}

// related returns the counted co-occurring categories of id, highest first.
func (s *stats) related(id uint32) *ranked {
	if int(id) >= len(s.co) {
		return &ranked{}
	}
	return &s.co[id]
}

// relatedness is the estimated share of a's co-occurrences that are with its i-th related
// category, smoothed like transition.
func (s *stats) relatedness(a uint32, i int) float64 {
	return s.co[a].counts[i] / (s.coOut[a] + 2)
}

// cooccur counts a shopper moving to b while holding a in their state, both ways: how
// categories that belong together are found beyond the one step of a transition.
func (s *stats) cooccur(a, b uint32, slots int) {
	s.coOut[a]++
	s.coOut[b]++
	spaceSaving(&s.co[a], b, slots)
	spaceSaving(&s.co[b], a, slots)
}

// spaceSaving counts one more of to in r, over at most slots counters.
func spaceSaving(r *ranked, to uint32, slots int) {
	switch i := r.find(to); {
	case i >= 0:
		r.set(i, r.counts[i]+1)
	case len(r.ids) < slots:
		r.push(to, 1)
	default:
		r.replaceLast(to, r.counts[len(r.ids)-1]+1)
	}
}

// freeze copies the statistics a model scores with: the successors cut to n per category.
func (s *stats) freeze(n int) stats {
	f := stats{
		pop:     append([]float64(nil), s.pop...),
		total:   s.total,
		popular: s.popular.clone(len(s.popular.ids)),
		next:    make([]ranked, len(s.next)),
		out:     append([]float64(nil), s.out...),
		co:      make([]ranked, len(s.co)),
		coOut:   append([]float64(nil), s.coOut...),
	}
	for i := range s.next {
		f.next[i] = s.next[i].clone(n)
		f.co[i] = s.co[i].clone(n)
	}
	return f
}

// index computes what a frozen copy reads per ranking from its counts.
func (s *stats) index() {
	s.logPop = make([]float64, len(s.pop))
	for i := range s.pop {
		s.logPop[i] = math.Log(s.popularity(uint32(i)) + 1e-6)
	}
}
