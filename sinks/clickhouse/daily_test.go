package clickhouse

import (
	"reflect"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/adshift/adshift/schemas"
)

// dailyFixture is two ads, their events over two days in two currencies, and an event whose ad
// never lands.
func dailyFixture() schemas.Rows {
	conv := func(id, ad, cur string, rev float64, at time.Time) schemas.AdEvent {
		e := testEvent(id, schemas.Conversion, ad, rev)
		e.Attribution, e.Currency, e.EventTime = schemas.AttributionClick, cur, at
		return e
	}
	day2 := epoch.Add(24 * time.Hour)
	imp2 := testEvent("imp:2", schemas.Impression, "a2", 0)
	imp2.EventTime = day2
	return schemas.Rows{
		Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment),
			testAd("a2", "trend", schemas.GeneratorLLM, schemas.GroupTreatment)},
		Events: []schemas.AdEvent{
			testEvent("imp:1", schemas.Impression, "a1", 0), testEvent("clk:1", schemas.Click, "a1", 0),
			conv("conv:1", "a1", "USD", 30, epoch.Add(time.Hour)), conv("conv:2", "a1", "EUR", 12, epoch.Add(2*time.Hour)),
			conv("conv:3", "a1", "USD", 5, epoch.Add(3*time.Hour)),
			imp2, conv("conv:4", "a2", "EUR", 7, day2),
			testEvent("imp:lost", schemas.Impression, "not-landed", 0),
		},
	}
}

func wantDaily() []DailyOutcome {
	d1, d2 := epoch.Truncate(24*time.Hour), epoch.Truncate(24*time.Hour).Add(24*time.Hour)
	cell := func(day time.Time, arm, kind, attribution, cur string, n uint64, rev float64) DailyOutcome {
		if arm == "" {
			return DailyOutcome{Day: day, Kind: kind, Currency: cur, Events: n}
		}
		return DailyOutcome{Day: day, Experiment: "exp1", Segment: "audio", Arm: arm, Group: schemas.GroupTreatment,
			Generator: schemas.GeneratorLLM, Kind: kind, Attribution: attribution, Currency: cur, Events: n, Revenue: rev}
	}
	return []DailyOutcome{
		cell(d1, "", schemas.Impression, "", "USD", 1, 0),
		cell(d1, "value", schemas.Click, "", "USD", 1, 0),
		cell(d1, "value", schemas.Conversion, schemas.AttributionClick, "EUR", 1, 12),
		cell(d1, "value", schemas.Conversion, schemas.AttributionClick, "USD", 2, 35),
		cell(d1, "value", schemas.Impression, "", "USD", 1, 0),
		cell(d2, "trend", schemas.Conversion, schemas.AttributionClick, "EUR", 1, 7),
		cell(d2, "trend", schemas.Impression, "", "USD", 1, 0),
	}
}

// outcomes_daily keeps exact distinct counts and revenue per day, cell and currency though every
// row is written three times (redeliveries that its materialized view sees each time), and reads
// from a day on.
func TestDailyOutcomesExactUnderRedelivery(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())
	rows := dailyFixture()
	for range 3 {
		if err := w.Write(t.Context(), rows); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.Daily(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDaily(); !reflect.DeepEqual(got, want) {
		t.Errorf("daily outcomes\n%+v\nwant\n%+v", got, want)
	}
	got, err = c.Daily(t.Context(), epoch.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDaily()[5:]; !reflect.DeepEqual(got, want) {
		t.Errorf("daily outcomes from the second day\n%+v\nwant\n%+v", got, want)
	}
}

// A database with rows from before migration 0014 gets them in outcomes_daily when it migrates.
func TestDailyOutcomesBackfilled(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	for _, drop := range []string{"outcomes_daily_mv", "outcomes_daily", "ad_strategies_mv", "ad_strategies"} {
		if err := c.conn.Exec(t.Context(), "DROP TABLE "+c.table(drop)); err != nil {
			t.Fatal(err)
		}
	}
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())
	if err := w.Write(t.Context(), dailyFixture()); err != nil {
		t.Fatal(err)
	}
	if err := c.conn.Exec(t.Context(), "ALTER TABLE "+c.table("schema_migrations")+" DELETE WHERE version = 14"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "migration 0014 forgotten", 20*time.Second, func() bool {
		done, err := c.appliedVersions(t.Context())
		return err == nil && !done[14]
	})
	if applied, err := c.Migrate(t.Context(), false, nil); err != nil || len(applied) != 1 {
		t.Fatalf("migrate applied %v (%v), want 0014 only", applied, err)
	}
	got, err := c.Daily(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if want := wantDaily(); !reflect.DeepEqual(got, want) {
		t.Errorf("backfilled daily outcomes\n%+v\nwant\n%+v", got, want)
	}
}

// A time filter on ad_outcomes reads only the partitions it needs: the view no longer groups
// whole tables first. The read is capped at the filtered month's events plus the ads.
func TestAdOutcomesTimeFilterPrunes(t *testing.T) {
	cfg := testConfig()
	c := migratedTest(t, cfg)
	w := newWriter(t, c, cfg, nil)
	defer w.Close(t.Context())
	rows := schemas.Rows{Ads: []schemas.Ad{testAd("a1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)}}
	march, april := 0, 0
	for i := range 2000 {
		e := testEvent("imp:"+time.Duration(i).String(), schemas.Impression, "a1", 0)
		if i%10 == 0 {
			e.EventTime = time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
			april++
		} else {
			march++
		}
		rows.Events = append(rows.Events, e)
	}
	if err := w.Write(t.Context(), rows); err != nil {
		t.Fatal(err)
	}
	ctx := ch.Context(t.Context(), ch.WithSettings(ch.Settings{
		"enable_optimize_predicate_expression": 1, "max_rows_to_read": april + len(rows.Ads),
	}))
	var n uint64
	if err := c.conn.QueryRow(ctx, "SELECT count() FROM "+c.table(ViewAdOutcomes)+
		" WHERE event_time >= toDateTime('2026-04-01 00:00:00') AND arm = 'value'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != uint64(april) {
		t.Errorf("%d April outcomes, want %d (of %d in all)", n, april, april+march)
	}
}
