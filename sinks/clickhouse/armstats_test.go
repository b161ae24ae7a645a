package clickhouse

import (
	"reflect"
	"testing"

	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

func TestArmStats(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	other := testAd("x1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)
	other.Strategy.Experiment = "exp2"
	rows := schemas.Rows{
		Ads: []schemas.Ad{
			testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a2", "trend", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("h1", "baseline", schemas.GeneratorTemplate, schemas.GroupHoldout),
			other,
		},
		Events: []schemas.AdEvent{
			testEvent("imp:1", schemas.Impression, "a1", 0),
			testEvent("imp:2", schemas.Impression, "a1", 0),
			testEvent("clk:1", schemas.Click, "a1", 0),
			testEvent("clk:2", schemas.Click, "a2", 0), // a2 was never shown: dropped
			testEvent("imp:3", schemas.Impression, "h1", 0),
			testEvent("clk:3", schemas.Click, "h1", 0),
			testEvent("imp:4", schemas.Impression, "x1", 0),
		},
	}
	for range 2 { // a redelivery changes nothing
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.ArmStats(t.Context(), "exp1")
	if err != nil {
		t.Fatal(err)
	}
	want := []strategy.ArmStat{
		{Segment: "audio", Arm: "trend", Impressions: 0, Clicks: 0},
		{Segment: "audio", Arm: "value", Impressions: 2, Clicks: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ArmStats = %+v, want %+v", got, want)
	}
}
