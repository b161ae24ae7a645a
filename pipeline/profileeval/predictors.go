package profileeval

import "github.com/adshift/adshift/pipeline/features"

// predictor ranks the categories it expects a shopper to engage with next: up to q.k of them,
// none that q.exclude rejects, appended to q.dst.
type predictor struct {
	name string
	rank func(e *evaluator, q query) []string
}

// query is what a predictor is asked for one scored event.
type query struct {
	user    string
	u       *shopper
	k       int
	skip    int // how many of the shopper's latest distinct categories the task leaves out
	exclude func(string) bool
	dst     []string
}

// modelName is the predictor that asks the Model, when one is given; the others are baselines.
const modelName = "model"

// predictors in report order. The model, when there is one, is always first.
var predictors = []predictor{
	{modelName, func(e *evaluator, q query) []string {
		recent := q.u.cats[max(0, len(q.u.cats)-modelHistory):]
		recent = recent[:len(recent):len(recent)]
		var got []Scored
		if m := e.model.Interest; m != nil && q.skip > 0 && q.skip == m.Config().RecentDistinct {
			// New categories: the interest model's ranker of moves, fitted on exactly these.
			for _, s := range m.RankMoves(recent, q.k, q.exclude) {
				got = append(got, Scored{Category: s.Category, Score: s.Score})
			}
		} else {
			got = e.model.Ranker.Rank(recent, q.k, q.exclude)
		}
		for _, s := range got {
			if len(q.dst) == q.k {
				break
			}
			if !q.exclude(s.Category) { // a Ranker that ignores exclude does not score by it
				q.dst = append(q.dst, s.Category)
			}
		}
		return q.dst
	}},
	{"profile", func(e *evaluator, q query) []string {
		return firstK(q.dst, e.part.TopCategories(q.user, profileDepth, features.Short), q.k, q.exclude)
	}},
	{"profile_long", func(e *evaluator, q query) []string {
		return firstK(q.dst, e.part.TopCategories(q.user, profileDepth, features.Long), q.k, q.exclude)
	}},
	{"last_category", func(_ *evaluator, q query) []string {
		return firstK(q.dst, q.u.distinct, q.k, q.exclude)
	}},
	{"most_frequent", func(_ *evaluator, q query) []string {
		return q.u.counts.top(q.dst, q.k, q.exclude)
	}},
	{"popular", func(e *evaluator, q query) []string {
		return e.popular.top(q.dst, q.k, q.exclude)
	}},
	{"transition", func(e *evaluator, q query) []string {
		if next := e.next[q.u.cats[len(q.u.cats)-1]]; next != nil {
			return next.top(q.dst, q.k, q.exclude)
		}
		return q.dst
	}},
	{"earlier_interest", func(_ *evaluator, q query) []string {
		earlier := q.u.distinct[min(max(1, q.skip), len(q.u.distinct)):]
		return firstK(q.dst, earlier, q.k, q.exclude)
	}},
}

const (
	// modelHistory is how many of the latest event categories a Ranker sees: as good as all of
	// them to the interest model, whose state a category 1024 events back no longer moves
	// (0.7^1024 of a count), and whose counts stop at 255.
	modelHistory = 1024
	profileDepth = 10 // categories asked of a profile; it holds fewer
)
