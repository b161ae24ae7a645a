package evaluation

import (
	"bytes"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// What a stranger reads: n/a where there is no denominator, no cost columns without a price,
// every amount with its currency and none summed across currencies, segments by volume, a plain
// summary first, and a banner when the simulated delivery made the outcomes up.
func TestReportReadsPlainly(t *testing.T) {
	d := fixture()
	d.Cells = append(d.Cells,
		Cell{Segment: "books", Arm: "value", Group: schemas.GroupTreatment, Counts: Counts{Ads: 7}},
		Cell{Segment: "garden", Arm: "value", Group: schemas.GroupTreatment, Counts: Counts{Ads: 9, Impressions: 3000, Clicks: 30,
			ClickConversions: 3, Revenue: map[string]float64{"INR": 4500}}})
	d.SimulatedImpressions, d.Impressions = 4000, 7005
	o := opts
	o.CostPer1kTokens = 0
	o.Delivery = &SimulatedDelivery{ViewRate: 0.9, ClickRate: map[string]float64{"personal": 0.3, "baseline": 0.08}, ConvertRate: 0.25}
	r, err := Build(d, o)
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, row := range r.BySegment {
		segs = append(segs, row.Key)
	}
	if strings.Join(segs, ",") != "audio,garden,(ad not landed),books" {
		t.Errorf("segments in order %v, want most impressions first", segs)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	lines := strings.Split(out, "\n")
	for _, want := range []string{"4500.00 INR + 999.00 USD", "SIMULATED OUTCOMES: 4000 of 7005 impressions", "personal 30%",
		"what this says: 4016 ads were shown 7005 times", "The ads raise the click rate by about 75%"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cost/click") || strings.Contains(out, "5499") {
		t.Errorf("cost columns without a price, or currencies summed:\n%s", out)
	}
	if strings.Index(out, "SIMULATED") > strings.Index(out, "what this says") || strings.Index(out, "what this says") > strings.Index(out, "by arm") {
		t.Errorf("banner and summary are not first:\n%s", out)
	}
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "books") && (!strings.Contains(l, "n/a") || strings.Contains(l, "0.00%")) {
			t.Errorf("an empty row shows a rate: %q", l)
		}
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	for _, want := range []string{`id="simulated-banner"`, `id="summary"`, "4500.00 INR", "n/a"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "cost/click") {
		t.Error("page shows cost columns without a price")
	}
}

// Off-policy intervals of a click rate stay within [0, 1].
func TestOffPolicyIntervalsStayInRange(t *testing.T) {
	d := fixture()
	for i := range d.Logged {
		d.Logged[i].Propensity = 0.02
	}
	d.Logged[0].Count, d.Logged[1].Count = 1, 3000
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.OffPolicy {
		for _, ci := range [][2]float64{{p.IPSCI.Lo, p.IPSCI.Hi}, {p.SNIPSCI.Lo, p.SNIPSCI.Hi}} {
			if ci[0] < 0 || ci[1] > 1 {
				t.Errorf("%s: interval %v outside [0, 1]", p.Name, ci)
			}
		}
	}
}
