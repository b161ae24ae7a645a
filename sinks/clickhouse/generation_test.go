package clickhouse

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// How each ad was written — tokens, model calls, the guard's verdict, the rules broken and why the
// template stood in — lands with the ad, so evaluation can split outcomes by it.
func TestAdsKeepTheGenerationVerdict(t *testing.T) {
	c := migratedTest(t, testConfig())
	w := newWriter(t, c, testConfig(), nil)
	defer w.Close(t.Context())
	regenerated := testAd("ad-1", "value", schemas.GeneratorLLM, schemas.GroupTreatment)
	regenerated.Generator.PromptTokens, regenerated.Generator.CompletionTokens, regenerated.Generator.ModelCalls = 812, 64, 2
	regenerated.Generator.Verdict = schemas.VerdictRegenerated
	regenerated.Generator.Violations = []string{"banned_claim", "all_caps"}
	fallback := testAd("ad-2", "trend", schemas.GeneratorTemplate, schemas.GroupTreatment)
	fallback.Generator.Verdict, fallback.Generator.Fallback = schemas.VerdictFallback, "breaker_open"
	if err := w.Write(t.Context(), schemas.Rows{Ads: []schemas.Ad{regenerated, fallback}}); err != nil {
		t.Fatal(err)
	}

	rows, err := c.conn.Query(t.Context(), "SELECT ad_id, prompt_tokens, completion_tokens, model_calls, verdict, violations, fallback FROM "+
		c.table(TableAds)+" ORDER BY ad_id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type got struct {
		id                  string
		prompt, comp, calls uint32
		verdict             string
		violations          []string
		fallback            string
	}
	var all []got
	for rows.Next() {
		var g got
		if err := rows.Scan(&g.id, &g.prompt, &g.comp, &g.calls, &g.verdict, &g.violations, &g.fallback); err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	if len(all) != 2 {
		t.Fatalf("%d ads, want 2", len(all))
	}
	if g := all[0]; g.prompt != 812 || g.comp != 64 || g.calls != 2 || g.verdict != "regenerated" ||
		!slices.Equal(g.violations, []string{"banned_claim", "all_caps"}) || g.fallback != "" {
		t.Errorf("regenerated ad: %+v", g)
	}
	if g := all[1]; g.verdict != "fallback" || g.fallback != "breaker_open" || len(g.violations) != 0 {
		t.Errorf("fallback ad: %+v", g)
	}
}
