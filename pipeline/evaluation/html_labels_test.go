package evaluation

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
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

// Each arm's CTR is a line through its buckets; an arm with one bucket is only its point.
func TestCTRChartDrawsALinePerArm(t *testing.T) {
	oneHour := fixture()
	for i := range oneHour.Activity {
		oneHour.Activity[i].Bucket = t0
	}
	f := func(d Data, want []string) {
		t.Helper()
		ctr := charts(t, pageOf(t, build(t, d, opts)))["CTR by arm over time"]
		var got []string
		for _, m := range strings.Split(ctr, "<polyline")[1:] {
			_, stroke, _ := strings.Cut(m, `stroke="`)
			got = append(got, stroke[:7])
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("lines in %v, want %v", got, want)
		}
	}
	f(fixture(), []string{palette[0], palette[1]}) // baseline, value
	f(oneHour, nil)
}

// The lift chart's zero line and its last look's labels, for two looks by hand: the frame runs
// from the lowest CS bound −0.2 to the highest 0.9 (under 3·0.3, so not cut), padded by 5% of
// its 1.1 each way: [−0.255, 0.955]. Zero is 0.255/1.21 of the 246 high plot above its bottom at
// 260: y = 260 − 51.84 = 208.2.
func TestLiftChartZeroLineAndLabels(t *testing.T) {
	r := Report{Bucket: "hour", LiftSeries: []LiftPoint{
		{At: t0.Add(time.Hour), Relative: 0.3, CI: stats.Interval{Lo: 0.05, Hi: 0.6}, CS: stats.Interval{Lo: -0.2, Hi: 0.9}, PValue: 0.5},
		{At: t0.Add(2 * time.Hour), Relative: 0.1, CI: stats.Interval{Lo: -0.05, Hi: 0.25}, CS: stats.Interval{Lo: -0.1, Hi: 0.3}, PValue: 0.3},
	}}
	svg := string(liftChart(r))
	for _, want := range []string{
		`<line x1="56" x2="430" y1="208.2" y2="208.2" stroke="#1d2330" stroke-dasharray="4 3"/>`,
		`<text x="438" y="30" font-size="12" fill="#1d2330">lift +10.0%</text><text x="438" y="48" font-size="12" fill="#5b6475">p = 0.3</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("lift chart lacks %s:\n%s", want, svg)
		}
	}
}
