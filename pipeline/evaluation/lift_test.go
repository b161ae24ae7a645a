package evaluation

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// sides is first shoppers a side in the first hour and 50 more a side in the second, each
// clicking 2 or 3 of 10 (treatment) or 1 or 2 of 10 (holdout).
func sides(first int) Data {
	var d Data
	for i := range 2 * (first + 50) {
		g, clicks := schemas.GroupTreatment, uint64(2+i/2%2)
		if i%2 == 1 {
			g, clicks = schemas.GroupHoldout, uint64(1+i/2%2)
		}
		hour := time.Duration(0)
		if i >= 2*first {
			hour = time.Hour
		}
		d.Activity = append(d.Activity, Activity{User: fmt.Sprint("u", i), Group: g, Arm: "value", Bucket: t0.Add(hour),
			Impressions: 10, Clicks: clicks})
	}
	return d
}

// The mixing scale comes from the first look whose smaller side has TauMinShoppers shoppers:
// exactly that many is enough, one fewer waits for the next look.
func TestMixingScaleFromTheFirstLookWithEnoughShoppers(t *testing.T) {
	f := func(first int, want string) {
		t.Helper()
		o := opts
		o.PlannedShoppers = 1000
		l := build(t, sides(first), o).CTRLift
		if l.TauFrom != want {
			t.Errorf("%d shoppers a side at the first look: τ from %q, want %q", first, l.TauFrom, want)
		}
	}
	f(TauMinShoppers, "planned_shoppers 1000, with the variance at 200 shoppers (look 2019-10-01T01:00:00Z)")
	f(TauMinShoppers-1, "planned_shoppers 1000, with the variance at 298 shoppers (look 2019-10-01T02:00:00Z)")
}

// When every shopper of each side clicks at their side's rate by the last look, that look has
// no variance on the log scale: the sequence stops at the look before, and the lift says why.
func TestLastLookWithoutVarianceKeepsTheSequenceOfTheLookBefore(t *testing.T) {
	// Hour 0: treatment 1/8 and 2/8, holdout 1/8 and 1/8. Hour 1: the first of each side clicks
	// again (3/8 and 1/8), so every treatment shopper is at 1/4 and every holdout one at 1/8.
	act := func(user, group string, hour time.Duration, clicks uint64) Activity {
		return Activity{User: user, Group: group, Arm: "value", Bucket: t0.Add(hour), Impressions: 8, Clicks: clicks}
	}
	tr, ho := schemas.GroupTreatment, schemas.GroupHoldout
	d := Data{Activity: []Activity{
		act("a", tr, 0, 1), act("b", tr, 0, 2), act("c", ho, 0, 1), act("d", ho, 0, 1),
		act("a", tr, time.Hour, 3), act("c", ho, time.Hour, 1),
	}}
	o := opts
	o.PlannedShoppers = 4
	l := build(t, d, o).CTRLift
	if l.Lift == nil || l.Lift.Relative != 1 || l.Lift.LogSE != 0 || l.CS == nil || l.Looks != 1 {
		t.Fatalf("lift %+v: want the last look's +100%% and a sequence over the first look", l)
	}
	if want := "the last look has no variance on the log scale (every shopper of a side at its rate): the sequence is as of 2019-10-01T01:00:00Z"; l.Error != want {
		t.Errorf("error %q, want %q", l.Error, want)
	}
	// With a success at every look, nothing to explain.
	if l := build(t, fixture(), opts).CTRLift; l.Error != "" {
		t.Errorf("the fixture's lift has an error: %q", l.Error)
	}
}

// Power at a log-ratio variance of 0.01 (se 0.1) with τ² = 0.04 at α = 0.05, by hand:
// fixed horizon (1.95996 + 0.84162)·0.1 = 0.28016 → e^0.28016 − 1 = +32.3%; always valid the
// mixture radius √(2·0.01·0.05/0.04·(ln 20 + ½·ln 5)) = 0.30824 plus 0.84162·0.1 = 0.39240 →
// +48.1%.
func TestPowerByHand(t *testing.T) {
	p := powerOf(observation{at: t0.Add(2 * time.Hour), shoppers: 400}, 0.01, 0.04, 0.05, t0, time.Hour, Options{})
	if math.Abs(p.MDE-0.32334) > 1e-5 || math.Abs(p.AlwaysValidMDE-0.48053) > 1e-5 {
		t.Errorf("MDE %v, always-valid %v: want 0.32334 and 0.48053", p.MDE, p.AlwaysValidMDE)
	}
	// Three hours of 400 shoppers: 3200 a day.
	if p.ShoppersPerDay != 3200 || p.TimeToDetect != -1 {
		t.Errorf("%v shoppers a day, %v hours to detect without a target", p.ShoppersPerDay, p.TimeToDetect)
	}
	if want := "80% power at 400 shoppers: detects a lift of +48.1% (always-valid; +32.3% fixed-horizon)"; powerText(*p) != want {
		t.Errorf("power reads %q, want %q", powerText(*p), want)
	}
}

// With as many shoppers as planned, the CUPED always-valid interval's radius is
// √(2·(1+c)/c·(ln 20 + ½·ln(1+c))) = 3.0352 standard errors, c = 2·ln 20 + ln(1 + 2·ln 20) =
// 7.9362 (the mixing variance over the variance): 1.5486 times the fixed-horizon 1.95996.
func TestCUPEDAlwaysValidIntervalByHand(t *testing.T) {
	r := build(t, withShoppers(fixture()), opts) // 400 shoppers shown an ad, 400 planned
	for _, a := range r.Adjusted {
		if a.Error != "" || a.Shoppers != opts.PlannedShoppers {
			t.Fatalf("%s: %+v", a.Metric, a)
		}
		ratio := (a.CS.Hi - a.CS.Lo) / (a.CI.Hi - a.CI.Lo)
		if math.Abs(ratio-1.5486) > 1e-4 || math.Abs((a.CS.Lo+a.CS.Hi)/2-a.Diff) > 1e-12 {
			t.Errorf("%s: always-valid %v around %v, %v times as wide as the fixed-horizon %v: want 1.5486", a.Metric, a.CS, a.Diff, ratio, a.CI)
		}
	}
	text := textOf(t, r)
	a := r.Adjusted[0]
	if want := fmt.Sprintf("(always-valid [%+.4g, %+.4g])", a.CS.Lo, a.CS.Hi); !strings.Contains(text, want) {
		t.Errorf("text lacks %q:\n%s", want, text)
	}
}

// Not tested: powerOf's doubling bound hi < 1e12 against hi <= 1e12 differs only when hi is
// exactly 1e12, the shoppers so far times a power of two, and then only when the target lift
// is still out of reach at a trillion shoppers.
