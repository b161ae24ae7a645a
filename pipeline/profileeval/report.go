package profileeval

import (
	"maps"
	"time"
)

// Report is what an evaluation found. Its JSON shape is relied on by scripts: tasks → task →
// predictors → predictor → figures and ci95; triggers → trigger → figures.
type Report struct {
	Data     Data            `json:"data"`
	Tasks    map[string]Task `json:"tasks"`
	Triggers Triggers        `json:"triggers"`
}

// Data says what was evaluated and how.
type Data struct {
	Events        int            `json:"events"`
	Shoppers      int            `json:"shoppers"` // shoppers with a categorised event
	NoCategory    int            `json:"events_without_category"`
	DeadLetters   map[string]int `json:"dead_letters"`
	TrainShare    float64        `json:"train_share"`
	ScoredAfter   *time.Time     `json:"scored_after,omitempty"` // the leakage guard: no event at or before it is scored
	ModelVersion  string         `json:"model_version,omitempty"`
	Resamples     int            `json:"bootstrap_resamples"`
	ConfirmEvents int            `json:"confirm_next_events"`
	UserDays      int            `json:"active_user_days"` // after the guard, as the triggers
	ShiftsPerDay  float64        `json:"shifts_per_active_user_day"`
}

// Task is how well each predictor ranked the categories of the events a task scores.
type Task struct {
	Scored     int              `json:"scored"`
	Shoppers   int              `json:"shoppers"` // shoppers with a scored event
	Predictors map[string]Score `json:"predictors"`
	// ModelVsBest is, per figure, the model's minus the best baseline's on that figure, when a
	// model was scored.
	ModelVsBest map[string]Difference `json:"model_minus_best_baseline,omitempty"`
}

// Score is one predictor's figures on a task: the share of scored events whose category is its
// first guess, among its first 3 and first 10, and the mean reciprocal rank within the first 10
// (0 beyond). CI95 holds the bootstrap 95% interval of each, by figure name.
type Score struct {
	HitAt1  float64               `json:"hit_at_1"`
	HitAt3  float64               `json:"hit_at_3"`
	HitAt10 float64               `json:"hit_at_10"`
	MRR     float64               `json:"mrr"`
	CI95    map[string][2]float64 `json:"ci95"`
}

// Difference is the model's figure minus the best baseline's, with its bootstrap interval on
// the same resamples of shoppers.
type Difference struct {
	Baseline string     `json:"baseline"`
	Diff     float64    `json:"diff"`
	CI95     [2]float64 `json:"ci95"`
}

// report scores everything added so far.
func (e *evaluator) report(resamples int, share float64) Report {
	r := Report{
		Data: Data{
			Events:        e.events,
			Shoppers:      len(e.users),
			NoCategory:    e.noCat,
			DeadLetters:   maps.Clone(e.failure),
			TrainShare:    share,
			Resamples:     resamples,
			ConfirmEvents: e.confirm,
			UserDays:      len(e.days),
		},
		Tasks: make(map[string]Task, taskCount),
	}
	if !e.guard.IsZero() {
		g := e.guard
		r.Data.ScoredAfter = &g
	}
	if e.model != nil {
		r.Data.ModelVersion = e.model.Version
	}
	e.scorePurchases()
	var scored []*shopper
	for _, u := range e.shoppers {
		if u.scored() {
			scored = append(scored, u)
		}
	}
	boot := bootstrap(scored, len(e.preds), resamples)
	for t, tk := range tasks {
		r.Tasks[tk.name] = e.task(t, scored, boot[t])
	}
	if !e.noTrig {
		r.Triggers = e.triggers(resamples)
	}
	if r.Data.UserDays > 0 {
		r.Data.ShiftsPerDay = float64(r.Triggers.Shift.Ads) / float64(r.Data.UserDays)
	}
	return r
}

func (e *evaluator) task(t int, scored []*shopper, boot [][]figures) Task {
	out := Task{Predictors: make(map[string]Score, len(e.preds))}
	point := make([]figures, len(e.preds))
	for p, pred := range e.preds {
		var s sums
		for _, u := range scored {
			s.add(u.tally[t][p], 1)
		}
		point[p] = s.figures()
		if p == 0 {
			out.Scored = int(s.n)
		}
		sc := Score{HitAt1: point[p][0], HitAt3: point[p][1], HitAt10: point[p][2], MRR: point[p][3],
			CI95: make(map[string][2]float64, metricCount)}
		for m, name := range metricNames {
			sc.CI95[name] = interval(column(boot[p], func(f figures) float64 { return f[m] }))
		}
		out.Predictors[pred.name] = sc
	}
	for _, u := range scored {
		if u.tally[t][0].n > 0 {
			out.Shoppers++
		}
	}
	if e.model == nil || len(e.preds) < 2 {
		return out
	}
	out.ModelVsBest = make(map[string]Difference, metricCount)
	for m, name := range metricNames {
		best := 1 // e.preds[0] is the model
		for p := 2; p < len(e.preds); p++ {
			if point[p][m] > point[best][m] {
				best = p
			}
		}
		diffs := make([]float64, len(boot[0]))
		for r := range diffs {
			diffs[r] = boot[0][r][m] - boot[best][r][m]
		}
		out.ModelVsBest[name] = Difference{
			Baseline: e.preds[best].name,
			Diff:     point[0][m] - point[best][m],
			CI95:     interval(diffs),
		}
	}
	return out
}

func column(fs []figures, get func(figures) float64) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = get(f)
	}
	return out
}

// scored reports whether any task scored any of the shopper's events or shifts.
func (u *shopper) scored() bool {
	for t := range u.tally {
		if len(u.tally[t]) > 0 && u.tally[t][0].n > 0 {
			return true
		}
	}
	return false
}
