package evaluation

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// build is Build of d with o, failing the test on an error.
func build(t *testing.T, d Data, o Options) Report {
	t.Helper()
	r, err := Build(d, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func textOf(t *testing.T, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSummaryAndTextOfASignificantLift(t *testing.T) {
	r := build(t, withShoppers(fixture()), opts)
	// Treatment 0.35, holdout 0.2 (see TestBuild).
	if want := "clicked 35.00% of them; held-out shoppers, who got the baseline ad, 20.00%."; !strings.Contains(r.Summary, want) {
		t.Errorf("summary lacks %q:\n%s", want, r.Summary)
	}
	if r.CTRLift.Error != "" {
		t.Errorf("a lift with a success at every look has an error: %q", r.CTRLift.Error)
	}
	text := textOf(t, r)
	for _, want := range []string{
		"per-arm CTR lift (1 comparisons",
		"credited conv click", "cost/click",
		"variance reduction (CUPED on " + CUPEDCovariate,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		p := l.Power
		if p.MDE <= 0 || p.AlwaysValidMDE <= p.MDE {
			t.Errorf("%s: MDE %v, always-valid %v: the always-valid test needs the larger lift", l.Metric, p.MDE, p.AlwaysValidMDE)
		}
		if want := fmt.Sprintf("detects a lift of %+.1f%% (always-valid; %+.1f%% fixed-horizon)", 100*p.AlwaysValidMDE, 100*p.MDE); !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// flat is 200 treatment and 200 holdout shoppers with the same click rates, over three hours.
func flat() Data {
	var d Data
	for i := range 400 {
		g, arm := schemas.GroupTreatment, "value"
		if i%2 == 1 {
			g, arm = schemas.GroupHoldout, "baseline"
		}
		clicks := uint64(2 + i/2%2) // 2 or 3 of 10 on both sides
		d.Activity = append(d.Activity, Activity{User: fmt.Sprint("u", i), Group: g, Arm: arm,
			Bucket: t0.Add(time.Duration(i%3) * time.Hour), Impressions: 10, Clicks: clicks, Conversions: clicks / 2})
	}
	d.Cells = []Cell{{Arm: "value", Group: schemas.GroupTreatment, Counts: Counts{Impressions: 2000, Clicks: 500}}}
	return d
}

func TestPowerSolvesForTheShoppersNeeded(t *testing.T) {
	o := opts
	o.TargetLift = 0.02 // too small for 400 shoppers
	r := build(t, flat(), o)
	l := r.CTRLift
	p := l.Power
	if l.Lift == nil || p == nil || l.PValue < l.Alpha {
		t.Fatalf("no lift, no power, or a lift found where there is none: %+v", l)
	}
	// The always-valid test detects the target at N shoppers when the mixture radius plus
	// z_0.8 standard errors, at the variance scaled by n/N, reaches log(1.02).
	v, n, effect := l.Lift.LogSE*l.Lift.LogSE, float64(p.Shoppers), math.Log1p(0.02)
	at := func(N float64) float64 {
		vn := v * n / N
		return stats.MixtureRadius(vn, l.Tau*l.Tau, l.Alpha) + stats.ZPower(stats.Power)*math.Sqrt(vn)
	}
	if p.Shoppers != 400 || p.ShoppersNeeded <= n || math.Abs(at(p.ShoppersNeeded)-effect) > 1e-6*effect {
		t.Errorf("%v shoppers needed of %d so far: radius+z·se there %v, want %v", p.ShoppersNeeded, p.Shoppers, at(p.ShoppersNeeded), effect)
	}
	// Fixed horizon in closed form: n·(MDE_se/effect)².
	ratio := stats.MinimumDetectable(l.Lift.LogSE, l.Alpha, stats.Power) / effect
	if math.Abs(p.FixedShoppers-n*ratio*ratio) > 1e-6*p.FixedShoppers || p.FixedShoppers >= p.ShoppersNeeded {
		t.Errorf("fixed-horizon shoppers %v, want %v (and fewer than the always-valid %v)", p.FixedShoppers, n*ratio*ratio, p.ShoppersNeeded)
	}
	// Three hours of 400 shoppers: 3200 a day.
	if p.ShoppersPerDay != 3200 || math.Abs(p.TimeToDetect-(p.ShoppersNeeded-n)/3200*24) > 1e-9 ||
		math.Abs(p.FixedTime-(p.FixedShoppers-n)/3200*24) > 1e-9 {
		t.Errorf("%v shoppers a day, %v hours to detect, %v fixed-horizon", p.ShoppersPerDay, p.TimeToDetect, p.FixedTime)
	}
	want := fmt.Sprintf(" A real +2%% lift would show after about %.0f shoppers, %s more at the current rate.", p.ShoppersNeeded, hoursText(p.TimeToDetect))
	if !strings.Contains(r.Summary, "That is no reliable difference yet") || !strings.Contains(r.Summary, want) {
		t.Errorf("summary lacks %q:\n%s", want, r.Summary)
	}
}

func TestHoursText(t *testing.T) {
	f := func(h float64, want string) {
		t.Helper()
		if got := hoursText(h); got != want {
			t.Errorf("hoursText(%v) = %q, want %q", h, got, want)
		}
	}
	f(0, "no time")
	f(5, "5.0 hours")
	f(72, "72.0 hours")
	f(72.5, "3.0 days")
	f(96, "4.0 days")
}

func TestDifferenceIntervals(t *testing.T) {
	r := build(t, fixture(), opts)
	for _, l := range []LiftResult{r.CTRLift, r.ConversionLift} {
		d := l.Diff
		z := stats.Z(1 - l.Alpha)
		// Fixed horizon: the last look's difference ± z·se; conversions per impression have no
		// bound, so nothing is clipped.
		if d == nil || math.Abs(d.CI.Lo-(l.Lift.Diff-z*l.Lift.DiffSE)) > 1e-12 || math.Abs(d.CI.Hi-(l.Lift.Diff+z*l.Lift.DiffSE)) > 1e-12 {
			t.Errorf("%s: difference %+v, want %v ± %v·%v", l.Metric, d, l.Lift.Diff, z, l.Lift.DiffSE)
			continue
		}
		// Always valid over three looks: wider than the fixed-horizon interval.
		if d.Tau <= 0 || d.CS.Lo >= d.CI.Lo || d.CS.Hi <= d.CI.Hi {
			t.Errorf("%s: CS %v not wider than the fixed-horizon %v (tau %v)", l.Metric, d.CS, d.CI, d.Tau)
		}
	}
}

func TestLooksWithoutVarianceAreSkipped(t *testing.T) {
	d := fixture()
	// In the first hour every shopper of a side clicks alike: no variance, no look.
	for i := range d.Activity {
		if d.Activity[i].Bucket.Equal(t0) {
			d.Activity[i].Clicks = 3
			if d.Activity[i].Group == schemas.GroupHoldout {
				d.Activity[i].Clicks = 2
			}
		}
	}
	r := build(t, d, opts)
	if r.CTRLift.Looks != 2 || len(r.LiftSeries) != 2 || !r.LiftSeries[0].At.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("%d looks, series %+v: want the two with variance", r.CTRLift.Looks, r.LiftSeries)
	}
}

func TestBucketIsADayPastThreeDays(t *testing.T) {
	f := func(span time.Duration, want string) {
		t.Helper()
		d := fixture()
		for i := range d.Activity {
			d.Activity[i].Bucket = t0.Add(time.Duration(i%4) * span / 3).Truncate(time.Hour)
		}
		r := build(t, d, opts)
		if r.Bucket != want {
			t.Fatalf("data over %v in %s buckets, want %s", span, r.Bucket, want)
		}
		step := time.Hour
		if want == "day" {
			step = 24 * time.Hour
		}
		for _, p := range r.Series {
			if !p.At.Equal(p.At.Truncate(step)) || (want == "day" && p.At.Hour() != 0) {
				t.Errorf("point at %v is not at the start of a %s", p.At, want)
			}
		}
	}
	f(72*time.Hour, "hour")
	f(75*time.Hour, "day")
}

func TestCellsWithoutAKey(t *testing.T) {
	d := fixture()
	d.Cells = append(d.Cells, Cell{Group: schemas.GroupTreatment, Counts: Counts{Impressions: 7}})
	r := build(t, d, opts)
	var keys []string
	for _, row := range r.ByArm {
		keys = append(keys, row.Key)
	}
	// The landed ad with only a group is "(none)"; the fixture's empty cell is an unlanded ad.
	if want := "[(ad not landed) (none) baseline value]"; fmt.Sprint(keys) != want {
		t.Errorf("arms %v, want %s", keys, want)
	}
}

func TestOffPolicyIntervalsAreTheEstimators(t *testing.T) {
	d := fixture()
	r := build(t, d, opts)
	for _, p := range r.OffPolicy {
		arm := strings.TrimPrefix(p.Name, "always ")
		est, err := stats.Evaluate(d.Logged, stats.Always(arm), opts.Confidence)
		if err != nil {
			t.Fatal(err)
		}
		// Inside [0, 1] already: clipping changes nothing.
		if p.IPSCI != est.IPSCI || p.SNIPSCI != est.SNIPSCI {
			t.Errorf("%s: intervals %v %v, want %v %v", p.Name, p.IPSCI, p.SNIPSCI, est.IPSCI, est.SNIPSCI)
		}
	}
}

func TestSimulatedBannerStatesTheDelivery(t *testing.T) {
	d := fixture()
	d.SimulatedImpressions, d.Impressions = 4000, 4005
	o := opts
	o.Delivery = &SimulatedDelivery{ViewRate: 0.6, ClickRate: map[string]float64{"value": 0.3, "baseline": 0.2}, ConvertRate: 0.7}
	r := build(t, d, o)
	want := "It shows 60% of ads, clicks at fixed rates per arm (baseline 20%, value 30%) and orders after 70% of clicks"
	if r.Simulated == nil || !strings.Contains(r.Simulated.Text, "4000 of 4005 impressions") || !strings.Contains(r.Simulated.Text, want) {
		t.Errorf("banner %+v lacks %q", r.Simulated, want)
	}
}
