package profileeval

import (
	"math"
	"strings"
	"testing"
	"time"
)

// handShopper is a shopper with the given categories, one event at each of the hours.
func handShopper(cats string, hours ...float64) *shopper {
	u := &shopper{cats: strings.Fields(cats)}
	for _, h := range hours {
		u.at = append(u.at, time.Duration(h*float64(time.Hour)).Milliseconds())
	}
	u.tops = u.cats
	return u
}

func TestTriggerFiguresByHand(t *testing.T) {
	//        index  0  1  2  3  4  5  6   7   8   9   10  11  12
	u := handShopper("A  A  B  B  B  B  C  C  C  A  D  D  D",
		0, 1, 2, 3, 4, 5, 30, 31, 32, 33, 34, 35, 36)
	// New interests: B at 2–5, C at 6–8, D at 10–12.
	ads := schedule{u: {{1, "A"}, {2, "B"}, {4, "B"}, {6, "B"}, {7, "C"}, {8, "C"}}}
	e := &evaluator{confirm: 5, shoppers: []*shopper{u}}

	// precision, the next 5 events half in the ad's category:
	//   A@1: B B B B C no; B@2: B B B C C yes; B@4: B C C C A no; B@6: C C A D D no;
	//   C@7: C A D D D no; C@8: A D D D no. 1 of 6.
	// novelty: B@4 follows B@2 by 2 h, C@8 follows C@7 by 1 h; B@6 is 26 h after B@4. 4 of 6.
	// coverage: B first advertised at its event 1 (B@2), C at its event 2 (C@7), D never.
	got, _ := e.scoreTrigger(ads, 50)
	want := Trigger{Ads: 6, Scored: 6, Confirmed: 1, Precision: 1.0 / 6, Novelty: 4.0 / 6,
		TimelinessEvents: 1.5, Coverage: 2.0 / 3, Interests: 3, Covered: 2}
	checkTrigger(t, "all scored", got, want)

	// After a guard at event 3, ads and interests before it are not scored, but an ad before
	// it was still sent: B@4 is not novel.
	u.from = 3
	got, _ = e.scoreTrigger(ads, 50)
	want = Trigger{Ads: 4, Scored: 4, Confirmed: 0, Precision: 0, Novelty: 2.0 / 4,
		TimelinessEvents: 2, Coverage: 1.0 / 2, Interests: 2, Covered: 1}
	checkTrigger(t, "guard at event 3", got, want)
}

func checkTrigger(t *testing.T, name string, got, want Trigger) {
	t.Helper()
	counts := [][2]int{{got.Ads, want.Ads}, {got.Scored, want.Scored}, {got.Confirmed, want.Confirmed},
		{got.Interests, want.Interests}, {got.Covered, want.Covered}}
	for i, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: count %d is %d, want %d (%+v)", name, i, c[0], c[1], got)
		}
	}
	figs := map[string][2]float64{"precision": {got.Precision, want.Precision}, "novelty": {got.Novelty, want.Novelty},
		"timeliness_events": {got.TimelinessEvents, want.TimelinessEvents}, "coverage": {got.Coverage, want.Coverage}}
	for m, f := range figs {
		if math.Abs(f[0]-f[1]) > 1e-9 {
			t.Errorf("%s: %s %.4f, want %.4f", name, m, f[0], f[1])
		}
		if iv, ok := got.CI95[m]; !ok || iv[0] > f[0]+1e-9 || iv[1] < f[0]-1e-9 {
			t.Errorf("%s: %s %.4f outside its interval %v", name, m, f[0], iv)
		}
	}
}

func TestTimerMinutesByHand(t *testing.T) {
	// Events at minutes 0, 5, 7, 30, 31, 90. Every 6 minutes fires on the first event at least
	// 6 minutes after the last firing, the first one 6 after the shopper's first event: at 7,
	// 30 and 90 (events 2, 3, 5).
	u := handShopper("A A B B C C", 0, 5.0/60, 7.0/60, 30.0/60, 31.0/60, 90.0/60)
	e := &evaluator{shoppers: []*shopper{u}}
	var at []int
	for _, a := range e.everyMinutes(6)[u] {
		at = append(at, a.at)
	}
	if len(at) != 3 || at[0] != 2 || at[1] != 3 || at[2] != 5 {
		t.Errorf("every 6 minutes fires after events %v, want [2 3 5]", at)
	}
	// Ads by period: 1 min 5, 2 min 4, 3–7 min 3, 8–31 min 2, 32–90 min 1, then none. T is the
	// period whose count is closest to the target, the shorter on a tie.
	f := func(target, want int) {
		t.Helper()
		if got := fitTimer(target, maxTimerMinutes, e.everyMinutes); got != want {
			t.Errorf("for %d ads: every %d minutes, want %d", target, got, want)
		}
	}
	f(5, 1)
	f(4, 2)
	f(3, 3)
	f(2, 8)
	f(1, 32)
	f(0, 91)
	f(9, 1)
	// Only ads after the guard count towards the target: from event 3 on, 1 min sends 3, 2–31
	// min 2 (after events 3 and 5, or 4 and 5), 32–90 min 1.
	u.from = 3
	f(3, 1)
	f(2, 2)
	f(1, 32)
}

// The shift's difference from the best timer is paired: against a timer sending the very same
// ads it is 0 on every resample, so its interval is [0, 0]; each figure is compared with the
// timer best on it.
func TestShiftVsBestTimer(t *testing.T) {
	// Two shoppers with a new interest each (B at 2–4; D at 3–5).
	u := handShopper("A C B B B C", 0, 1, 2, 3, 4, 5)
	v := handShopper("A B C D D D", 0, 1, 2, 3, 4, 5)
	e := &evaluator{confirm: 2, shoppers: []*shopper{u, v}}
	shift := schedule{u: {{2, "B"}}, v: {{3, "D"}}} // both confirmed, both interests covered
	late := schedule{u: {{4, "B"}}, v: {{0, "A"}}}  // B@4 covers B but is not confirmed; A@0 neither
	sharp := schedule{u: {{0, "A"}}, v: {{3, "D"}}} // A@0 no (next C B), D@3 both
	same := schedule{u: {{2, "B"}}, v: {{3, "D"}}}  // the shift's own ads
	score := func(s schedule) (Trigger, []ratios) { return e.scoreTrigger(s, 200) }
	sh, shT := score(shift)
	timer := func(name string, s schedule) timerTallies {
		tr, tl := score(s)
		return timerTallies{name, tr, tl}
	}

	got := vsBestTimer(shT, []timerTallies{timer("timer_events", same), timer("timer_minutes", late)}, 200)
	for _, m := range []string{"precision", "coverage"} {
		d := got[m]
		if d.Baseline != "timer_events" || d.Diff != 0 || d.CI95 != [2]float64{} {
			t.Errorf("%s against the same ads: %+v, want 0 [0, 0] against timer_events", m, d)
		}
	}
	if _, ok := got["novelty"]; ok {
		t.Error("novelty compared, want precision and coverage only")
	}

	// late covers half the interests and confirms none; sharp confirms half and covers one of two.
	got = vsBestTimer(shT, []timerTallies{timer("timer_events", late), timer("timer_minutes", sharp)}, 200)
	if d := got["precision"]; d.Baseline != "timer_minutes" || math.Abs(d.Diff-(sh.Precision-0.5)) > 1e-9 {
		t.Errorf("precision: %+v, want the shift's %.3f minus timer_minutes' 0.5", d, sh.Precision)
	}
	if d := got["coverage"]; d.Baseline != "timer_events" || math.Abs(d.Diff-0.5) > 1e-9 || d.CI95[0] > d.Diff || d.CI95[1] < d.Diff {
		t.Errorf("coverage: %+v, want 1 − 0.5 against timer_events, inside its interval", d)
	}
}
