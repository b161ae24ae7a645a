package clickhouse

import (
	"reflect"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestSummaryOnFixture(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())

	rows := schemas.Rows{
		Ads: []schemas.Ad{
			testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a2", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a3", "trend", schemas.GeneratorTemplate, schemas.GroupHoldout),
		},
		Events: []schemas.AdEvent{
			testEvent("i1", schemas.Impression, "a1", 0),
			testEvent("i2", schemas.Impression, "a1", 0),
			testEvent("c1", schemas.Click, "a1", 0),
			testEvent("o1", schemas.Conversion, "a1", 20),
			testEvent("i3", schemas.Impression, "a2", 0),
			testEvent("i4", schemas.Impression, "a3", 0),
			testEvent("i5", schemas.Impression, "a3", 0),
			testEvent("i6", schemas.Impression, "a3", 0),
			testEvent("i7", schemas.Impression, "a3", 0),
			testEvent("c2", schemas.Click, "a3", 0),
			testEvent("o2", schemas.Conversion, "a3", 5.5),
			testEvent("i8", schemas.Impression, "unknown-ad", 0),
		},
		Failures: []schemas.FailedEvent{
			testFailure("clickstream/0/1", schemas.MalformedJSON),
			testFailure("clickstream/0/2", schemas.MalformedJSON),
			testFailure("clickstream/1/9", schemas.MissingUser),
		},
	}
	// Written twice: the second copy is a redelivery and must change nothing.
	for range 2 {
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
	}

	got, err := c.Summary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{
		Rows: []SummaryRow{
			{Impressions: 1},
			{Arm: "trend", GeneratorKind: "template", Group: "holdout", Ads: 1, Impressions: 4, Clicks: 1, Conversions: 1, CTR: 0.25, Revenue: 5.5},
			{Arm: "value", GeneratorKind: "llm", Group: "treatment", Ads: 2, Impressions: 3, Clicks: 1, Conversions: 1, CTR: 1.0 / 3, Revenue: 20},
		},
		Total:    SummaryRow{Ads: 3, Impressions: 8, Clicks: 2, Conversions: 2, CTR: 0.25, Revenue: 25.5},
		Failures: map[string]uint64{"malformed_json": 2, "missing_user": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summary =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSummaryEmpty(t *testing.T) {
	c := migratedTest(t, testConfig())
	got, err := c.Summary(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 0 || got.Total != (SummaryRow{}) || len(got.Failures) != 0 {
		t.Errorf("Summary of empty tables = %+v, want zero", got)
	}
}
