package strategy

import (
	"math"
	"testing"
	"time"
)

func TestDecayHalvesCountsEachHalfLife(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newDecayer(time.Hour)
	f := func(at time.Time, cum []ArmStat, want map[string][2]float64) {
		t.Helper()
		got := d.update(cum, at)
		if len(got) != len(want) {
			t.Fatalf("at %v: %d cells, want %d: %+v", at, len(got), len(want), got)
		}
		for _, c := range got {
			w := want[c.arm]
			if math.Abs(c.imp-w[0]) > 1e-9 || math.Abs(c.clk-w[1]) > 1e-9 {
				t.Errorf("at %v: %s has %g impressions, %g clicks; want %v", at, c.arm, c.imp, c.clk, w)
			}
		}
	}
	f(t0, []ArmStat{{Segment: "s", Arm: "a", Impressions: 100, Clicks: 10}},
		map[string][2]float64{"a": {100, 10}})
	// An hour on: the first 100 weigh half, the 40 new ones in full; arm b is new.
	f(t0.Add(time.Hour), []ArmStat{{Segment: "s", Arm: "a", Impressions: 140, Clicks: 14}, {Segment: "s", Arm: "b", Impressions: 8, Clicks: 2}},
		map[string][2]float64{"a": {90, 9}, "b": {8, 2}})
	// Two hours more, nothing new: a quarter left; a cell the store no longer lists keeps decaying.
	f(t0.Add(3*time.Hour), []ArmStat{{Segment: "s", Arm: "a", Impressions: 140, Clicks: 14}},
		map[string][2]float64{"a": {22.5, 2.25}, "b": {2, 0.5}})
	// The store was reset: its counts start again.
	f(t0.Add(3*time.Hour), []ArmStat{{Segment: "s", Arm: "a", Impressions: 5, Clicks: 1}},
		map[string][2]float64{"a": {5, 1}, "b": {2, 0.5}})
}

func TestNoHalfLifeKeepsCumulativeCounts(t *testing.T) {
	d := newDecayer(0)
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	d.update([]ArmStat{{Segment: "s", Arm: "a", Impressions: 100, Clicks: 10}}, t0)
	got := d.update([]ArmStat{{Segment: "s", Arm: "a", Impressions: 150, Clicks: 12}}, t0.Add(1000*time.Hour))
	if len(got) != 1 || got[0].imp != 150 || got[0].clk != 12 {
		t.Errorf("without a half-life got %+v, want the cumulative 150 impressions and 12 clicks", got)
	}
}

// The bandit follows drift: personal led for a long time, then value leads. With a half-life the
// recent counts win; without one the old lead still does.
func TestThompsonFollowsDriftWithAHalfLife(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	early := stats("s", 5000, map[string]float64{"value": 0.04, "quality": 0.04, "trend": 0.04, "urgency": 0.04, "personal": 0.08})
	late := stats("s", 6000, map[string]float64{"value": 0.04, "quality": 0.04, "trend": 0.04, "urgency": 0.04, "personal": 0.08})
	// 1,000 more impressions per arm, in which value clicks 12% and personal 2%.
	for i := range late {
		switch late[i].Arm {
		case "value":
			late[i].Clicks = early[i].Clicks + 120
		case "personal":
			late[i].Clicks = early[i].Clicks + 20
		default:
			late[i].Clicks = early[i].Clicks + 40
		}
	}
	value := func(halfLife time.Duration) float64 {
		th := newThompson(t, Config{HoldoutShare: -1, HalfLife: halfLife})
		if err := th.RefreshAt(t.Context(), &fixedStats{stats: early}, t0); err != nil {
			t.Fatal(err)
		}
		if err := th.RefreshAt(t.Context(), &fixedStats{stats: late}, t0.Add(10*time.Hour)); err != nil {
			t.Fatal(err)
		}
		return th.Propensities("s")[armIndex(t, "value")]
	}
	if p := value(time.Hour); p < 0.9 {
		t.Errorf("with a 1h half-life, 10h after personal's lead, value (now 12%% vs 2%%) is chosen with probability %.3f", p)
	}
	if p := value(0); p > 0.1 {
		t.Errorf("without a half-life value is chosen with probability %.3f: the old counts should still favour personal", p)
	}
}
