package interest

import "time"

// Card describes a model: where its data came from, its vocabulary, its settings and weights,
// and how training went. Written beside the model file as JSON.
type Card struct {
	Format     int       `json:"format"`
	Version    string    `json:"version"`
	From       time.Time `json:"from"`
	Until      time.Time `json:"until"`
	Events     int       `json:"events"`
	Users      int       `json:"users"`
	Categories int       `json:"categories"`
	// Groups are the names of the interest groups the model's categories are, for products
	// without a category, and GroupedProducts how many products they hold; none for a model of
	// categorised data.
	Groups          []string `json:"groups,omitempty"`
	GroupedProducts int      `json:"grouped_products,omitempty"`
	// Steps is how many events the ranker learned from: those of shoppers with a history whose
	// next category was among the candidates.
	Steps  int    `json:"steps"`
	Config Config `json:"config"`
	// Weights are the ranker's weights by feature name.
	Weights map[string]float64 `json:"weights"`
	// MoveSteps is how many of the Steps were moves (the next category outside the shopper's
	// latest RecentDistinct), which MoveWeights, the weights RankMoves ranks by, learned from.
	MoveSteps   int                `json:"move_steps"`
	MoveWeights map[string]float64 `json:"move_weights"`
	// TrainedIn is the wall time from NewTrainer to Model (adshift train counts only the time
	// spent learning, leaving its holdout's scoring out), and EventsPerSecond the events over
	// it. They are not in the model file (its bytes depend only on the input): for a model
	// read back they are zero, and the card file written at training keeps them.
	TrainedIn       time.Duration `json:"trained_in_ns"`
	EventsPerSecond float64       `json:"events_per_second"`
	// Holdout is how the model scored on a time split, as adshift train measures it before it
	// goes on to learn the held-out events too; nil when it did not (and for a model read
	// back: it is not in the model file either).
	Holdout *Holdout `json:"holdout,omitempty"`
}

// Holdout is a model's scores on the last share of its training events by event time, made by
// the model as trained on the events before them.
type Holdout struct {
	// Share is the share of the events held out; SplitAt the time of the last event before
	// them: only events after it were scored.
	Share   float64   `json:"share"`
	SplitAt time.Time `json:"split_at"`
	// Task is what was scored (next_category), Scored how many events of how many Shoppers.
	Task     string `json:"task"`
	Scored   int    `json:"scored"`
	Shoppers int    `json:"shoppers"`
	// Scores are the figures of the model and of the baseline it is compared with, by name.
	Scores map[string]HoldoutScore `json:"scores"`
	// Baseline is the predictor the model is compared with, and ModelMinusBaseline, per
	// figure, the model's minus the baseline's with the bootstrap interval of the difference
	// over shoppers (paired: the same resamples for both).
	Baseline           string                       `json:"baseline"`
	ModelMinusBaseline map[string]HoldoutDifference `json:"model_minus_baseline"`
}

// HoldoutScore is one predictor's figures on the holdout: hit@1, hit@3, hit@10 and MRR (cut at
// 10), each with its bootstrap 95% interval over shoppers by figure name.
type HoldoutScore struct {
	HitAt1  float64               `json:"hit_at_1"`
	HitAt3  float64               `json:"hit_at_3"`
	HitAt10 float64               `json:"hit_at_10"`
	MRR     float64               `json:"mrr"`
	CI95    map[string][2]float64 `json:"ci95"`
}

// HoldoutDifference is a figure's difference and its bootstrap 95% interval.
type HoldoutDifference struct {
	Diff float64    `json:"diff"`
	CI95 [2]float64 `json:"ci95"`
}

// Card returns the model's card.
func (m *Model) Card() Card {
	c := Card{
		Format: formatVersion, Version: m.version, Groups: m.groups.Names(), GroupedProducts: m.groups.Products(),
		From: m.from, Until: m.until,
		Events: m.events, Users: m.users, Categories: len(m.names), Steps: m.steps,
		Config:    m.cfg,
		Weights:   make(map[string]float64, numFeatures),
		MoveSteps: m.moveSteps, MoveWeights: make(map[string]float64, numFeatures),
		TrainedIn: m.trainedIn,
	}
	for d, n := range featureNames() {
		c.Weights[n] = m.w[d]
		c.MoveWeights[n] = m.wMove[d]
	}
	if m.trainedIn > 0 {
		c.EventsPerSecond = float64(m.events) / m.trainedIn.Seconds()
	}
	return c
}
