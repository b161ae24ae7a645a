package strategy

import (
	"maps"
	"math"
	"slices"
)

// The bandit shares strength across segments with a multiplicative model of click-through:
//
//	CTR(segment s, arm a) = base_s × mult_a × dev_sa,  E[dev] = 1, Var[dev] = tau2
//
// base_s is the segment's rate at the average arm, mult_a the arm's effect wherever it is shown,
// dev_sa what is particular to one cell. base and mult are fitted to every cell's counts by
// alternating Poisson posterior means: mult with one pseudo-click towards 1, base with a Gamma
// prior around the global rate whose relative variance sigma2 is the segments' excess over
// Poisson variance (method of moments) — with many small segments a base fitted freely would
// soak up the arm's effect in every segment shown mostly one arm. tau2 is likewise the cells'
// excess over binomial variance. Each cell's prior is then a Beta with mean base_s × mult_a —
// mult_a fitted on every other segment, so the cell's own counts are not counted twice — whose
// variance is that of the multiplier's Gamma posterior plus tau2: the prior is as strong as the
// other segments' evidence about the arm, and no stronger than the cells' disagreement allows.
// The cell's own counts update it. When every segment agrees on the arms (tau2 near 0), a
// segment with no data of its own chooses as the whole experiment does.

// fitRounds is how many alternations of the base and multiplier fits are run; they converge to
// well within the counts' noise in a few.
const fitRounds = 25

// pseudoClicks is the weight of the multiplier's prior, in clicks.
const pseudoClicks = 1

// maxShrink bounds the weight of the segments' base prior, in clicks.
const maxShrink = 1e4

// minStrength bounds a cell's prior below, in impressions, so a prior never degenerates.
const minStrength = 1

// cellCount is the (possibly decayed) impressions and clicks of one (segment, arm).
type cellCount struct {
	segment, arm string
	imp, clk     float64
}

// shared is the fitted model: every segment's counts and base rate, and every arm's totals.
type shared struct {
	fixed  float64 // a configured prior strength; 0: from the model
	global float64 // the pooled CTR
	segs   map[string]*armCounts
	order  []string // the segments' names, sorted: sums run in this order, so every run and every replica fits the same bits
	base   map[string]float64
	clk    []float64 // per arm: clicks over all segments
	expo   []float64 // per arm: expected clicks at multiplier 1, Σ_s imp_sa × base_s
	mult   []float64 // per arm
	tau2   float64
	shrink float64 // pseudo-clicks pulling each segment's base towards global: 1/sigma2
}

// fitShared fits the model to counts per segment (bySeg) and over all segments (all). fixed is
// a configured prior strength, 0 for the one the model implies.
func fitShared(bySeg map[string]*armCounts, all *armCounts, fixed float64) *shared {
	n := len(all.imp)
	m := &shared{fixed: fixed, global: (all.totClk + 1) / (all.totImp + 2), segs: bySeg,
		base: make(map[string]float64, len(bySeg)), clk: all.clk, expo: make([]float64, n), mult: make([]float64, n), shrink: pseudoClicks}
	m.order = slices.Sorted(maps.Keys(bySeg))
	for i := range m.mult {
		m.mult[i] = 1
	}
	for range fitRounds {
		m.fitBase()
		m.fitMult()
		m.shrink = m.segmentShrink()
	}
	m.fitBase()
	m.fitExpo()
	m.tau2 = m.heterogeneity()
	return m
}

// fitBase sets each segment's base rate given the multipliers.
func (m *shared) fitBase() {
	for _, name := range m.order {
		c := m.segs[name]
		var e float64
		for i, imp := range c.imp {
			e += imp * m.mult[i]
		}
		m.base[name] = (c.totClk + m.shrink) / (e + m.shrink/m.global)
	}
}

// segmentShrink estimates the weight of the segments' base prior, 1/sigma2, by the method of
// moments: a segment expecting mu clicks at the global rate has Var(clicks) = mu + mu²·sigma2.
func (m *shared) segmentShrink() float64 {
	var excess, scale float64
	for _, name := range m.order {
		c := m.segs[name]
		var mu float64
		for i, imp := range c.imp {
			mu += imp * m.mult[i] * m.global
		}
		r := c.totClk - mu
		excess += r*r - mu
		scale += mu * mu
	}
	if !(excess > 0) || !(scale > 0) {
		return maxShrink
	}
	return min(max(scale/excess, pseudoClicks), maxShrink)
}

// fitExpo sets each arm's exposure given the base rates.
func (m *shared) fitExpo() {
	clear(m.expo)
	for _, name := range m.order {
		c := m.segs[name]
		for i, imp := range c.imp {
			m.expo[i] += imp * m.base[name]
		}
	}
}

// fitMult sets each arm's multiplier given the base rates, scaled so their mean is 1.
func (m *shared) fitMult() {
	m.fitExpo()
	var sum float64
	for i := range m.mult {
		m.mult[i] = (m.clk[i] + pseudoClicks) / (m.expo[i] + pseudoClicks)
		sum += m.mult[i]
	}
	for i := range m.mult {
		m.mult[i] *= float64(len(m.mult)) / sum
	}
}

// heterogeneity estimates tau2, the cells' relative variance around base × mult, by the method
// of moments: a Beta-binomial cell with rate p has Var(clicks) = imp·p(1−p) + imp(imp−1)·p²·tau2.
// The squared residuals are scaled up for the parameters fitted from them.
func (m *shared) heterogeneity() float64 {
	var excess, scale float64
	cells := 0
	for _, name := range m.order {
		c := m.segs[name]
		for i, imp := range c.imp {
			if imp < 1 {
				continue
			}
			cells++
			p := min(m.base[name]*m.mult[i], 1-minMean)
			r := c.clk[i] - imp*p
			excess += r*r - imp*p*(1-p)
			scale += imp * (imp - 1) * p * p
		}
	}
	params := len(m.segs) + len(m.mult) - 1
	if cells <= params || scale <= 0 {
		return 0
	}
	dof := float64(cells) / float64(cells-params)
	return max(0, excess*dof/scale)
}

// segment returns the posteriors of a segment with counts c, or of one with no data (c nil).
func (m *shared) segment(name string, c *armCounts) *segment {
	n := len(m.mult)
	base := m.global
	if c != nil {
		base = m.base[name]
	}
	s := &segment{alpha: make([]float64, n), beta: make([]float64, n)}
	for i := range n {
		clk, expo := m.clk[i], m.expo[i]
		if c != nil { // the arm's record elsewhere
			clk, expo = clk-c.clk[i], expo-c.imp[i]*base
		}
		clk, expo = max(clk, 0), max(expo, 0)
		mult := (clk + pseudoClicks) / (expo + pseudoClicks)
		mean := min(max(base*mult, minMean), 1-minMean)
		strength := m.strength(mean, 1/(clk+pseudoClicks))
		s.alpha[i], s.beta[i] = strength*mean, strength*(1-mean)
		if c != nil {
			s.alpha[i] += c.clk[i]
			s.beta[i] += c.imp[i] - c.clk[i]
		}
	}
	return s
}

// strength is the weight, in impressions, of a Beta prior with this mean whose relative
// variance is the multiplier's (relVar) plus the cells' heterogeneity; or the fixed one.
func (m *shared) strength(mean, relVar float64) float64 {
	if m.fixed > 0 {
		return m.fixed
	}
	v := mean * mean * (relVar + m.tau2)
	s := mean*(1-mean)/v - 1
	if math.IsNaN(s) {
		return minStrength
	}
	return min(max(s, minStrength), maxPriorStrength)
}
