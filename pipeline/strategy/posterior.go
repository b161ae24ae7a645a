package strategy

import (
	"math"
	"slices"
	"sync"
)

// fallbackKey caches the propensities of segments the stats have never seen; no segment has
// this name.
const fallbackKey = "\x00unseen"

// minMean keeps prior means inside (0, 1), where Beta distributions exist.
const minMean = 1e-4

// Posterior is the Beta(Alpha, Beta) belief about the click-through rate of one (segment, arm).
type Posterior struct {
	Segment string  `json:"segment"`
	Arm     string  `json:"arm"`
	Alpha   float64 `json:"alpha"`
	Beta    float64 `json:"beta"`
}

// Mean is the posterior mean CTR.
func (p Posterior) Mean() float64 { return p.Alpha / (p.Alpha + p.Beta) }

// snapshot is the posteriors in force between two refreshes. Apart from the propensity cache it
// is immutable.
type snapshot struct {
	generation uint64
	arms       []string
	segments   map[string]*segment
	fallback   *segment // for segments the stats have never seen

	mu    sync.Mutex
	props map[string][]float64 // by segment name, filled on first use
}

// segment holds the posteriors of one segment, one per arm in the order of snapshot.arms.
type segment struct {
	alpha, beta []float64
}

// newSnapshot builds the posteriors from counts per (segment, arm) by the shared-strength model
// (shared.go). Counts of arms not in arms (the holdout's baseline, retired arms) are ignored, and
// clicks are capped at impressions. strength is a fixed prior strength, 0 for the model's.
func newSnapshot(generation uint64, arms []string, strength float64, counts []cellCount) *snapshot {
	bySeg, all := tally(arms, counts)
	m := fitShared(bySeg, all, strength)
	snap := &snapshot{
		generation: generation,
		arms:       arms,
		segments:   make(map[string]*segment, len(bySeg)),
		fallback:   m.segment("", nil),
		props:      map[string][]float64{},
	}
	for name, c := range bySeg {
		snap.segments[name] = m.segment(name, c)
	}
	return snap
}

// armCounts are impressions and clicks per arm, in the order of the snapshot's arms, and their
// totals.
type armCounts struct {
	imp, clk       []float64
	totImp, totClk float64
}

func newArmCounts(n int) *armCounts {
	return &armCounts{imp: make([]float64, n), clk: make([]float64, n)}
}

func (c *armCounts) add(i int, imp, clk float64) {
	c.imp[i] += imp
	c.clk[i] += clk
	c.totImp += imp
	c.totClk += clk
}

// tally sums counts per segment and over all segments, ignoring arms not in arms and capping
// clicks at impressions.
func tally(arms []string, counts []cellCount) (bySeg map[string]*armCounts, all *armCounts) {
	armIndex := make(map[string]int, len(arms))
	for i, a := range arms {
		armIndex[a] = i
	}
	bySeg = map[string]*armCounts{}
	all = newArmCounts(len(arms))
	for _, s := range counts {
		i, ok := armIndex[s.arm]
		if !ok || !(s.imp > 0) {
			continue
		}
		imp, clk := s.imp, min(max(s.clk, 0), s.imp)
		c := bySeg[s.segment]
		if c == nil {
			c = newArmCounts(len(arms))
			bySeg[s.segment] = c
		}
		c.add(i, imp, clk)
		all.add(i, imp, clk)
	}
	return bySeg, all
}

// segment returns the posteriors of name, or those of an unseen segment.
func (s *snapshot) segment(name string) *segment {
	if seg, ok := s.segments[name]; ok {
		return seg
	}
	return s.fallback
}

// draw returns the arm index Thompson sampling picks with r: the arm with the largest draw from
// its posterior, the first on ties.
func (seg *segment) draw(drawer func(a, b float64) float64) int {
	best, bestV := 0, math.Inf(-1)
	for i := range seg.alpha {
		if v := drawer(seg.alpha[i], seg.beta[i]); v > bestV {
			best, bestV = i, v
		}
	}
	return best
}

// symmetric reports whether every arm has the same posterior, so each is picked with
// probability 1/len(arms) exactly.
func (seg *segment) symmetric() bool {
	for i := 1; i < len(seg.alpha); i++ {
		if seg.alpha[i] != seg.alpha[0] || seg.beta[i] != seg.beta[0] {
			return false
		}
	}
	return true
}

// propensities returns, per arm, the probability that Thompson sampling picks it in segment name,
// integrated exactly over the posteriors (exactPropensities) once per segment and refresh.
func (s *snapshot) propensities(name string) []float64 {
	seg := s.segment(name)
	if seg == s.fallback {
		name = fallbackKey // every unseen segment shares the fallback's posteriors
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.props[name]; ok {
		return p
	}
	var p []float64
	if seg.symmetric() {
		p = make([]float64, len(s.arms))
		for i := range p {
			p[i] = 1 / float64(len(s.arms))
		}
	} else {
		p = exactPropensities(seg.alpha, seg.beta)
	}
	s.props[name] = p
	return p
}

// posteriors lists every segment's posteriors, segments sorted, arms in configured order; the
// fallback for unseen segments is listed under the segment "".
func (s *snapshot) posteriors() []Posterior {
	names := make([]string, 0, len(s.segments))
	for n := range s.segments {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []Posterior
	add := func(name string, seg *segment) {
		for i, a := range s.arms {
			out = append(out, Posterior{Segment: name, Arm: a, Alpha: seg.alpha[i], Beta: seg.beta[i]})
		}
	}
	add("", s.fallback)
	for _, n := range names {
		add(n, s.segments[n])
	}
	return out
}
