package evaluation

import (
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
)

// TauMinShoppers is how many shoppers the smaller side needs at the look whose variance sets
// the mSPRT's mixing scale; before any look has them, the last look's variance sets it.
const TauMinShoppers = 100

// seqLook is one look of a sequential test with the totals it came from.
type seqLook struct {
	stats.Look
	ob observation
}

// seqPoint is the always-valid p and confidence sequence up to one look.
type seqPoint struct {
	p     float64
	cs    stats.Interval
	empty bool
}

// sequence runs the mSPRT and its confidence sequence over the looks, one point per look.
func sequence(looks []seqLook, tau2, alpha float64) []seqPoint {
	out := make([]seqPoint, len(looks))
	ls := make([]stats.Look, 0, len(looks))
	for i, l := range looks {
		ls = append(ls, l.Look)
		p, _ := stats.AlwaysValidP(ls, tau2)
		cs, empty, _ := stats.ConfidenceSequence(ls, tau2, alpha)
		out[i] = seqPoint{p: p, cs: cs, empty: empty}
	}
	return out
}

// mixing is the mSPRT's τ² on the looks' scale: Options.MSPRTTau² when set (and logScale), else
// stats.MixingVariance at the variance expected with Options.PlannedShoppers shoppers. That
// variance is the one at the first look where the smaller side has TauMinShoppers shoppers (or
// the last look), scaled by shoppers then / planned: V_plan = V_k · n_k / N_plan. Fixing it at
// that look keeps τ, and so every earlier p, unchanged as later data arrives.
func mixing(looks []seqLook, o Options, alpha float64, logScale bool) (float64, string) {
	if logScale && o.MSPRTTau > 0 {
		return o.MSPRTTau * o.MSPRTTau, "msprt_tau"
	}
	k := len(looks) - 1
	for i, l := range looks {
		if l.ob.fewestSide >= TauMinShoppers {
			k = i
			break
		}
	}
	l := looks[k]
	plan := l.Variance * float64(l.ob.shoppers) / float64(planned(o, l.ob.shoppers))
	return stats.MixingVariance(plan, alpha), fmt.Sprintf("planned_shoppers %d, with the variance at %d shoppers (look %s)",
		o.PlannedShoppers, l.ob.shoppers, l.ob.at.Add(o.LookEvery).UTC().Format(time.RFC3339))
}

// planned is Options.PlannedShoppers, or the shoppers so far when no plan is set (a τ given as
// msprt_tau leaves the differences' scale to the data).
func planned(o Options, sofar int) int {
	if o.PlannedShoppers > 0 {
		return o.PlannedShoppers
	}
	return max(1, sofar)
}
