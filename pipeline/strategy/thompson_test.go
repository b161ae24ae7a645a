package strategy

import (
	"context"
	"errors"
	"maps"
	"math"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

var testArms = []string{"value", "quality", "trend", "urgency", "personal"}

func newThompson(t *testing.T, cfg Config) *Thompson {
	t.Helper()
	if cfg.Arms == nil {
		cfg.Arms = testArms
	}
	th, err := NewThompson(cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func TestBetaDrawMoments(t *testing.T) {
	f := func(a, b float64) {
		t.Helper()
		r := seed.Rand("moments", strconv.FormatFloat(a, 'g', -1, 64), strconv.FormatFloat(b, 'g', -1, 64))
		const n = 40_000
		var sum, sq float64
		for range n {
			x := betaDraw(r, a, b)
			if !(x >= 0 && x <= 1) {
				t.Fatalf("Beta(%g, %g) drew %g", a, b, x)
			}
			sum += x
			sq += x * x
		}
		mean, wantMean := sum/n, a/(a+b)
		variance, wantVar := sq/n-mean*mean, a*b/((a+b)*(a+b)*(a+b+1))
		if se := math.Sqrt(wantVar / n); math.Abs(mean-wantMean) > 5*se {
			t.Errorf("Beta(%g, %g) mean %.5f, want %.5f ± %.5f", a, b, mean, wantMean, 5*se)
		}
		if math.Abs(variance-wantVar) > 0.05*wantVar {
			t.Errorf("Beta(%g, %g) variance %.6g, want %.6g ± 5%%", a, b, variance, wantVar)
		}
	}
	f(1, 1)
	f(0.3, 0.7) // shapes below 1 take the boosted path
	f(2, 38)
	f(120, 880)
	f(5e4, 9.5e5)
}

func TestChooseIsReproducibleAndKeepsTheAssignersHoldout(t *testing.T) {
	cfg := Config{Arms: testArms, HoldoutShare: 0.2, Salt: "s", Experiment: "exp"}
	th := newThompson(t, cfg)
	uniform, err := NewAssigner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	const users = 5000
	for i := range users {
		u := "user-" + strconv.Itoa(i)
		s := th.Choose(u, 3, "electronics")
		if s != th.Choose(u, 3, "electronics") {
			t.Fatalf("Choose(%s, 3) is not reproducible", u)
		}
		if want := uniform.Assign(u, 3).Group; s.Group != want {
			t.Fatalf("%s is in %s under thompson but %s under uniform: switching policy moved the holdout", u, s.Group, want)
		}
		if s.Segment != "electronics" || s.Experiment != "exp" {
			t.Fatalf("strategy %+v", s)
		}
		if s.Group == schemas.GroupHoldout {
			held++
			if s.Arm != ArmBaseline || s.Propensity != 1 || s.UnconditionalPropensity != 0.2 {
				t.Fatalf("holdout strategy %+v", s)
			}
			continue
		}
		// Before any refresh every arm has the same posterior: propensity is exactly 1/5.
		// Unconditionally: 80% treated, then one arm in five.
		if s.Policy != PolicyThompson || s.Propensity != 0.2 || math.Abs(s.UnconditionalPropensity-0.16) > 1e-12 {
			t.Fatalf("treatment strategy %+v", s)
		}
	}
	if share := float64(held) / users; math.Abs(share-0.2) > 0.02 {
		t.Errorf("holdout share %.3f, want 0.2", share)
	}
}

// stats returns ArmStats giving each arm of testArms impressions at the CTR in ctr.
func stats(segment string, impressions uint64, ctr map[string]float64) []ArmStat {
	var out []ArmStat
	for _, a := range testArms {
		out = append(out, ArmStat{Segment: segment, Arm: a, Impressions: impressions, Clicks: uint64(math.Round(ctr[a] * float64(impressions)))})
	}
	return out
}

type fixedStats struct {
	stats []ArmStat
	err   error
	calls int
}

func (f *fixedStats) ArmStats(context.Context, string) ([]ArmStat, error) {
	f.calls++
	return f.stats, f.err
}

func TestChooseFavoursTheBetterArmWithMatchingPropensities(t *testing.T) {
	th := newThompson(t, Config{HoldoutShare: -1, Salt: "s"})
	ctr := map[string]float64{"value": 0.05, "quality": 0.05, "trend": 0.05, "urgency": 0.05, "personal": 0.065}
	src := &fixedStats{stats: stats("electronics", 2000, ctr)}
	if err := th.Refresh(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if th.Generation() != 1 {
		t.Fatalf("generation %d after one refresh", th.Generation())
	}
	const users = 20_000
	chosen := map[string]int{}
	props := th.Propensities("electronics")
	for i := range users {
		s := th.Choose("u"+strconv.Itoa(i), 1, "electronics")
		chosen[s.Arm]++
		if want := props[armIndex(t, s.Arm)]; s.Propensity != want {
			t.Fatalf("arm %s logged propensity %g, the segment's is %g", s.Arm, s.Propensity, want)
		}
	}
	if share := float64(chosen["personal"]) / users; share < 0.6 {
		t.Errorf("personal (CTR 6.5%% vs 5%%) chosen for %.3f of shoppers, want > 0.6: %v", share, chosen)
	}
	// The logged propensity is the probability of the choice: it matches the observed shares.
	for i, a := range testArms {
		share := float64(chosen[a]) / users
		if se := math.Sqrt(props[i] * (1 - props[i]) / users); math.Abs(share-props[i]) > 4*se+0.01 {
			t.Errorf("arm %s chosen %.4f of the time, logged propensity %.4f", a, share, props[i])
		}
	}
	var sum float64
	for _, p := range props {
		if p <= 0 {
			t.Errorf("propensity %g: inverse-propensity weights would be undefined", p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("propensities sum to %g", sum)
	}
}

func armIndex(t *testing.T, arm string) int {
	t.Helper()
	for i, a := range testArms {
		if a == arm {
			return i
		}
	}
	t.Fatalf("unknown arm %q", arm)
	return -1
}

func TestFixedPriorStrength(t *testing.T) {
	th := newThompson(t, Config{HoldoutShare: -1, PriorStrength: 20})
	ctr := map[string]float64{"value": 0.02, "quality": 0.02, "trend": 0.02, "urgency": 0.02, "personal": 0.04}
	if err := th.Refresh(context.Background(), &fixedStats{stats: stats("electronics", 10_000, ctr)}); err != nil {
		t.Fatal(err)
	}
	post := posteriorsBy(th)
	for _, a := range testArms {
		if p := post[[2]string{"", a}]; math.Abs(p.Alpha+p.Beta-20) > 1e-9 {
			t.Errorf("unseen segment's %s prior weighs %g impressions, want the configured 20", a, p.Alpha+p.Beta)
		}
	}
	// An unseen segment starts from what each arm does everywhere.
	if p, v := post[[2]string{"", "personal"}].Mean(), post[[2]string{"", "value"}].Mean(); p < 1.7*v {
		t.Errorf("unseen segment: personal prior mean %.4f, value %.4f; want the arm ratio carried over", p, v)
	}
	// A large segment is dominated by its own data.
	if m := post[[2]string{"electronics", "personal"}].Mean(); math.Abs(m-0.04) > 0.002 {
		t.Errorf("electronics personal mean %.4f, want about its CTR 0.04", m)
	}
}

func posteriorsBy(th *Thompson) map[[2]string]Posterior {
	post := map[[2]string]Posterior{}
	for _, p := range th.Posteriors() {
		post[[2]string{p.Segment, p.Arm}] = p
	}
	return post
}

// Many small segments, none with enough data to tell the arms apart alone, share one arm effect:
// the bandit learns it from all of them and applies it in each, and in segments it never saw.
func TestArmEffectsAreSharedAcrossSegments(t *testing.T) {
	th := newThompson(t, Config{HoldoutShare: -1})
	ctr := map[string]float64{"value": 0.05, "quality": 0.05, "trend": 0.05, "urgency": 0.05, "personal": 0.1}
	var st []ArmStat
	for i := range 200 {
		st = append(st, stats("seg"+strconv.Itoa(i), 20, ctr)...) // 1 click per arm, personal 2
	}
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	personal := armIndex(t, "personal")
	for _, seg := range []string{"seg7", "never-seen"} {
		if p := th.Propensities(seg)[personal]; p < 0.9 {
			t.Errorf("segment %s chooses personal (twice the CTR in every segment) with probability %.3f, want > 0.9", seg, p)
		}
	}
	// Alone, one segment's 20 impressions per arm leave the arms close to a coin flip.
	alone := newThompson(t, Config{HoldoutShare: -1})
	if err := alone.Refresh(context.Background(), &fixedStats{stats: stats("seg7", 20, ctr)}); err != nil {
		t.Fatal(err)
	}
	if p := alone.Propensities("seg7")[personal]; p > 0.6 {
		t.Errorf("one segment alone chooses personal with probability %.3f: the test's data are too strong to show sharing", p)
	}
}

// When segments disagree about the arms, the method-of-moments prior weakens, and a segment with
// data of its own follows them.
func TestSegmentsThatDisagreeFollowTheirOwnData(t *testing.T) {
	th := newThompson(t, Config{HoldoutShare: -1})
	base := map[string]float64{"value": 0.04, "quality": 0.04, "trend": 0.04, "urgency": 0.04}
	a, b := maps.Clone(base), maps.Clone(base)
	a["personal"], a["value"] = 0.08, 0.04
	b["personal"], b["value"] = 0.02, 0.08
	kids := map[string]float64{"value": 0.12, "quality": 0.12, "trend": 0.12, "urgency": 0.12, "personal": 0.12}
	st := append(append(stats("a", 5000, a), stats("b", 5000, b)...), stats("kids", 2000, kids)...)
	if err := th.Refresh(context.Background(), &fixedStats{stats: st}); err != nil {
		t.Fatal(err)
	}
	if p := th.Propensities("a")[armIndex(t, "personal")]; p < 0.95 {
		t.Errorf("segment a, where personal doubles the CTR, chooses it with probability %.3f", p)
	}
	if p := th.Propensities("b")[armIndex(t, "value")]; p < 0.95 {
		t.Errorf("segment b, where value doubles the CTR and personal halves it, chooses value with probability %.3f", p)
	}
	post := posteriorsBy(th)
	if k := post[[2]string{"kids", "quality"}].Mean(); math.Abs(k-0.12) > 0.01 {
		t.Errorf("kids quality mean %.4f, want about the segment's own 0.12", k)
	}
}

func TestRefreshErrorKeepsPosteriors(t *testing.T) {
	reg := prometheus.NewRegistry()
	th, err := NewThompson(Config{Arms: testArms, HoldoutShare: -1}, nil, reg)
	if err != nil {
		t.Fatal(err)
	}
	src := &fixedStats{stats: stats("electronics", 5000, map[string]float64{"personal": 0.1, "value": 0.01})}
	if err := th.Refresh(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	before := th.Posteriors()
	src.err = errors.New("connection refused")
	if err := th.Refresh(context.Background(), src); err == nil || !errors.Is(err, src.err) {
		t.Fatalf("refresh error = %v, want it wrapped", err)
	}
	after := th.Posteriors()
	if len(after) != len(before) || after[len(after)-1] != before[len(before)-1] || th.Generation() != 1 {
		t.Fatal("a failed refresh replaced the posteriors")
	}
	var m dto.Metric
	if err := th.metrics.refreshes.WithLabelValues("error").Write(&m); err != nil {
		t.Fatal(err)
	}
	if n := m.GetCounter().GetValue(); n != 1 {
		t.Errorf("error refreshes counted %g", n)
	}
}

func TestRunRefreshesOnTheInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := newThompson(t, Config{})
		src := &fixedStats{stats: stats("electronics", 100, nil)}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- th.Run(ctx, src, time.Minute) }()
		synctest.Wait()
		if src.calls != 1 {
			t.Fatalf("%d refreshes at start, want 1", src.calls)
		}
		time.Sleep(59 * time.Second)
		synctest.Wait()
		if src.calls != 1 {
			t.Fatalf("%d refreshes before the interval passed", src.calls)
		}
		time.Sleep(2*time.Minute + time.Second)
		synctest.Wait()
		if src.calls != 4 || th.Generation() != 4 {
			t.Fatalf("%d refreshes (generation %d) after 3 minutes, want 4: at start and after each minute", src.calls, th.Generation())
		}
		src.err = errors.New("down")
		time.Sleep(time.Minute)
		synctest.Wait()
		if src.calls != 5 || th.Generation() != 4 {
			t.Fatalf("a failed refresh changed the generation to %d", th.Generation())
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run returned %v after cancel", err)
		}
	})
}

func TestNewRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"baseline arm":   {Arms: []string{"value", ArmBaseline}},
		"negative prior": {PriorStrength: -1},
		"NaN prior":      {PriorStrength: math.NaN()},
		"past half-life": {HalfLife: -time.Hour},
	} {
		if _, err := NewThompson(cfg, nil, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestTally(t *testing.T) {
	tl := NewTally()
	treat := func(seg, arm string) schemas.Strategy {
		return schemas.Strategy{Segment: seg, Arm: arm, Experiment: "e", Group: schemas.GroupTreatment}
	}
	tl.Add(treat("b", "value"), 1, 1)
	tl.Add(treat("a", "trend"), 2, 0)
	tl.Add(treat("b", "value"), 1, 0)
	tl.Add(schemas.Strategy{Segment: "a", Arm: ArmBaseline, Experiment: "e", Group: schemas.GroupHoldout}, 5, 1)
	tl.Add(schemas.Strategy{Segment: "a", Arm: "trend", Experiment: "other", Group: schemas.GroupTreatment}, 7, 7)
	got, _ := tl.ArmStats(context.Background(), "e")
	want := []ArmStat{{Segment: "a", Arm: "trend", Impressions: 2}, {Segment: "b", Arm: "value", Impressions: 2, Clicks: 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ArmStats = %+v, want %+v", got, want)
	}
}
