package evaluation

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// Guardrail is a metric that must not get worse while the lift is pursued, with its intervals:
// the treatment's value and, where the holdout has one too, the difference.
type Guardrail struct {
	Name  string         `json:"name"` // with its unit: "revenue per shopper (USD)"
	Value float64        `json:"value"`
	CI    stats.Interval `json:"ci"` // fixed-horizon, clipped to the possible range
	N     int            `json:"n"`  // units Value is over: shoppers, ads
	// Control is the holdout's value when the metric compares the groups; then Diff is
	// Value − Control with its fixed-horizon interval and its always-valid one at this look.
	Control *float64        `json:"control,omitempty"`
	Diff    float64         `json:"diff,omitempty"`
	DiffCI  *stats.Interval `json:"diff_ci,omitempty"`
	DiffCS  *stats.Interval `json:"diff_cs,omitempty"`
	Note    string          `json:"note,omitempty"`
}

// guardrails computes the guardrails: per exposed shopper (one with an impression) the
// conversions and the revenue in each currency, treatment against holdout; the cost per
// conversion when a price is set; the template's fallback share and the latency of each
// generator kind; and the dead letters.
func guardrails(d Data, o Options) []Guardrail {
	byGroup := exposed(d.Shoppers)
	t, c := byGroup[schemas.GroupTreatment], byGroup[schemas.GroupHoldout]
	out := []Guardrail{perShopper("conversions per shopper", t, c, o, func(s Shopper) float64 { return float64(s.Conversions) })}
	for _, cur := range currencies(d.Shoppers) {
		out = append(out, perShopper(fmt.Sprintf("revenue per shopper (%s)", currencyName(cur)), t, c, o,
			func(s Shopper) float64 { return s.Revenue[cur] }))
	}
	if o.CostPer1kTokens > 0 {
		out = append(out, costPerConversion(t, o))
	}
	out = append(out, fallbackRate(d.Generations, o))
	for _, g := range d.Generations {
		out = append(out, latency(g, o))
	}
	dead := d.Failures.Total()
	return append(out, Guardrail{Name: "dead letters (events)", Value: float64(dead), CI: stats.Interval{Lo: float64(dead), Hi: float64(dead)},
		Note: "a rate needs the events read, which ClickHouse does not record: see the adshift_*_events_total metrics"})
}

// exposed is the shoppers with an impression, by group.
func exposed(shoppers []Shopper) map[string][]Shopper {
	out := map[string][]Shopper{}
	for _, s := range shoppers {
		if s.Impressions > 0 {
			out[s.Group] = append(out[s.Group], s)
		}
	}
	return out
}

// currencies is every currency revenue was attributed in, sorted.
func currencies(shoppers []Shopper) []string {
	set := map[string]bool{}
	for _, s := range shoppers {
		for cur := range s.Revenue {
			set[cur] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func currencyName(cur string) string {
	if cur == "" {
		return "no currency"
	}
	return cur
}

// perShopper compares the mean of metric over the treatment's and the holdout's shoppers.
func perShopper(name string, t, c []Shopper, o Options, metric func(Shopper) float64) Guardrail {
	values := func(ss []Shopper) []float64 {
		out := make([]float64, len(ss))
		for i, s := range ss {
			out[i] = metric(s)
		}
		return out
	}
	mt, mc := stats.MeanOf(values(t)), stats.MeanOf(values(c))
	alpha := 1 - o.Confidence
	z := stats.Z(o.Confidence)
	g := Guardrail{Name: name, Value: mt.Value, N: mt.N, CI: nonNegative(normalCI(mt.Value, mt.Variance, z))}
	if mt.N < 2 || mc.N < 2 {
		g.Note = "needs two shoppers in each group for an interval"
		return g
	}
	g.Control = &mc.Value
	g.Diff = mt.Value - mc.Value
	v := mt.Variance + mc.Variance
	ci := normalCI(g.Diff, v, z)
	cs := alwaysValidAt(g.Diff, v, mt.N+mc.N, o, alpha)
	g.DiffCI, g.DiffCS = &ci, &cs
	return g
}

// costPerConversion is Σ cost / Σ conversions over the treatment's shoppers, delta method.
func costPerConversion(t []Shopper, o Options) Guardrail {
	name := fmt.Sprintf("cost per conversion (%s)", o.CostCurrency)
	units := make([]stats.Unit, len(t))
	for i, s := range t {
		units[i] = stats.Unit{Num: float64(s.Tokens) / 1000 * o.CostPer1kTokens, Den: float64(s.Conversions)}
	}
	r, err := stats.RatioOf(units)
	if err != nil {
		return Guardrail{Name: name, N: len(t), Note: "n/a: no treatment conversions yet"}
	}
	return Guardrail{Name: name, Value: r.Value, N: r.Units, CI: nonNegative(normalCI(r.Value, r.Variance, stats.Z(o.Confidence)))}
}

// fallbackRate is the share of ads the template wrote because the model failed or was skipped.
func fallbackRate(gens []Generation, o Options) Guardrail {
	var ads, fb uint64
	for _, g := range gens {
		ads += g.Ads
		fb += g.Fallbacks
	}
	g := Guardrail{Name: "fallback rate (template copy instead of the model's)", Value: rate(fb, ads), N: int(ads),
		CI: stats.Wilson(fb, ads, o.Confidence)}
	if ads == 0 {
		g.Note = "n/a: no ads yet"
	}
	return g
}

// latency is one generator kind's mean generation latency with its interval and quantiles.
func latency(gen Generation, o Options) Guardrail {
	v := 0.0
	if gen.Ads > 0 {
		v = gen.LatencyVar / float64(gen.Ads)
	}
	return Guardrail{Name: fmt.Sprintf("ad latency, %s (ms)", gen.Kind), Value: gen.LatencyMS, N: int(gen.Ads),
		CI:   nonNegative(normalCI(gen.LatencyMS, v, stats.Z(o.Confidence))),
		Note: fmt.Sprintf("median %.0f ms, 95th percentile %.0f ms", gen.P50MS, gen.P95MS)}
}

// normalCI is x ± z·√v.
func normalCI(x, v, z float64) stats.Interval {
	h := z * math.Sqrt(v)
	return stats.Interval{Lo: x - h, Hi: x + h}
}

// nonNegative clips an interval of a quantity that cannot be negative.
func nonNegative(i stats.Interval) stats.Interval {
	i.Lo = math.Max(0, i.Lo)
	i.Hi = math.Max(0, i.Hi)
	return i
}

// alwaysValidAt is the always-valid interval of an estimate x with variance v over n units at
// this one look, its mixing scale set at the planned sample as for the lifts.
func alwaysValidAt(x, v float64, n int, o Options, alpha float64) stats.Interval {
	if !(v > 0) {
		return stats.Interval{Lo: x, Hi: x}
	}
	tau2 := stats.MixingVariance(v*float64(n)/float64(planned(o, n)), alpha)
	r := stats.MixtureRadius(v, tau2, alpha)
	return stats.Interval{Lo: x - r, Hi: x + r}
}
