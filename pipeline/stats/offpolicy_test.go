package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A worked example by hand. Logged: (a, p=.5, r=1), (b, p=.5, r=0), (a, p=.25, r=0),
// (b, p=.75, r=1). For "always a" the weights are 2, 0, 4, 0: IPS = (2·1 + 4·0)/4 = 0.5 and
// SNIPS = 2/(2+4) = 1/3. For "always b" the weights are 0, 2, 0, 4/3: IPS = (4/3)/4 = 1/3 and
// SNIPS = (4/3)/(10/3) = 0.4.
func TestEvaluateByHand(t *testing.T) {
	logged := []Logged{
		{Action: "a", Propensity: 0.5, Reward: 1},
		{Action: "b", Propensity: 0.5, Reward: 0},
		{Action: "a", Propensity: 0.25, Reward: 0},
		{Action: "b", Propensity: 0.75, Reward: 1},
		{Action: "a", Propensity: 0, Reward: 1}, // no propensity logged: skipped
	}
	f := func(arm string, ips, snips float64, matched int) {
		t.Helper()
		o, err := Evaluate(logged, Always(arm), 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if !near(o.IPS, ips, 1e-12) || !near(o.SNIPS, snips, 1e-12) || o.N != 4 || o.Skipped != 1 || o.Matched != matched {
			t.Errorf("always %s: %+v, want IPS %v SNIPS %v over 4 decisions (1 skipped, %d matched)", arm, o, ips, snips, matched)
		}
		if !o.IPSCI.Contains(o.IPS) || !o.SNIPSCI.Contains(o.SNIPS) {
			t.Errorf("always %s: intervals %v %v miss their estimates", arm, o.IPSCI, o.SNIPSCI)
		}
	}
	f("a", 0.5, 1.0/3, 2)
	f("b", 1.0/3, 0.4, 2)
	// The same decisions grouped with counts give the same estimates.
	grouped := []Logged{
		{Action: "a", Propensity: 0.5, Reward: 1}, {Action: "b", Propensity: 0.5, Reward: 0},
		{Action: "a", Propensity: 0.25, Reward: 0, Count: 2}, {Action: "b", Propensity: 0.75, Reward: 1, Count: 2},
	}
	twice := append(append([]Logged{}, logged[:4]...), logged[2], logged[3])
	g, err1 := Evaluate(grouped, Always("a"), 0.95)
	e, err2 := Evaluate(twice, Always("a"), 0.95)
	if err1 != nil || err2 != nil || !near(g.IPS, e.IPS, 1e-12) || !near(g.SNIPS, e.SNIPS, 1e-12) || g.N != 6 ||
		!near(g.SNIPSCI.Lo, e.SNIPSCI.Lo, 1e-12) || !near(g.IPSCI.Hi, e.IPSCI.Hi, 1e-12) {
		t.Errorf("grouped %+v, expanded %+v", g, e)
	}
	if _, err := Evaluate(logged, Always("c"), 0.95); err == nil {
		t.Error("a policy no decision supports was estimated")
	}
}

// When the target is the logging policy, every weight is 1: both estimates are the mean reward.
func TestEvaluateOnPolicyIsTheMean(t *testing.T) {
	logged := []Logged{{"s", "a", 0.2, 1, 0}, {"s", "b", 0.8, 0, 0}, {"s", "b", 0.8, 1, 0}, {"s", "b", 0.8, 0, 0}}
	logging := func(_, action string) float64 {
		if action == "a" {
			return 0.2
		}
		return 0.8
	}
	o, err := Evaluate(logged, logging, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if !near(o.IPS, 0.5, 1e-12) || !near(o.SNIPS, 0.5, 1e-12) || !near(o.EffectiveN, 4, 1e-12) {
		t.Errorf("on-policy estimate %+v, want 0.5 with effective n 4", o)
	}
}

// A skewed logging policy (arm "a" 70%, four others 7.5% each, per segment) with known click
// rates: IPS and SNIPS of "always x" recover each arm's true rate within their intervals (99.9%,
// so ten checks rarely miss by chance).
func TestEvaluateRecoversKnownRates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	arms := []string{"a", "b", "c", "d", "e"}
	rate := map[string]float64{"a": 0.05, "b": 0.08, "c": 0.12, "d": 0.03, "e": 0.10}
	var logged []Logged
	for range 60000 {
		i, p := 0, 0.7
		if u := rng.Float64(); u >= 0.7 {
			i, p = 1+int((u-0.7)/0.075), 0.075
		}
		arm := arms[min(i, 4)]
		r := 0.0
		if rng.Float64() < rate[arm] {
			r = 1
		}
		logged = append(logged, Logged{Context: "s", Action: arm, Propensity: p, Reward: r})
	}
	for _, arm := range arms {
		o, err := Evaluate(logged, Always(arm), 0.999)
		if err != nil {
			t.Fatal(err)
		}
		if !o.IPSCI.Contains(rate[arm]) || !o.SNIPSCI.Contains(rate[arm]) {
			t.Errorf("always %s: IPS %.4f %v SNIPS %.4f %v, true %.2f", arm, o.IPS, o.IPSCI, o.SNIPS, o.SNIPSCI, rate[arm])
		}
		if math.Abs(o.SNIPS-rate[arm]) > 0.02 {
			t.Errorf("always %s: SNIPS %.4f far from %.2f", arm, o.SNIPS, rate[arm])
		}
	}
}

// The interval widths of the worked example above, by hand, for "always a": the weighted rewards
// w·r are (2, 0, 0, 0), so Var(IPS) = (mean of (w·r)² − IPS²)/n = (1 − 0.25)/4 = 0.1875; the
// SNIPS deviations w·(r − 1/3) are (4/3, 0, −4/3, 0), Σ = 32/9, SE = √(32/9)/Σw = √(32/9)/6.
func TestEvaluateIntervalWidthsByHand(t *testing.T) {
	logged := []Logged{
		{Action: "a", Propensity: 0.5, Reward: 1},
		{Action: "b", Propensity: 0.5, Reward: 0},
		{Action: "a", Propensity: 0.25, Reward: 0},
		{Action: "b", Propensity: 0.75, Reward: 1},
	}
	o, err := Evaluate(logged, Always("a"), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	const z = 1.959963984540054
	ipsHalf, snipsHalf := z*math.Sqrt(0.1875), z*math.Sqrt(32.0/9)/6
	if !near(o.IPSCI.Lo, 0.5-ipsHalf, 1e-12) || !near(o.IPSCI.Hi, 0.5+ipsHalf, 1e-12) {
		t.Errorf("IPS interval %v, want 0.5 ± %v", o.IPSCI, ipsHalf)
	}
	if !near(o.SNIPSCI.Lo, 1.0/3-snipsHalf, 1e-12) || !near(o.SNIPSCI.Hi, 1.0/3+snipsHalf, 1e-12) {
		t.Errorf("SNIPS interval %v, want 1/3 ± %v", o.SNIPSCI, snipsHalf)
	}
	// Weights 2 and 4 over 4 decisions: (Σw)²/Σw² = 36/20.
	if !near(o.EffectiveN, 1.8, 1e-12) {
		t.Errorf("effective n %v, want 1.8", o.EffectiveN)
	}
}

// Decisions taken with certainty (propensity exactly 1) are reweighted like any other: on-policy
// with propensity 1 both intervals are the Wald interval of the click rate, p ± z·√(p(1−p)/n).
func TestEvaluatePropensityOneIsUsed(t *testing.T) {
	logged := []Logged{
		{Action: "a", Propensity: 1, Reward: 1}, {Action: "a", Propensity: 1, Reward: 0},
		{Action: "a", Propensity: 1, Reward: 1}, {Action: "a", Propensity: 1, Reward: 1},
	}
	o, err := Evaluate(logged, Always("a"), 0.95)
	if err != nil {
		t.Fatal(err)
	}
	half := 1.959963984540054 * math.Sqrt(0.75*0.25/4)
	if o.N != 4 || o.Skipped != 0 || !near(o.SNIPS, 0.75, 1e-12) || !near(o.IPS, 0.75, 1e-12) {
		t.Errorf("%+v, want 0.75 over 4 decisions, none skipped", o)
	}
	if !near(o.SNIPSCI.Hi-o.SNIPS, half, 1e-12) || !near(o.IPSCI.Hi-o.IPS, half, 1e-12) {
		t.Errorf("intervals %v %v, want 0.75 ± %v", o.IPSCI, o.SNIPSCI, half)
	}
}
