package simulation

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/sources/dataset"
)

const rees46 = "../../../shared/data/rees46/2019-Oct_head17434.csv"

func run(t *testing.T, seed uint64, policy string, effects map[string]float64) Result {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Format, cfg.File, cfg.Seed, cfg.Effects = "rees46", rees46, seed, effects
	cfg.Creatives.Strategy.Policy = policy
	r, err := Run(t.Context(), cfg, read(t, cfg.Format, cfg.File))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// read reads a dataset as `adshift simulate` does.
func read(t *testing.T, format, file string) Data {
	t.Helper()
	events, skips, err := dataset.ReadAll(format, file)
	if err != nil {
		t.Fatal(err)
	}
	products, _, err := dataset.LoadCatalog(format, file)
	if err != nil {
		t.Fatal(err)
	}
	return Data{Events: events, BadRows: skips, Products: products}
}

func encode(t *testing.T, r Result) []byte {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSameSeedSameResult(t *testing.T) {
	effects := map[string]float64{"personal": 1.5, "value": 1.2}
	a := run(t, 7, strategy.ChooseThompson, effects)
	b := run(t, 7, strategy.ChooseThompson, effects)
	if !bytes.Equal(encode(t, a), encode(t, b)) {
		t.Fatalf("two runs with seed 7 differ:\n%s\n%s", encode(t, a), encode(t, b))
	}
	if a.Impressions < 1000 || a.Clicks == 0 || a.Refreshes == 0 || len(a.Buckets) != 10 {
		t.Fatalf("the run did not play: %d impressions, %d clicks, %d refreshes, %d buckets", a.Impressions, a.Clicks, a.Refreshes, len(a.Buckets))
	}
	// The seed matters: another draws other clicks (and another holdout).
	if c := run(t, 8, strategy.ChooseThompson, effects); c.Clicks == a.Clicks && c.Lift.Measured == a.Lift.Measured {
		t.Fatal("seeds 7 and 8 gave the same clicks and lift")
	}
}

func TestBanditFindsTheFavouredArm(t *testing.T) {
	effects := map[string]float64{"personal": 3}
	covered := 0
	seeds := []uint64{1, 2, 3}
	for _, seed := range seeds {
		r := run(t, seed, strategy.ChooseThompson, effects)
		if r.BestArm != "personal" {
			t.Fatalf("best arm %s", r.BestArm)
		}
		last := r.Buckets[len(r.Buckets)-1]
		// The arm effect is shared across segments, so even small segments learn it.
		if share := last.Shares["personal"]; share < 0.9 {
			t.Errorf("seed %d: personal has %.0f%% of the last bucket's impressions, want > 90%%: %+v", seed, 100*share, last.Shares)
		}
		// Regret per impression in the last tenth at most a third of the first tenth's.
		first10 := r.Buckets[0].Regret / float64(r.Buckets[0].Impressions)
		last10 := (last.Regret - r.Buckets[len(r.Buckets)-2].Regret) / float64(last.Impressions)
		if last10 > first10/3 {
			t.Errorf("seed %d: regret per impression %.4f in the last tenth, %.4f in the first: want at most a third", seed, last10, first10)
		}
		// Sublinear regret: the second half of the run adds much less regret than the first,
		// while uniform choice keeps losing at the same rate.
		half := r.Buckets[len(r.Buckets)/2-1]
		first, second := half.Regret, last.Regret-half.Regret
		if second > 0.6*first {
			t.Errorf("seed %d: regret %.1f in the first half, %.1f in the second: not flattening", seed, first, second)
		}
		if last.Regret > 0.5*last.UniformRegret {
			t.Errorf("seed %d: regret %.1f, uniform choice %.1f: the bandit did not beat it by half", seed, last.Regret, last.UniformRegret)
		}
		if r.Lift.Error != "" {
			t.Fatalf("seed %d: no measured lift: %s", seed, r.Lift.Error)
		}
		if r.Lift.True < 0.5 {
			t.Errorf("seed %d: true lift %.2f with personal at 3x", seed, r.Lift.True)
		}
		if r.Lift.Covered {
			covered++
		} else {
			t.Logf("seed %d: measured lift %.3f %v misses the true %.3f", seed, r.Lift.Measured.Relative, r.Lift.Measured.CI, r.Lift.True)
		}
	}
	// 95% intervals: with three seeds, missing more than one would be a 0.7% event.
	if covered < len(seeds)-1 {
		t.Errorf("the measured lift's interval covered the true lift in %d of %d runs", covered, len(seeds))
	}
}

func TestUniformPolicyIsTheYardstick(t *testing.T) {
	r := run(t, 1, strategy.ChooseUniform, map[string]float64{"personal": 3})
	last := r.Buckets[len(r.Buckets)-1]
	// Uniform choice: the regret is what the yardstick says it is in expectation (within noise
	// of the matches), and no arm dominates.
	if ratio := last.Regret / last.UniformRegret; ratio < 0.8 || ratio > 1.2 {
		t.Errorf("uniform policy regret %.1f vs its expectation %.1f", last.Regret, last.UniformRegret)
	}
	if share := last.Shares["personal"]; share > 0.35 {
		t.Errorf("uniform policy gave personal %.0f%% of the last bucket", 100*share)
	}
	if r.Refreshes != 0 {
		t.Errorf("the uniform policy refreshed posteriors %d times", r.Refreshes)
	}
}

func TestUnknownPolicyNamesTheKey(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Format, cfg.File, cfg.Seed = "rees46", rees46, 1
	cfg.Creatives.Strategy.Policy = "greedy"
	_, err := Run(t.Context(), cfg, read(t, cfg.Format, cfg.File))
	var ke *strategy.KeyError
	if !errors.As(err, &ke) || ke.Key != "policy" {
		t.Fatalf("policy %q: error %v, want one naming the key policy", cfg.Creatives.Strategy.Policy, err)
	}
}

func TestParseEffects(t *testing.T) {
	got, err := ParseEffects(" personal=1.5, value=1.2 ")
	if err != nil || len(got) != 2 || got["personal"] != 1.5 || got["value"] != 1.2 {
		t.Fatalf("ParseEffects = %v, %v", got, err)
	}
	for _, bad := range []string{"personal", "personal=0", "personal=-1", "=2", "personal=x", "a=1,a=2", "a=Inf"} {
		if _, err := ParseEffects(bad); err == nil {
			t.Errorf("ParseEffects(%q): no error", bad)
		}
	}
}

// The true lift is the population's under the policy, not the arms this run happened to draw:
// under uniform choice of five arms, one of them doubling every click probability (the base
// probabilities stay at or below 0.25, so no doubling is capped), every impression of either
// group is worth 1/5·2 + 4/5·1 = 1.2 times its baseline, whichever arms were shown.
func TestTrueLiftIsThePolicysOverThePopulation(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		r := run(t, seed, strategy.ChooseUniform, map[string]float64{"personal": 2})
		var personal, treated uint64
		for _, a := range r.Arms {
			if a.Group == "treatment" {
				treated += a.Impressions
				if a.Arm == "personal" {
					personal += a.Impressions
				}
			}
		}
		if math.Abs(r.Lift.True-0.2) > 1e-9 {
			t.Errorf("seed %d: true lift %.6f, want 0.2 (personal drew %d of %d treated impressions)", seed, r.Lift.True, personal, treated)
		}
	}
}
