package clickhouse

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

// Both propensities of an ad land, each in its own column; an ad inserted as before the
// migration, naming neither new column, reads back an unconditional propensity of 0.
func TestAdsKeepBothPropensities(t *testing.T) {
	c := migratedTest(t, testConfig())
	w := newWriter(t, c, testConfig(), nil)
	defer w.Close(t.Context())
	treated := testAd("ad-1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)
	treated.Strategy.Propensity, treated.Strategy.UnconditionalPropensity = 0.25, 0.2
	held := testAd("ad-2", "baseline", schemas.GeneratorTemplate, schemas.GroupHoldout)
	held.Strategy.Propensity, held.Strategy.UnconditionalPropensity = 1, 0.2
	if err := w.Write(t.Context(), schemas.Rows{Ads: []schemas.Ad{treated, held}}); err != nil {
		t.Fatal(err)
	}
	old, err := c.conn.PrepareBatch(t.Context(), "INSERT INTO "+c.table(TableAds)+" (ad_id, user, propensity, created_at, expires_at)")
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Append("ad-0", "u-0", 0.5, epoch, epoch); err != nil {
		t.Fatal(err)
	}
	if err := old.Send(); err != nil {
		t.Fatal(err)
	}

	rows, err := c.conn.Query(t.Context(), "SELECT ad_id, propensity, unconditional_propensity FROM "+c.table(TableAds)+" ORDER BY ad_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type got struct {
		id           string
		cond, uncond float64
	}
	var all []got
	for rows.Next() {
		var g got
		if err := rows.Scan(&g.id, &g.cond, &g.uncond); err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []got{{"ad-0", 0.5, 0}, {"ad-1", 0.25, 0.2}, {"ad-2", 1, 0.2}}
	if len(all) != len(want) {
		t.Fatalf("ads = %+v, want %+v", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Errorf("ads = %+v, want %+v", all, want)
			break
		}
	}
}
