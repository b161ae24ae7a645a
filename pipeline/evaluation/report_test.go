package evaluation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

var t0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// fixture: 200 treatment shoppers clicking 3 or 4 of 10 impressions and 200 holdout shoppers
// clicking 2 of 10, spread over three hours.
func fixture() Data {
	d := Data{Database: "adshift_test", Failures: Failures{"features": {"malformed_json": 2}}}
	for i := range 400 {
		g, arm, clicks := schemas.GroupTreatment, "value", uint64(3)
		if i%2 == 1 {
			g, arm, clicks = schemas.GroupHoldout, "baseline", 2
		}
		if i%4 == 0 { // heterogeneity: some treatment shoppers click more
			clicks++
		}
		d.Activity = append(d.Activity, Activity{User: fmt.Sprint("u", i), Group: g, Arm: arm,
			Bucket: t0.Add(time.Duration(i%3) * time.Hour), Impressions: 10, Clicks: clicks, Conversions: clicks / 2})
	}
	d.Cells = []Cell{
		{Segment: "audio", Arm: "value", Generator: "llm", Group: schemas.GroupTreatment, Counts: Counts{Ads: 2000, Tokens: 300000,
			Impressions: 2000, Clicks: 650, OrphanClicks: 3, ClickConversions: 100, ViewConversions: 20, Revenue: map[string]float64{"USD": 999}}},
		{Segment: "audio", Arm: "baseline", Generator: "template", Group: schemas.GroupHoldout, Counts: Counts{Ads: 2000,
			Impressions: 2000, Clicks: 400, ClickConversions: 50}},
		{Counts: Counts{Impressions: 5}},
	}
	d.Logged = []stats.Logged{
		{Context: "audio", Action: "value", Propensity: 0.5, Reward: 1, Count: 300},
		{Context: "audio", Action: "value", Propensity: 0.5, Reward: 0, Count: 700},
		{Context: "audio", Action: "trend", Propensity: 0.5, Reward: 1, Count: 100},
		{Context: "audio", Action: "trend", Propensity: 0.5, Reward: 0, Count: 900},
	}
	return d
}

var opts = Options{Confidence: 0.95, PlannedShoppers: 400, CostPer1kTokens: 0.5, HoldoutShare: 0.5} // the fixture's half

func TestBuild(t *testing.T) {
	r, err := Build(fixture(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ByArm) != 3 || r.ByArm[0].Key != Unattributed || r.ByArm[1].Key != "baseline" || r.ByArm[2].Key != "value" {
		t.Fatalf("by arm: %+v", r.ByArm)
	}
	v := r.ByArm[2]
	if v.CTR != 0.325 || v.CTRCI != stats.Wilson(650, 2000, 0.95) || v.Conversions != 120 ||
		math.Abs(v.CVR-100.0/650) > 1e-12 || v.Cost != 150 || math.Abs(v.CostPerClick-150.0/650) > 1e-12 ||
		v.CostPerConversion != 1.25 || v.OrphanClicks != 3 {
		t.Errorf("value arm: %+v", v)
	}
	if r.Total.Impressions != 4005 || r.Total.Clicks != 1050 {
		t.Errorf("total %+v", r.Total)
	}
	l := r.CTRLift
	// Treatment CTR (100·4 + 100·3)/2000 = 0.35, holdout 200·2/2000 = 0.2: +75%.
	if l.Lift == nil || math.Abs(l.Lift.Relative-0.75) > 1e-12 || l.Looks != 3 || !l.Lift.CI.Contains(0.75) || l.Lift.CI.Lo <= 0 {
		t.Fatalf("CTR lift %+v", l)
	}
	if l.PValue >= 0.05 || len(r.LiftSeries) != 3 || r.LiftSeries[2].PValue != l.PValue {
		t.Errorf("p = %v over %d looks %+v: a 75%% lift over 400 shoppers should be found", l.PValue, l.Looks, r.LiftSeries)
	}
	for i := 1; i < len(r.LiftSeries); i++ {
		if r.LiftSeries[i].PValue > r.LiftSeries[i-1].PValue {
			t.Errorf("always-valid p rose from look %d to %d", i-1, i)
		}
	}
	if r.Bucket != "hour" || len(r.Series) != 6 {
		t.Errorf("series in %s buckets: %+v", r.Bucket, r.Series)
	}
	if len(r.OffPolicy) != 2 || r.OffPolicy[0].Name != "always trend" || math.Abs(r.OffPolicy[1].SNIPS-0.3) > 1e-12 ||
		math.Abs(r.OffPolicy[1].IPS-0.3) > 1e-12 {
		t.Errorf("off-policy %+v", r.OffPolicy)
	}
	if _, err := Build(fixture(), Options{Confidence: 0.95}); err == nil {
		t.Error("no mSPRT tau accepted")
	}
}

func TestBuildListsTopSegments(t *testing.T) {
	d := fixture()
	for i := range 20 {
		d.Cells = append(d.Cells, Cell{Segment: fmt.Sprintf("s%02d", i), Arm: "value", Group: schemas.GroupTreatment,
			Counts: Counts{Impressions: uint64(100 + i), Clicks: 10}})
	}
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.BySegment) != TopSegments+1 {
		t.Fatalf("%d segment rows, want %d and one for the rest", len(r.BySegment), TopSegments)
	}
	other := r.BySegment[TopSegments]
	// Kept: audio (4000) and s19…s09 (119…109); the rest: s08…s00 and the unlanded row (5).
	if other.Key != "(10 other segments)" || other.Impressions != 100*9+36+5 || other.Clicks != 90 || other.CTR != float64(90)/941 {
		t.Errorf("other segments row %+v", other)
	}
	var sum uint64
	for _, row := range r.BySegment {
		sum += row.Impressions
	}
	if sum != r.Total.Impressions {
		t.Errorf("segment rows sum to %d impressions, total %d", sum, r.Total.Impressions)
	}
}

func TestBuildWithoutHoldoutSaysWhy(t *testing.T) {
	d := fixture()
	var only []Activity
	for _, a := range d.Activity {
		if a.Group == schemas.GroupTreatment {
			only = append(only, a)
		}
	}
	d.Activity = only
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.CTRLift.Lift != nil || !strings.Contains(r.CTRLift.Error, "holdout") || r.CTRLift.PValue != 1 {
		t.Errorf("lift without a holdout: %+v", r.CTRLift)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "ctr                          relative lift n/a: holdout") {
		t.Errorf("text does not say why there is no lift:\n%s", text.String())
	}
}

func TestWriteTextAndHTML(t *testing.T) {
	r, err := Build(fixture(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"by arm", "by segment", "by generator", "by group",
		"32.50%  [30.48, 34.58]", // value: CTR with its Wilson interval
		"lift +75.0%", "conversions_per_impression   treatment 0.1500 (200 shoppers)  holdout 0.1000 (200 shoppers)  lift +50.0%", "always trend", "malformed_json", "clicks without an impression of their ad (left out of CTR): 3",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	if n := strings.Count(html, "<svg "); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	// Self-contained: no scripts, stylesheets or images fetched from anywhere.
	if regexp.MustCompile(`(?i)<script|<link|src=|url\(|https?://[^"]*\.(js|css)`).MatchString(html) {
		t.Error("the page loads external resources")
	}
	for _, want := range []string{"<polygon", "<polyline", "+75.0%", "32.50%", "always value"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// The lift's always-valid interval and p come from the same test: at every look the sequence
// excludes 0 exactly when p < α, and it is never narrower than the fixed-horizon interval's
// claims allow it to be wider: it always contains the last estimate.
func TestLiftSequenceAgreesWithP(t *testing.T) {
	for _, lift := range []uint64{0, 1} { // the fixture, and one with almost no effect
		d := fixture()
		if lift == 0 {
			for i := range d.Activity {
				if d.Activity[i].Group == schemas.GroupTreatment {
					d.Activity[i].Clicks = 2 + uint64(i%8/6)
				}
			}
		}
		r, err := Build(d, opts)
		if err != nil {
			t.Fatal(err)
		}
		l := r.CTRLift
		if l.CS == nil || len(r.LiftSeries) != 3 || l.Looks != 3 || l.TauFrom == "" || !(l.Tau > 0) {
			t.Fatalf("CTR lift %+v, series %+v", l, r.LiftSeries)
		}
		for i, p := range r.LiftSeries {
			if p.CS.Contains(0) == (p.PValue < 0.05) {
				t.Errorf("case %d look %d: CS %v and p %v disagree", lift, i, p.CS, p.PValue)
			}
			if i > 0 && (p.CS.Lo < r.LiftSeries[i-1].CS.Lo || p.CS.Hi > r.LiftSeries[i-1].CS.Hi) {
				t.Errorf("case %d: the sequence widened from look %d to %d", lift, i-1, i)
			}
		}
		if !l.CS.Contains(l.Lift.Relative) || l.CS.Hi-l.CS.Lo <= l.Lift.CI.Hi-l.Lift.CI.Lo {
			t.Errorf("case %d: CS %v vs fixed-horizon %v around %v: the always-valid interval should be the wider", lift, *l.CS, l.Lift.CI, l.Lift.Relative)
		}
	}
}

// Three treatment arms make a family of five: each against the holdout, the two others against
// the baseline arm. Each comparison is the pooled one restricted to its two sides, at α/5.
func TestArmLiftsAreAHolmFamily(t *testing.T) {
	d := Data{}
	for i := range 600 {
		g, arm, clicks := schemas.GroupTreatment, []string{"baseline", "value", "trend"}[i%3], uint64(2+(i/4)%2)
		if i%4 == 3 {
			g, arm = schemas.GroupHoldout, "baseline"
		}
		if arm == "value" {
			clicks += 3
		}
		d.Activity = append(d.Activity, Activity{User: fmt.Sprint("u", i), Group: g, Arm: arm,
			Bucket: t0.Add(time.Duration(i/7%4) * time.Hour), Impressions: 10, Clicks: clicks})
	}
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.ArmLifts) != 5 {
		t.Fatalf("%d arm lifts, want 5: %+v", len(r.ArmLifts), r.ArmLifts)
	}
	var ps []float64
	for _, l := range r.ArmLifts {
		ps = append(ps, l.PValue)
	}
	holm := stats.Holm(ps)
	for i, l := range r.ArmLifts {
		if l.HolmP != holm[i] || !near(l.Alpha, 0.01) || l.CS == nil || l.CS.Contains(0) == (l.PValue < l.Alpha) {
			t.Errorf("%s vs %s: %+v", l.Treatment, l.Control, l)
		}
		significant := l.HolmP < 0.05
		if significant != (l.Treatment == "arm value") {
			t.Errorf("%s vs %s: Holm p %v, lift %+v", l.Treatment, l.Control, l.HolmP, l.Lift)
		}
	}
	// value vs holdout is the pooled lift of a report with only those shoppers, at α/5.
	var only Data
	for _, a := range d.Activity {
		if a.Group == schemas.GroupHoldout || a.Arm == "value" {
			only.Activity = append(only.Activity, a)
		}
	}
	o := opts
	o.Confidence = 0.99
	alone, err := Build(only, o)
	if err != nil {
		t.Fatal(err)
	}
	v := r.ArmLifts[2]
	if v.Treatment != "arm value" || v.Control != schemas.GroupHoldout || *v.CS != *alone.CTRLift.CS || v.PValue != alone.CTRLift.PValue {
		t.Errorf("value vs holdout %+v, alone %+v", v, alone.CTRLift)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A mixing scale given as msprt_tau needs no plan: the differences' scale then comes from the
// data so far, and every interval is finite.
func TestMSPRTTauWithoutPlan(t *testing.T) {
	r, err := Build(withShoppers(fixture()), Options{Confidence: 0.95, MSPRTTau: 0.1, HoldoutShare: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	l := r.CTRLift
	if l.TauFrom != "msprt_tau" || math.Abs(l.Tau-0.1) > 1e-12 || l.Diff == nil || math.IsNaN(l.Diff.CS.Lo) || math.IsInf(l.Diff.CS.Hi, 0) {
		t.Errorf("lift %+v diff %+v", l, l.Diff)
	}
	for _, g := range r.Guardrails {
		if g.DiffCS != nil && (math.IsNaN(g.DiffCS.Lo) || math.IsNaN(g.DiffCS.Hi)) {
			t.Errorf("guardrail %+v", g)
		}
	}
}

// With no holdout clicks there is no relative lift, but there is the absolute difference with
// both its intervals, and the report still encodes as JSON (no infinities).
func TestZeroHoldoutRateHasADifference(t *testing.T) {
	d := fixture()
	for i := range d.Activity {
		if d.Activity[i].Group == schemas.GroupHoldout {
			d.Activity[i].Clicks, d.Activity[i].Conversions = 0, 0
		}
	}
	r, err := Build(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	l := r.CTRLift
	if l.Lift != nil || !strings.Contains(l.Error, "control rate is zero") || l.Diff == nil || math.Abs(l.Diff.Value-0.35) > 1e-12 ||
		!l.Diff.CS.Contains(0.35) || l.Diff.CS.Lo <= 0 || l.Diff.CI.Lo < l.Diff.CS.Lo {
		t.Fatalf("lift %+v, diff %+v", l, l.Diff)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "absolute difference +0.3500  CS [") {
		t.Errorf("text lacks the difference:\n%s", text.String())
	}
}
