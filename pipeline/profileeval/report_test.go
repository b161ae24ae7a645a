package profileeval

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
)

// repeater is a small stand-in model: the shopper's distinct recent categories, latest first.
type repeater struct{}

func (repeater) Rank(recent []string, k int, exclude func(string) bool) []Scored {
	var out []Scored
	seen := map[string]bool{}
	for i := len(recent) - 1; i >= 0 && len(out) < k; i-- {
		c := recent[i]
		if !seen[c] && !exclude(c) {
			seen[c] = true
			out = append(out, Scored{Category: c, Score: float64(i)})
		}
	}
	return out
}

// repeaterReport is the report of REES46 split at 70%, the "model" repeating the last category.
func repeaterReport(t *testing.T) Report {
	t.Helper()
	events := read(t, "rees46", rees46)
	r, err := Evaluate(context.Background(), features.DefaultConfig(), events, Options{
		Confirm: 5, Resamples: 50, TrainShare: 0.7,
		Train: func(train []schemas.Event) (Model, error) {
			return Model{Ranker: repeater{}, Until: train[len(train)-1].Timestamp, Version: "repeater-1"}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestJSONShape(t *testing.T) {
	r := repeaterReport(t)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	get := func(v any, path ...string) any {
		t.Helper()
		for _, k := range path {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %q in %s", path, k, b)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no %q", path, k)
			}
		}
		return v
	}
	number := func(path ...string) float64 {
		t.Helper()
		x, ok := get(doc, path...).(float64)
		if !ok {
			t.Fatalf("%v is not a number", path)
		}
		return x
	}
	for _, tk := range tasks {
		if number("tasks", tk.name, "scored") <= 0 {
			t.Errorf("%s scored no events", tk.name)
		}
		for _, p := range predictors {
			for _, m := range metricNames {
				x := number("tasks", tk.name, "predictors", p.name, m)
				iv, ok := get(doc, "tasks", tk.name, "predictors", p.name, "ci95", m).([]any)
				if !ok || len(iv) != 2 || x < 0 || x > 1 {
					t.Errorf("%s %s %s = %v, ci95 %v: want a share and a [lo, hi] pair", tk.name, p.name, m, x, iv)
				}
			}
		}
		base := get(doc, "tasks", tk.name, "model_minus_best_baseline", "hit_at_3", "baseline")
		if s, _ := base.(string); s == "" || s == modelName {
			t.Errorf("%s: model − best baseline is against %v", tk.name, base)
		}
	}
	shifts := number("triggers", "shift", "ads")
	for _, trig := range []string{"shift", "timer_events", "timer_minutes"} {
		// The timers are fitted to the shifts' count: within a few percent of it.
		if ads := number("triggers", trig, "ads"); ads <= 0 || math.Abs(ads-shifts) > 0.05*shifts {
			t.Errorf("trigger %s sent %v ads, want about the shifts' %v", trig, ads, shifts)
		}
		for _, m := range triggerMetrics {
			x := number("triggers", trig, m)
			iv, ok := get(doc, "triggers", trig, "ci95", m).([]any)
			if !ok || len(iv) != 2 || x < 0 || (m != "timeliness_events" && x > 1) || (m == "timeliness_events" && x < 1) {
				t.Errorf("trigger %s %s = %v, ci95 %v", trig, m, x, iv)
			}
		}
	}
	for _, m := range []string{"precision", "coverage"} {
		d := number("triggers", "shift", "vs_best_timer", m, "diff")
		best, _ := get(doc, "triggers", "shift", "vs_best_timer", m, "baseline").(string)
		iv, ok := get(doc, "triggers", "shift", "vs_best_timer", m, "ci95").([]any)
		if best != "timer_events" && best != "timer_minutes" || !ok || len(iv) != 2 || iv[0].(float64) > d || iv[1].(float64) < d {
			t.Errorf("shift − best timer on %s: %v against %q, ci95 %v", m, d, best, iv)
		}
		want := number("triggers", "shift", m) - number("triggers", best, m)
		if math.Abs(d-want) > 1e-9 {
			t.Errorf("shift − best timer on %s is %v, want the shift's minus %s's: %v", m, d, best, want)
		}
	}
	if number("triggers", "timer_events", "every_k_events") < 1 || number("triggers", "timer_minutes", "every_t_minutes") < 1 {
		t.Errorf("timers without their period: %s", b)
	}
	if v := get(doc, "data", "model_version"); v != "repeater-1" {
		t.Errorf("model version %v, want the trained model's", v)
	}
}

func TestIntervals(t *testing.T) {
	ctx := context.Background()
	events := read(t, "taobao", taobao)
	eval := func(events []schemas.Event) Report {
		t.Helper()
		r, err := Evaluate(ctx, features.DefaultConfig(), events, Options{Confirm: 5, Resamples: 300})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	few, many := eval(firstShoppers(events, 80)), eval(events)
	for _, r := range []Report{few, many} {
		for name, task := range r.Tasks {
			for pred, s := range task.Predictors {
				for m, x := range map[string]float64{"hit_at_1": s.HitAt1, "hit_at_3": s.HitAt3, "hit_at_10": s.HitAt10, "mrr": s.MRR} {
					if iv := s.CI95[m]; !(iv[0] <= x && x <= iv[1]) {
						t.Errorf("%d shoppers, %s %s %s: %.4f outside its interval %v", r.Data.Shoppers, name, pred, m, x, iv)
					}
				}
			}
		}
	}
	// Ten times the shoppers should give intervals about three times narrower; ask for
	// narrower at all, on every figure that is not degenerate.
	for name, task := range many.Tasks {
		for pred, s := range task.Predictors {
			for m, iv := range s.CI95 {
				small := few.Tasks[name].Predictors[pred].CI95[m]
				if wide, narrow := small[1]-small[0], iv[1]-iv[0]; wide > 0 && narrow >= wide {
					t.Errorf("%s %s %s: interval %.4f wide over %d shoppers, %.4f over %d: want narrower with more",
						name, pred, m, narrow, many.Data.Shoppers, wide, few.Data.Shoppers)
				}
			}
		}
	}
}

// Naming the baselines scores those beside the model, with the same figures and intervals as
// in a full evaluation, and the model's difference from them; TasksOnly leaves out the triggers.
func TestChosenBaselines(t *testing.T) {
	events := read(t, "rees46", rees46)
	opt := Options{Confirm: 5, Resamples: 50, TrainShare: 0.7,
		Train: func(train []schemas.Event) (Model, error) {
			return Model{Ranker: repeater{}, Until: train[len(train)-1].Timestamp, Version: "repeater-1"}, nil
		},
	}
	all, err := Evaluate(context.Background(), features.DefaultConfig(), events, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Baselines, opt.TasksOnly = []string{"last_category"}, true
	few, err := Evaluate(context.Background(), features.DefaultConfig(), events, opt)
	if err != nil {
		t.Fatal(err)
	}
	for name, tk := range few.Tasks {
		if len(tk.Predictors) != 2 || tk.Scored != all.Tasks[name].Scored {
			t.Errorf("%s: %d events scored by %v, want %d by the model and last_category", name, tk.Scored, tk.Predictors, all.Tasks[name].Scored)
		}
		for _, p := range []string{modelName, "last_category"} {
			if got, want := tk.Predictors[p], all.Tasks[name].Predictors[p]; got.HitAt3 != want.HitAt3 || got.MRR != want.MRR {
				t.Errorf("%s %s: %+v alone, %+v among all", name, p, got, want)
			}
		}
		d := tk.ModelVsBest["hit_at_1"]
		if want := tk.Predictors[modelName].HitAt1 - tk.Predictors["last_category"].HitAt1; d.Baseline != "last_category" || math.Abs(d.Diff-want) > 1e-12 {
			t.Errorf("%s: model − best baseline %+v, want %.4f against last_category", name, d, want)
		}
	}
	if few.Triggers.Shift.Ads != 0 || few.Triggers.TimerEvents.EveryKEvents != 0 {
		t.Errorf("triggers scored with TasksOnly: %+v", few.Triggers)
	}
	opt.Baselines = []string{"last_category", "lastcategory"}
	if _, err := Evaluate(context.Background(), features.DefaultConfig(), events, opt); err == nil {
		t.Error("an unknown baseline was accepted")
	}
}
