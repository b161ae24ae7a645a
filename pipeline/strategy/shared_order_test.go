package strategy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// The fit sums over segments in one order, whatever order the map gives them: two fits of the
// same counts are the same to the last bit, so replicas and reruns choose alike at near-ties.
func TestSharedFitIsTheSameEveryTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const arms = 4
	bySeg := map[string]*armCounts{}
	all := newArmCounts(arms)
	for s := range 60 {
		c := newArmCounts(arms)
		for a := range arms {
			imp := float64(r.IntN(400))
			clk := float64(r.IntN(int(imp)/10 + 1))
			c.imp[a], c.clk[a] = imp, clk
			c.totImp, c.totClk = c.totImp+imp, c.totClk+clk
			all.imp[a], all.clk[a] = all.imp[a]+imp, all.clk[a]+clk
		}
		all.totImp, all.totClk = all.totImp+c.totImp, all.totClk+c.totClk
		bySeg[fmt.Sprintf("seg-%d", s)] = c
	}
	first := fitShared(bySeg, all, 0)
	for range 20 {
		m := fitShared(bySeg, all, 0)
		if !slices.Equal(m.mult, first.mult) || m.tau2 != first.tau2 || m.shrink != first.shrink {
			t.Fatalf("a second fit differs: mult %v tau2 %v shrink %v, first %v %v %v", m.mult, m.tau2, m.shrink, first.mult, first.tau2, first.shrink)
		}
		for name, b := range first.base {
			if m.base[name] != b {
				t.Fatalf("base[%s] = %v, first fit %v", name, m.base[name], b)
			}
		}
	}
}
