package evaluation

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

var (
	barNameRe  = regexp.MustCompile(`<text x="8" y="\d+" font-size="12" fill="#1d2330">([^<]*)</text>`)
	barLabelRe = regexp.MustCompile(`text-anchor="middle" fill="#1d2330">([^<]*)</text>`)
	barDotRe   = regexp.MustCompile(`<circle cx="[\d.]+" cy="(\d+)" r="5"`)
)

// The lift bars: a row 40 high per lift that has a sequence, each labelled with its lift and
// its always-valid interval, and no interval drawn or quoted when the sequence is empty.
func TestLiftBarsRowsAndLabels(t *testing.T) {
	noTreatmentConversions := fixture()
	for i, a := range noTreatmentConversions.Activity {
		if a.Group == schemas.GroupTreatment {
			noTreatmentConversions.Activity[i].Conversions = 0
		}
	}
	o := opts
	o.PlannedShoppers = 2400
	for _, c := range []struct {
		name   string
		d      Data
		o      Options
		height string
		rows   []string // each row's metric, its dot's height and its label
	}{
		// Treatment CTR 0.35 against 0.2, conversions 0.15 against 0.1 (see TestBuild).
		{name: "two lifts", d: fixture(), o: opts, height: "160", rows: []string{"ctr 36 +75.0% [", "conversions_per_impression 76 +50.0% ["}},
		// No treatment conversion: a lift of −100% without a log scale, so without a sequence.
		{name: "a lift without a sequence", d: noTreatmentConversions, o: opts, height: "120", rows: []string{"ctr 36 +75.0% ["}},
		{name: "looks that disagree", d: drift(), o: o, height: "120", rows: []string{"ctr 36 -25.0% CS empty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := build(t, c.d, c.o)
			bars := charts(t, pageOf(t, r))["lift with interval"]
			if !strings.Contains(bars, `width="540" height="`+c.height+`"`) {
				t.Errorf("bars not %s high: %s", c.height, bars)
			}
			names, labels, dots := barNameRe.FindAllStringSubmatch(bars, -1), barLabelRe.FindAllStringSubmatch(bars, -1), barDotRe.FindAllStringSubmatch(bars, -1)
			if len(names) != len(c.rows) || len(labels) != len(c.rows) || len(dots) != len(c.rows) {
				t.Fatalf("%d names, %d labels, %d dots, want %d rows: %s", len(names), len(labels), len(dots), len(c.rows), bars)
			}
			for i, want := range c.rows {
				if got := names[i][1] + " " + dots[i][1] + " " + labels[i][1]; !strings.HasPrefix(got, want) {
					t.Errorf("row %d: %q, want %q…", i, got, want)
				}
			}
			if cs := r.CTRLift.CS; !r.CTRLift.CSEmpty {
				if want := fmt.Sprintf("%+.1f%% [%+.1f%%, %+.1f%%]", 100*r.CTRLift.Lift.Relative, 100*cs.Lo, 100*cs.Hi); labels[0][1] != want {
					t.Errorf("CTR label %q, want %q", labels[0][1], want)
				}
			}
			if thick := strings.Contains(bars, `stroke-width="5"`); thick == r.CTRLift.CSEmpty {
				t.Errorf("always-valid bar drawn: %v, for an empty sequence: %v", thick, r.CTRLift.CSEmpty)
			}
		})
	}
}
