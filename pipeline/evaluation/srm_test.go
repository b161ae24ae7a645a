package evaluation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

// shoppers is held holdout and treated treatment shoppers, each active in two hours (a shopper
// counts once).
func shoppers(held, treated int) []Activity {
	var out []Activity
	for i := range held + treated {
		g := schemas.GroupTreatment
		if i < held {
			g = schemas.GroupHoldout
		}
		out = append(out, Activity{User: fmt.Sprint("u", i), Group: g, Arm: "value", Bucket: t0, Impressions: 1})
		out = append(out, Activity{User: fmt.Sprint("u", i), Group: g, Arm: "value", Bucket: t0.Add(1), Impressions: 1})
	}
	return out
}

// The p-values are those of a chi-square table with one degree of freedom, the statistics
// worked out by hand in the comments.
func TestHoldoutShareCheck(t *testing.T) {
	f := func(held, treated int, share, wantChi, wantP float64, wantFailed bool) {
		t.Helper()
		c := holdoutCheck(shoppers(held, treated), share)
		if math.Abs(c.ChiSquare-wantChi) > 1e-9 || math.Abs(c.PValue-wantP) > 1e-3*wantP || c.Failed != wantFailed {
			t.Errorf("%d held, %d treated, share %g: chi2 %g p %g failed %v, want chi2 %g p %g failed %v",
				held, treated, share, c.ChiSquare, c.PValue, c.Failed, wantChi, wantP, wantFailed)
		}
		if c.Of != uint64(held+treated) || c.Observed != float64(held) {
			t.Errorf("%d held, %d treated: check counted %g of %d shoppers", held, treated, c.Observed, c.Of)
		}
	}
	f(100, 400, 0.2, 0, 1, false)
	f(120, 380, 0.2, 5, 0.025347, false)     // 20²/100 + 20²/400 = 4 + 1
	f(150, 350, 0.2, 31.25, 2.2685e-8, true) // 50²/100 + 50²/400 = 25 + 6.25
	f(1030, 8970, 0.1, 1.0, 0.31731, false)  // 30²/1000 + 30²/9000 = 0.9 + 0.1
	if c := holdoutCheck(shoppers(3, 10), 0); !c.Failed || c.Error == "" {
		t.Errorf("shoppers held out with no holdout configured: %+v, want failed with a reason", c)
	}
	if c := holdoutCheck(nil, 0.1); c.Failed || c.Error == "" {
		t.Errorf("no shoppers: %+v, want no test and a reason", c)
	}
}

// With a uniform propensity of 1/4 the weighted count of an arm is 4 × its ads: for 130 ads of
// 400, (520-400)² / (130 × 0.75 / 0.0625) = 14400/1560 = 9.2308, p = 0.0023798, times 4 arms.
func TestArmShareCheck(t *testing.T) {
	logged := func(counts map[string]uint64, p float64) []stats.Logged {
		var out []stats.Logged
		for arm, n := range counts {
			// split in clicked and not, as the query returns them
			out = append(out, stats.Logged{Context: "audio", Action: arm, Propensity: p, Reward: 1, Count: n / 2},
				stats.Logged{Context: "audio", Action: arm, Propensity: p, Count: n - n/2})
		}
		return out
	}
	cs := armChecks(logged(map[string]uint64{"a": 130, "b": 90, "c": 90, "d": 90}, 0.25))
	if len(cs) != 4 || cs[0].Name != "arm a" || cs[1].Name != "arm b" {
		t.Fatalf("checks %+v", cs)
	}
	if c := cs[0]; math.Abs(c.ChiSquare-9.2308) > 1e-4 || math.Abs(c.PValue-4*0.0023798) > 1e-6 || c.Failed || c.Observed != 520 || c.Of != 400 {
		t.Errorf("arm a: %+v, want chi2 9.2308, p %.6f, not failed", c, 4*0.0023798)
	}
	// 90 ads: (360-400)² / (90 × 12) = 1.4815, p = 0.22354 × 4 = 0.89417.
	if c := cs[1]; math.Abs(c.ChiSquare-1.4815) > 1e-4 || math.Abs(c.PValue-0.89417) > 1e-4 || c.Failed {
		t.Errorf("arm b: %+v, want chi2 1.4815, p 0.89417", c)
	}
	// Two arms logged at 0.5 but shown 300 and 100 times: the propensities are not the shares.
	cs = armChecks(logged(map[string]uint64{"value": 300, "trend": 100}, 0.5))
	for _, c := range cs {
		if !c.Failed {
			t.Errorf("%s: %+v, want it failed", c.Name, c)
		}
	}
	// One arm only, propensity 1: nothing to test, nothing failed.
	if cs := armChecks(logged(map[string]uint64{"value": 50}, 1)); len(cs) != 1 || cs[0].Failed || cs[0].PValue != 1 {
		t.Errorf("one arm: %+v", cs)
	}
	// Propensity 1 logged for an arm while another was shown too.
	l := append(logged(map[string]uint64{"value": 50}, 1), logged(map[string]uint64{"trend": 50}, 0.5)...)
	if cs := armChecks(l); len(cs) != 2 || !cs[1].Failed || cs[1].Error == "" {
		t.Errorf("propensity 1 beside another arm: %+v", cs)
	}
}

// A failed check is the first thing the text and the HTML page say, and is in the JSON.
func TestMismatchIsReportedAboveEveryConclusion(t *testing.T) {
	d := fixture()
	o := opts
	o.HoldoutShare = 0.1 // the fixture holds out half its shoppers
	r, err := Build(d, o)
	if err != nil {
		t.Fatal(err)
	}
	if !r.SampleRatio.Mismatch || !r.SampleRatio.Checks[0].Failed {
		t.Fatalf("sample ratio %+v, want the holdout check failed", r.SampleRatio)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	s := text.String()
	warn := strings.Index(s, "WARNING: SAMPLE RATIO MISMATCH (holdout share")
	if warn < 0 {
		t.Fatalf("no warning in:\n%s", s)
	}
	for _, later := range []string{"by arm", "lift of treatment over holdout", "off-policy"} {
		if i := strings.Index(s, later); i < warn {
			t.Errorf("%q (at %d) comes before the warning (at %d):\n%s", later, i, warn, s)
		}
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	p := page.String()
	if w, h2 := strings.Index(p, `id="srm-warning"`), strings.Index(p, "<h2>"); w < 0 || w > h2 {
		t.Errorf("HTML warning at %d, first section at %d", w, h2)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		SampleRatio SampleRatio `json:"sample_ratio"`
	}
	if err := json.Unmarshal(js, &back); err != nil || !back.SampleRatio.Mismatch || back.SampleRatio.Checks[0].Name != "holdout share" {
		t.Errorf("JSON sample_ratio %+v (%v)", back.SampleRatio, err)
	}
	// With the holdout disabled its shoppers are a mismatch with no statistic; the JSON still encodes.
	o.HoldoutShare = 0
	if r, err = Build(fixture(), o); err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil || !r.SampleRatio.Mismatch {
		t.Errorf("holdout disabled: mismatch %v, JSON error %v", r.SampleRatio.Mismatch, err)
	}

	// At the share it was run with, nothing is flagged.
	r, err = Build(fixture(), opts)
	if err != nil {
		t.Fatal(err)
	}
	text.Reset()
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if r.SampleRatio.Mismatch || strings.Contains(text.String(), "MISMATCH") || !strings.Contains(text.String(), "holdout share") {
		t.Errorf("at the fixture's share: %+v\n%s", r.SampleRatio, text.String())
	}
}
