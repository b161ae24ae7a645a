package clickhouse

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

// How an ad's product was chosen — the interest model's version, the product's rank and score,
// the interest it serves — lands with the ad; rows written by an older writer, which names none
// of these columns, read back as the defaults.
func TestAdsKeepTheirMatch(t *testing.T) {
	c := migratedTest(t, testConfig())
	w := newWriter(t, c, testConfig(), nil)
	defer w.Close(t.Context())
	ranked := testAd("ad-1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)
	ranked.InterestModel = "im1-3f2a"
	ranked.Match = schemas.Match{Rank: 3, Score: 0.8125, Interest: "Electronics/Audio/Headphones"}
	if err := w.Write(t.Context(), schemas.Rows{Ads: []schemas.Ad{ranked}}); err != nil {
		t.Fatal(err)
	}
	// An ad inserted as before the migration: its columns named, the new ones left out.
	old, err := c.conn.PrepareBatch(t.Context(), "INSERT INTO "+c.table(TableAds)+" (ad_id, user, created_at, expires_at)")
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Append("ad-0", "u-0", epoch, epoch); err != nil {
		t.Fatal(err)
	}
	if err := old.Send(); err != nil {
		t.Fatal(err)
	}

	rows, err := c.conn.Query(t.Context(), "SELECT ad_id, interest_model, match_rank, match_score, match_interest FROM "+
		c.table(TableAds)+" ORDER BY ad_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type got struct {
		id, model string
		rank      uint32
		score     float64
		interest  string
	}
	var all []got
	for rows.Next() {
		var g got
		if err := rows.Scan(&g.id, &g.model, &g.rank, &g.score, &g.interest); err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []got{{"ad-0", "", 0, 0, ""}, {"ad-1", "im1-3f2a", 3, 0.8125, "Electronics/Audio/Headphones"}}
	if len(all) != len(want) || all[0] != want[0] || all[1] != want[1] {
		t.Errorf("ads = %+v, want %+v", all, want)
	}
}
