package evaluation

import (
	"math"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// withShoppers adds the fixture's shoppers: each activity row's shopper with ten impressions, a
// pre-period covariate, revenue in USD and, for every fifth shopper, INR; and a shopper who never
// saw an ad.
func withShoppers(d Data) Data {
	for i, a := range d.Activity {
		s := Shopper{User: a.User, Group: a.Group, Impressions: a.Impressions, Clicks: a.Clicks, Conversions: a.Conversions,
			Revenue: map[string]float64{"USD": 10 * float64(a.Conversions)}, Tokens: 150, Pre: preOf(i)}
		if i%10 < 2 {
			s.Revenue["INR"] = 800
		}
		d.Shoppers = append(d.Shoppers, s)
	}
	d.Shoppers = append(d.Shoppers, Shopper{User: "never-shown", Group: schemas.GroupTreatment, Conversions: 9, Pre: 1})
	d.Generations = []Generation{{Kind: "llm", Ads: 2000, Fallbacks: 0, LatencyMS: 800, LatencyVar: 400 * 400, P50MS: 700, P95MS: 1600},
		{Kind: "template", Ads: 2000, Fallbacks: 100, LatencyMS: 1, LatencyVar: 1}}
	return d
}

// preOf is shopper i's covariate: distributed alike in both groups (as randomisation makes it),
// 1 (plus noise) for the treatment shoppers who click once more than the others.
func preOf(i int) float64 {
	x := 0.1 * float64(i%5)
	if i%4 < 2 {
		x++
	}
	return x
}

func guardrail(t *testing.T, r Report, name string) Guardrail {
	t.Helper()
	for _, g := range r.Guardrails {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no guardrail %q in %+v", name, r.Guardrails)
	return Guardrail{}
}

func TestGuardrails(t *testing.T) {
	r, err := Build(withShoppers(fixture()), opts)
	if err != nil {
		t.Fatal(err)
	}
	// Conversions per exposed shopper: treatment (100·2 + 100·1)/200 = 1.5, holdout 1.
	c := guardrail(t, r, "conversions per shopper")
	if c.N != 200 || c.Value != 1.5 || c.Control == nil || *c.Control != 1 || c.Diff != 0.5 ||
		!c.DiffCI.Contains(0.5) || c.DiffCS.Lo > c.DiffCI.Lo || c.DiffCS.Hi < c.DiffCI.Hi {
		t.Errorf("conversions per shopper %+v", c)
	}
	// Revenue stays per currency: INR 800 from every fifth shopper (40 of 200 in each group).
	usd, inr := guardrail(t, r, "revenue per shopper (USD)"), guardrail(t, r, "revenue per shopper (INR)")
	if usd.Value != 15 || inr.Value != 160 || *inr.Control != 160 || math.Abs(inr.Diff) > 1e-12 {
		t.Errorf("revenue USD %+v, INR %+v", usd, inr)
	}
	// Cost per conversion: 200 shoppers × 150 tokens × 0.5/1000 over 300 conversions.
	cost := guardrail(t, r, "cost per conversion ()")
	if want := 200 * 150 * 0.0005 / 300; math.Abs(cost.Value-want) > 1e-12 || !cost.CI.Contains(want) || cost.CI.Lo < 0 {
		t.Errorf("cost per conversion %+v, want %v", cost, want)
	}
	fb := guardrail(t, r, "fallback rate (template copy instead of the model's)")
	if fb.Value != 100.0/4000 || fb.CI != stats.Wilson(100, 4000, 0.95) {
		t.Errorf("fallback %+v", fb)
	}
	lat := guardrail(t, r, "ad latency, llm (ms)")
	if half := 1.959964 * 400 / math.Sqrt(2000); math.Abs(lat.CI.Hi-800-half) > 1e-3 || !strings.Contains(lat.Note, "1600") {
		t.Errorf("latency %+v", lat)
	}
	dl := guardrail(t, r, "dead letters (events)")
	if dl.Value != 2 {
		t.Errorf("dead letters %+v", dl)
	}
	o := opts
	o.CostPer1kTokens = 0
	if r, _ := Build(withShoppers(fixture()), o); len(r.Guardrails) != len(r.Guardrails) {
		t.Fatal()
	} else {
		for _, g := range r.Guardrails {
			if strings.HasPrefix(g.Name, "cost") {
				t.Errorf("a cost guardrail without a price: %+v", g)
			}
		}
	}
}

// With ten impressions each, a shopper's linearised CTR is their clicks/10, so the report's CUPED
// on CTR is CUPED on clicks/10 with the covariate, which a hand computation of θ confirms.
func TestCUPEDInTheReport(t *testing.T) {
	d := withShoppers(fixture())
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	var yt, xt, yc, xc []float64
	for _, s := range d.Shoppers {
		if s.Impressions == 0 {
			continue
		}
		if s.Group == schemas.GroupTreatment {
			yt, xt = append(yt, float64(s.Clicks)/10), append(xt, s.Pre)
		} else {
			yc, xc = append(yc, float64(s.Clicks)/10), append(xc, s.Pre)
		}
	}
	// θ by hand: Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² over all 400.
	y, x := append(append([]float64{}, yt...), yc...), append(append([]float64{}, xt...), xc...)
	var sx, sy float64
	for i := range y {
		sx, sy = sx+x[i], sy+y[i]
	}
	mx, my := sx/400, sy/400
	var cov, vx float64
	for i := range y {
		cov, vx = cov+(x[i]-mx)*(y[i]-my), vx+(x[i]-mx)*(x[i]-mx)
	}
	a := r.Adjusted[0]
	if a.Metric != MetricCTR || a.Error != "" || math.Abs(a.Theta-cov/vx) > 1e-9 || a.Shoppers != 400 {
		t.Fatalf("CUPED on CTR %+v, want θ %v", a, cov/vx)
	}
	if a.VarianceReduction < 0.3 || a.CI.Hi-a.CI.Lo >= a.RawCI.Hi-a.RawCI.Lo || !a.CI.Contains(0.15) {
		t.Errorf("CUPED reduced the variance by %v: adjusted %v, unadjusted %v", a.VarianceReduction, a.CI, a.RawCI)
	}
}
