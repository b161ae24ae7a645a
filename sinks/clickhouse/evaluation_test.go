package clickhouse

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/evaluation"
	"github.com/adshift/adshift/pipeline/stats"
	"github.com/adshift/adshift/schemas"
)

func TestEvaluationCountsDistinctShownAndAttributed(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	h1 := testAd("h1", "baseline", schemas.GeneratorTemplate, schemas.GroupHoldout)
	h1.Strategy.Propensity = 1
	h1.PreEvents = 5 // the covariate is the ads' pre_events, not their profile version (3)
	conv := func(id, ad, rule string, rev float64) schemas.AdEvent {
		e := testEvent(id, schemas.Conversion, ad, rev)
		e.Attribution = rule
		return e
	}
	late := testEvent("imp:late", schemas.Impression, "a2", 0)
	late.EventTime = epoch.Add(2 * time.Hour)
	rows := schemas.Rows{
		Ads: []schemas.Ad{
			withPre(testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment), 7),
			withPre(testAd("a2", "trend", schemas.GeneratorLLM, schemas.GroupTreatment), 9),
			testAd("a3", "trend", schemas.GeneratorLLM, schemas.GroupTreatment), // never shown
			h1,
		},
		Events: []schemas.AdEvent{
			testEvent("imp:1", schemas.Impression, "a1", 0),
			testEvent("clk:1", schemas.Click, "a1", 0),
			conv("conv:o1", "a1", schemas.AttributionClick, 30),
			testEvent("imp:2", schemas.Impression, "a2", 0),
			late,
			conv("conv:o2", "a2", schemas.AttributionView, 12),
			testEvent("clk:orphan", schemas.Click, "a3", 0),
			testEvent("imp:3", schemas.Impression, "h1", 0),
			testEvent("clk:3", schemas.Click, "h1", 0),
			testEvent("imp:view:h1", schemas.Impression, "h1", 0), // as the demo's simulated delivery writes it
			testEvent("imp:lost", schemas.Impression, "not-landed", 0),
		},
		Failures: []schemas.FailedEvent{
			testFailure("clickstream/0/1", schemas.MalformedJSON),
			testFailure("clickstream/0/2", schemas.MalformedJSON),
			testFailure("clickstream/1/9", schemas.MissingUser),
			{FailureID: "adshift.shifts/0/4", Kind: schemas.SchemaViolation, Stage: "creatives", Topic: "adshift.shifts", FailedAt: epoch},
		},
	}
	for range 2 { // a redelivery changes nothing
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
	}
	d, err := c.Evaluation(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(d.Cells, func(i, j int) bool { return d.Cells[i].Arm < d.Cells[j].Arm })
	want := []evaluation.Cell{
		{Counts: evaluation.Counts{Impressions: 1}},
		{Segment: "audio", Arm: "baseline", Generator: "template", Group: "holdout", Counts: evaluation.Counts{Ads: 1, Tokens: 120, Impressions: 2, Clicks: 1}},
		{Segment: "audio", Arm: "trend", Generator: "llm", Group: "treatment", Counts: evaluation.Counts{Ads: 2, Tokens: 240, Impressions: 2, OrphanClicks: 1, ViewConversions: 1, Revenue: map[string]float64{"USD": 12}}},
		{Segment: "audio", Arm: "value", Generator: "llm", Group: "treatment", Counts: evaluation.Counts{Ads: 1, Tokens: 120, Impressions: 1, Clicks: 1, ClickConversions: 1, Revenue: map[string]float64{"USD": 30}}},
	}
	if !reflect.DeepEqual(d.Cells, want) {
		t.Errorf("cells:\n%+v\nwant\n%+v", d.Cells, want)
	}
	// Dead letters count once each, by stage and kind, however often they were written.
	if want := (evaluation.Failures{"features": {"malformed_json": 2, "missing_user": 1}, "creatives": {"schema_violation": 1}}); !reflect.DeepEqual(d.Failures, want) {
		t.Errorf("failures by stage and kind %v, want %v", d.Failures, want)
	}
	sort.Slice(d.Logged, func(i, j int) bool { return d.Logged[i].Action < d.Logged[j].Action })
	wantLogged := []stats.Logged{
		{Context: "audio", Action: "trend", Propensity: 0.25, Reward: 0, Count: 1},
		{Context: "audio", Action: "value", Propensity: 0.25, Reward: 1, Count: 1},
	}
	if !reflect.DeepEqual(d.Logged, wantLogged) {
		t.Errorf("logged: %+v, want %+v", d.Logged, wantLogged)
	}
	var imps, clicks, convs uint64
	buckets := map[time.Time]bool{}
	for _, a := range d.Activity {
		imps += a.Impressions
		clicks += a.Clicks
		convs += a.Conversions
		buckets[a.Bucket] = true
	}
	if imps != 5 || clicks != 2 || convs != 2 || len(buckets) != 2 {
		t.Errorf("activity: %d impressions, %d clicks, %d conversions in %d hours; want 5, 2, 2 in 2: %+v", imps, clicks, convs, len(buckets), d.Activity)
	}
	sort.Slice(d.Shoppers, func(i, j int) bool { return d.Shoppers[i].User < d.Shoppers[j].User })
	wantShoppers := []evaluation.Shopper{
		{User: "u-a1", Group: "treatment", Impressions: 1, Clicks: 1, Conversions: 1, Revenue: map[string]float64{"USD": 30}, Tokens: 120, Pre: 7},
		{User: "u-a2", Group: "treatment", Impressions: 2, Conversions: 1, Revenue: map[string]float64{"USD": 12}, Tokens: 120, Pre: 9},
		{User: "u-a3", Group: "treatment", Revenue: map[string]float64{}, Tokens: 120}, // never shown: no covariate
		{User: "u-h1", Group: "holdout", Impressions: 2, Clicks: 1, Revenue: map[string]float64{}, Tokens: 120, Pre: 5},
	}
	if !reflect.DeepEqual(d.Shoppers, wantShoppers) {
		t.Errorf("shoppers:\n%+v\nwant\n%+v", d.Shoppers, wantShoppers)
	}
	wantGen := []evaluation.Generation{
		{Kind: "llm", Ads: 3, LatencyMS: 850, P50MS: 850, P95MS: 850},
		{Kind: "template", Ads: 1, LatencyMS: 850, P50MS: 850, P95MS: 850},
	}
	if !reflect.DeepEqual(d.Generations, wantGen) {
		t.Errorf("generations %+v, want %+v", d.Generations, wantGen)
	}
	if d.SimulatedImpressions != 1 || d.Impressions != 6 {
		t.Errorf("%d of %d impressions simulated, want 1 of 6", d.SimulatedImpressions, d.Impressions)
	}
}

// withPre is ad with its shopper's pre-ad engagement set.
func withPre(ad schemas.Ad, events uint64) schemas.Ad {
	ad.PreEvents = events
	return ad
}
