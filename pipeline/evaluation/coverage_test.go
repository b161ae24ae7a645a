package evaluation

import (
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

const rees46 = "../../../shared/data/rees46/2019-Oct_head17434.csv"

// simLookEvery is the look grid on the sample, which spans about three hours of event time.
const simLookEvery = 10 * time.Minute

// simulationData reads the shared REES46 sample as `adshift simulate` does.
func simulationData(tb testing.TB) simulation.Data {
	tb.Helper()
	events, skips, err := dataset.ReadAll("rees46", rees46)
	if err != nil {
		tb.Fatal(err)
	}
	products, _, err := dataset.LoadCatalog("rees46", rees46)
	if err != nil {
		tb.Fatal(err)
	}
	return simulation.Data{Events: events, BadRows: skips, Products: products}
}

// simulate runs one seed and builds the report from its outcome rows, as ClickHouse would hold
// them: each event id once, joined to its ad.
func simulate(tb testing.TB, data simulation.Data, seed uint64, effects map[string]float64) (simulation.Result, Report) {
	tb.Helper()
	cfg := simulation.DefaultConfig()
	cfg.Format, cfg.File, cfg.Seed, cfg.Effects = "rees46", rees46, seed, effects
	res, rows, err := simulation.RunRows(tb.Context(), cfg, data)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := Build(activityOf(rows), Options{Confidence: 0.95, PlannedShoppers: 10000, LookEvery: simLookEvery,
		HoldoutShare: cfg.Creatives.Strategy.HoldoutShareInEffect()})
	if err != nil {
		tb.Fatal(err)
	}
	return res, r
}

// activityOf sums outcome rows into the report's per-shopper activity per step of the look grid.
func activityOf(rows schemas.Rows) Data {
	ads := map[string]schemas.Ad{}
	for _, ad := range rows.Ads {
		ads[ad.AdID] = ad
	}
	type key struct {
		user, group, arm string
		hour             time.Time
	}
	acts := map[key]*Activity{}
	seen := map[string]bool{}
	for _, e := range rows.Events {
		ad, ok := ads[e.AdID]
		if !ok || seen[e.EventID] {
			continue
		}
		seen[e.EventID] = true
		k := key{e.User, ad.Strategy.Group, ad.Strategy.Arm, e.EventTime.UTC().Truncate(simLookEvery)}
		a := acts[k]
		if a == nil {
			a = &Activity{User: k.user, Group: k.group, Arm: k.arm, Bucket: k.hour}
			acts[k] = a
		}
		switch e.Kind {
		case schemas.Impression:
			a.Impressions++
		case schemas.Click:
			a.Clicks++
		case schemas.Conversion:
			a.Conversions++
		}
	}
	var d Data
	for _, a := range acts {
		d.Activity = append(d.Activity, *a)
	}
	return d
}

// The report built from a simulation's rows measures the same lift the simulator does.
func TestReportOfASimulationMeasuresItsLift(t *testing.T) {
	res, r := simulate(t, simulationData(t), 1, map[string]float64{"personal": 1.5, "value": 1.2})
	l := r.CTRLift
	if res.Lift.Error != "" || l.Lift == nil || l.CS == nil || math.Abs(l.Lift.Relative-res.Lift.Measured.Relative) > 1e-9 {
		t.Fatalf("report lift %+v, simulator measured %+v", l.Lift, res.Lift)
	}
	if l.Looks < 2 || l.CS.Hi-l.CS.Lo <= l.Lift.CI.Hi-l.Lift.CI.Lo {
		t.Errorf("%d looks, CS %v vs fixed-horizon %v", l.Looks, *l.CS, l.Lift.CI)
	}
}

// BenchmarkCoverage measures, over COVERAGE_SEEDS seeds (default 100) of the simulator
// on the REES46 sample, how often the report's 95% intervals of the CTR lift cover the true lift
// (the population's under the policy: simulation.LiftResult.True) with the arm effects
// personal=1.5, value=1.2 (fixed_coverage: the fixed-horizon interval at the
// end; cs_coverage: the always-valid sequence), and, with no arm effect, how often a reader who
// looks at every hourly look would declare a lift: by the always-valid p (avp_false_positive)
// and by the fixed-horizon interval (peek_false_positive). Run it alone:
//
//	go test -run '^$' -bench BenchmarkCoverage -benchtime 1x ./pipeline/evaluation/
func BenchmarkCoverage(b *testing.B) {
	seeds := 100
	if s, err := strconv.Atoi(os.Getenv("COVERAGE_SEEDS")); err == nil && s > 0 {
		seeds = s
	}
	data := simulationData(b)
	for b.Loop() {
		var n, fixed, cs, nulls, avp, peek int
		for seed := 1; seed <= seeds; seed++ {
			res, r := simulate(b, data, uint64(seed), map[string]float64{"personal": 1.5, "value": 1.2})
			if l := r.CTRLift; l.Lift != nil && l.CS != nil && res.Lift.Error == "" {
				n++
				if l.Lift.CI.Contains(res.Lift.True) {
					fixed++
				}
				if l.CS.Contains(res.Lift.True) {
					cs++
				}
			}
			_, null := simulate(b, data, uint64(seed), nil)
			if null.CTRLift.CS == nil {
				continue
			}
			nulls++
			if null.CTRLift.PValue < 0.05 {
				avp++
			}
			for _, p := range null.LiftSeries {
				if !p.CI.Contains(0) {
					peek++
					break
				}
			}
		}
		b.ReportMetric(float64(fixed)/float64(n), "fixed_coverage")
		b.ReportMetric(float64(cs)/float64(n), "cs_coverage")
		b.ReportMetric(float64(avp)/float64(nulls), "avp_false_positive")
		b.ReportMetric(float64(peek)/float64(nulls), "peek_false_positive")
		b.ReportMetric(float64(n), "seeds")
	}
}
