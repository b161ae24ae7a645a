package evaluation

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// drift is a novelty effect: in the first hour 200 treatment shoppers click 3 to 5 of 10 against
// the holdout's 1 to 3, then 1000 more a side over three hours click 0 to 2 against 1 to 3. No
// lift fits every look.
func drift() Data {
	var d Data
	for i := range 2400 {
		hour := time.Duration(0)
		if i >= 400 {
			hour = time.Duration(1+i%3) * time.Hour
		}
		g, clicks := schemas.GroupHoldout, uint64(1+i/2%3)
		if i%2 == 0 {
			g = schemas.GroupTreatment
			if hour == 0 {
				clicks += 2
			} else {
				clicks--
			}
		}
		d.Activity = append(d.Activity, Activity{User: fmt.Sprint("u", i), Group: g, Arm: "value", Bucket: t0.Add(hour),
			Impressions: 10, Clicks: clicks})
	}
	return d
}

// When the looks disagree the summary says so, and neither claims a lift nor quotes the empty
// sequence as a range.
func TestSummaryOfLooksThatDisagree(t *testing.T) {
	o := opts
	o.PlannedShoppers = 2400
	r := build(t, drift(), o)
	if l := r.CTRLift; !l.CSEmpty || l.Lift == nil || l.PValue >= l.Alpha {
		t.Fatalf("lift %+v: want an empty sequence", l)
	}
	want := "Shoppers who got adshift's ads clicked 15.00% of them; held-out shoppers, who got the baseline ad, 20.00%. " +
		"The looks disagree: no lift fits them all (the always-valid sequence is empty), which points to drift, such as a novelty " +
		"effect wearing off, or to a broken assumption; no conclusion holds until that is explained."
	if !strings.Contains(r.Summary, want) || strings.Contains(r.Summary, "sure the change") || strings.Contains(r.Summary, "lower") {
		t.Errorf("summary %q, want it to contain %q", r.Summary, want)
	}
}

// What the summary says of simulated outcomes and their settings: the banner from the first
// simulated impression on, each arm's click rate rounded to a whole percent, and the caveat in
// the summary itself.
func TestSummaryOfSimulatedOutcomes(t *testing.T) {
	const caveat = " These outcomes come from the simulated delivery, so the lift measures its settings, not shoppers."
	for _, c := range []struct {
		name      string
		simulated uint64
		delivery  *SimulatedDelivery
		banner    string // "" for none
	}{
		{name: "none simulated"},
		{name: "one simulated, settings unknown", simulated: 1,
			banner: "SIMULATED OUTCOMES: 1 of 4005 impressions (and the clicks and orders after them) were made up by the demo's " +
				"simulated delivery, not by shoppers. Its click rates per arm are fixed settings: every lift below is built into them " +
				"and says nothing about real shoppers."},
		{name: "all simulated, settings known", simulated: 4005,
			delivery: &SimulatedDelivery{ViewRate: 0.95, ClickRate: map[string]float64{"value": 0.9, "baseline": 0.08}, ConvertRate: 0.3},
			banner: "SIMULATED OUTCOMES: 4005 of 4005 impressions (and the clicks and orders after them) were made up by the demo's " +
				"simulated delivery, not by shoppers. It shows 95% of ads, clicks at fixed rates per arm (baseline 8%, value 90%) " +
				"and orders after 30% of clicks: every lift below is built into those settings and says nothing about real shoppers."},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := fixture()
			d.SimulatedImpressions, d.Impressions = c.simulated, 4005
			o := opts
			o.Delivery = c.delivery
			r := build(t, d, o)
			if c.banner == "" {
				if r.Simulated != nil || strings.Contains(r.Summary, caveat) || strings.Contains(textOf(t, r), "SIMULATED") {
					t.Errorf("a banner or caveat without simulated outcomes: %+v\n%s", r.Simulated, r.Summary)
				}
				return
			}
			if r.Simulated == nil || r.Simulated.Text != c.banner {
				t.Errorf("banner %+v, want %q", r.Simulated, c.banner)
			}
			if !strings.HasSuffix(r.Summary, caveat) {
				t.Errorf("summary lacks the caveat: %s", r.Summary)
			}
		})
	}
}

// Without a relative lift (no holdout click) the summary gives the difference in points: 35%
// of the treatment's impressions clicked against none of the holdout's.
func TestSummaryOfADifferenceWithoutALift(t *testing.T) {
	d := fixture()
	for i := range d.Activity {
		if d.Activity[i].Group == schemas.GroupHoldout {
			d.Activity[i].Clicks = 0
		}
	}
	r := build(t, d, opts)
	cs := r.CTRLift.Diff.CS
	want := fmt.Sprintf(" No lift can be measured yet (relative lift: control rate is zero). Treated shoppers' click rate minus the holdout's "+
		"is +35.00 points (always-valid 95%% range %+.2f to %+.2f).", 100*cs.Lo, 100*cs.Hi)
	if !strings.Contains(r.Summary, want) || cs.Lo <= 0 || cs.Hi > 1 {
		t.Errorf("summary %q, want it to contain %q", r.Summary, want)
	}
}
