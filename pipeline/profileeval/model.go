package profileeval

import (
	"time"

	interestmodel "github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// Ranker ranks the categories a shopper is likely to engage with next.
type Ranker interface {
	// Rank returns up to k categories, most likely first, none for which exclude (never nil)
	// reports true. recent is the shopper's latest event categories, oldest first; a Ranker
	// must neither keep nor modify it.
	Rank(recent []string, k int, exclude func(category string) bool) []Scored
}

// Scored is a category and how strongly a Ranker expects it.
type Scored struct {
	Category string  `json:"category"`
	Score    float64 `json:"score"`
}

// Model is what the evaluation scores as the "model" predictor: a Ranker and the last event
// time it was trained on. Events at or before Until are never scored, by any predictor: the
// leakage guard.
type Model struct {
	Ranker  Ranker
	Until   time.Time
	Version string
	// Interest, when set, is the interest model the features stage predicts with: shifts then
	// come from the model, and every trigger's ad claims the model's top category.
	Interest *interestmodel.Model
}

// Options say what an evaluation scores beyond the baselines, and on which events.
type Options struct {
	// Confirm is how many of a shopper's next events may confirm a trigger.
	Confirm int
	// TrainShare, when above 0, splits the events by event time: the first share (and every
	// event at the same time as its last) trains Train and the baselines that learn, the rest
	// is scored. Shoppers' histories carry over the split.
	TrainShare float64
	// Train, with TrainShare, fits the model on the training events; nil scores the
	// baselines alone.
	Train func(events []schemas.Event) (Model, error)
	// Model is a model trained elsewhere; events at or before its Until are not scored.
	// Exclusive with TrainShare.
	Model *Model
	// Resamples is how many bootstrap resamples of shoppers give each interval; 0 means 1000.
	Resamples int
	// Baselines, when not nil, names the baselines scored beside the model, so the model's
	// difference is from the best of them; nil scores every baseline.
	Baselines []string
	// TasksOnly scores the tasks alone: Report.Triggers is left zero.
	TasksOnly bool
	// Orders says a shopper's events at one instant are one order split by category (as
	// profile-eval splits the orders of a dataset without categories): next_purchase_category
	// then scores the shopper's next order, the categories bought at the first later instant
	// however far ahead, so an order's other groups are not "the next purchase" of a shift it
	// fired, and a shop whose customers order weekly is scored at all.
	Orders bool
}
