package evaluation

import (
	"fmt"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// Incremental is how many more of an outcome the treated shoppers had than the holdout's
// comparable rate predicts for as many shoppers: what the ads caused. The credited count alone
// is not it — attribution also credits the orders shoppers would have placed anyway, and the
// holdout, credited by the same rules, shows how many those are.
type Incremental struct {
	Metric      string  `json:"metric"`       // "conversions", "revenue (USD)"
	Shoppers    int     `json:"shoppers"`     // treated shoppers shown an ad
	Credited    float64 `json:"credited"`     // credited to their ads by attribution
	HoldoutRate float64 `json:"holdout_rate"` // credited per held-out shopper shown an ad
	Expected    float64 `json:"expected"`     // Shoppers × HoldoutRate: what they would have had without the ads
	Value       float64 `json:"value"`        // Credited − Expected
	// CI is Value's fixed-horizon interval and CS its always-valid one at this look: the
	// per-shopper difference's intervals times Shoppers. Both nil, with Note, without a holdout.
	CI   *stats.Interval `json:"ci,omitempty"`
	CS   *stats.Interval `json:"cs,omitempty"`
	Note string          `json:"note,omitempty"`
}

// incrementals are the incremental conversions and the incremental revenue in each currency of
// the treated shoppers shown an ad, against the held-out shoppers shown one.
func incrementals(d Data, o Options) []Incremental {
	byGroup := exposed(d.Shoppers)
	t, c := byGroup[schemas.GroupTreatment], byGroup[schemas.GroupHoldout]
	out := []Incremental{incremental("conversions", perShopper("", t, c, o, func(s Shopper) float64 { return float64(s.Conversions) }))}
	for _, cur := range currencies(d.Shoppers) {
		out = append(out, incremental(fmt.Sprintf("revenue (%s)", currencyName(cur)),
			perShopper("", t, c, o, func(s Shopper) float64 { return s.Revenue[cur] })))
	}
	return out
}

// incremental scales a per-shopper comparison g up to the treated shoppers.
func incremental(metric string, g Guardrail) Incremental {
	n := float64(g.N)
	in := Incremental{Metric: metric, Shoppers: g.N, Credited: n * g.Value, Note: g.Note}
	if g.Control == nil {
		if in.Note == "" {
			in.Note = "no holdout to compare with"
		}
		in.Note = "n/a: " + in.Note + "; a credited count alone says nothing of what the ads caused"
		return in
	}
	in.HoldoutRate = *g.Control
	in.Expected = n * in.HoldoutRate
	in.Value = in.Credited - in.Expected
	ci := stats.Interval{Lo: n * g.DiffCI.Lo, Hi: n * g.DiffCI.Hi}
	cs := stats.Interval{Lo: n * g.DiffCS.Lo, Hi: n * g.DiffCS.Hi}
	in.CI, in.CS = &ci, &cs
	return in
}
