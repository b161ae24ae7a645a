package evaluation

import (
	"slices"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// armLifts compares every treatment arm's CTR with the holdout's and every other arm's with the
// treatment's baseline arm. The comparisons are one family: their confidence sequences are
// simultaneous at the report's confidence (Bonferroni, α/m each), and their always-valid p-values
// are Holm-adjusted (HolmP) for the family-wise error rate.
func armLifts(acts []Activity, o Options) []LiftResult {
	var arms []string
	hasBaseline := false
	for _, a := range acts {
		if a.Group != schemas.GroupTreatment || slices.Contains(arms, a.Arm) {
			continue
		}
		arms = append(arms, a.Arm)
		hasBaseline = hasBaseline || a.Arm == strategy.ArmBaseline
	}
	slices.Sort(arms)
	var cmps []comparison
	for _, arm := range arms {
		cmps = append(cmps, comparison{metric: MetricCTR, treatment: "arm " + arm, control: schemas.GroupHoldout,
			side: armVs(arm, func(a Activity) bool { return a.Group == schemas.GroupHoldout })})
	}
	if hasBaseline {
		for _, arm := range arms {
			if arm == strategy.ArmBaseline {
				continue
			}
			cmps = append(cmps, comparison{metric: MetricCTR, treatment: "arm " + arm, control: "arm " + strategy.ArmBaseline,
				side: armVs(arm, func(a Activity) bool { return a.Group == schemas.GroupTreatment && a.Arm == strategy.ArmBaseline })})
		}
	}
	if len(cmps) == 0 {
		return nil
	}
	alpha := (1 - o.Confidence) / float64(len(cmps))
	out := make([]LiftResult, len(cmps))
	ps := make([]float64, len(cmps))
	for i, c := range cmps {
		c.unit, c.bound, c.alpha = ctrUnit, 1, alpha
		out[i], _ = compare(c, acts, o)
		ps[i] = out[i].PValue
	}
	for i, p := range stats.Holm(ps) {
		out[i].HolmP = p
	}
	return out
}

// armVs sides arm's treatment activity against the activity control selects.
func armVs(arm string, control func(Activity) bool) func(Activity) side {
	return func(a Activity) side {
		switch {
		case a.Group == schemas.GroupTreatment && a.Arm == arm:
			return treated
		case control(a):
			return controlled
		}
		return neither
	}
}
