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
