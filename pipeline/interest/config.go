package interest

import (
	"errors"
	"fmt"
	"math"
)

// Config holds the interest model's hyperparameters. They shape the candidates and the features
// the ranker weighs and how fast it learns; they are written into the model file, so a model
// always scores with the settings it was trained with.
type Config struct {
	// RecentDistinct is how many of the shopper's latest distinct categories (at most
	// StateSize) contribute their successors as candidates, the latest weighing most.
	RecentDistinct int `mapstructure:"recent_distinct" json:"recent_distinct"`
	// Successors is how many of a category's most frequent next categories are candidates, and
	// how many of its co-occurring categories a model keeps.
	Successors int `mapstructure:"successors" json:"successors"`
	// SuccessorSlots is how many next categories, and how many co-occurring categories, the
	// trainer counts per category (Space-Saving counters, see doc.go); at least Successors.
	SuccessorSlots int `mapstructure:"successor_slots" json:"successor_slots"`
	// Popular is how many of the most viewed categories are always candidates (the cold start).
	Popular int `mapstructure:"popular" json:"popular"`
	// Decay is the weight one event keeps per later event of the same shopper, in (0, 15/16].
	Decay float64 `mapstructure:"decay" json:"decay"`
	// LearningRate is the step of the ranker's online gradient ascent on the listwise
	// log-likelihood.
	LearningRate float64 `mapstructure:"learning_rate" json:"learning_rate"`
	// MoveLearningRate is the base step of the ranker of moves (RankMoves), which learns with
	// AdaGrad's per-feature steps from the events that leave the latest RecentDistinct.
	MoveLearningRate float64 `mapstructure:"move_learning_rate" json:"move_learning_rate"`
}

// DefaultConfig returns the defaults: the successors of the shopper's latest 5 distinct
// categories, 30 successors (and co-occurring categories) of 64 counted per category, the 30
// most popular categories, a decay of 0.7 per event, a learning rate of 0.01 and, for the
// ranker of moves, a base rate of 0.3.
func DefaultConfig() Config {
	return Config{
		RecentDistinct:   5,
		Successors:       30,
		SuccessorSlots:   64,
		Popular:          30,
		Decay:            0.7,
		LearningRate:     0.01,
		MoveLearningRate: 0.3,
	}
}

// maxDecay is the slowest decay a State's fixed-point counts hold: they sum to at most 16.
const maxDecay = 15.0 / 16

// maxSetting bounds every count setting, so that a model file cannot ask for absurd buffers.
const maxSetting = 1 << 16

// Validate reports every setting that cannot work, each error starting with its key.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	for _, s := range []struct {
		key string
		v   int
	}{
		{"recent_distinct", c.RecentDistinct}, {"successors", c.Successors},
		{"successor_slots", c.SuccessorSlots}, {"popular", c.Popular},
	} {
		check(s.v >= 1 && s.v <= maxSetting, "%s: %d is not in [1, %d]", s.key, s.v, maxSetting)
	}
	check(c.RecentDistinct <= StateSize, "recent_distinct: %d is above the %d categories a shopper's state holds", c.RecentDistinct, StateSize)
	check(c.SuccessorSlots >= c.Successors, "successor_slots: %d is below successors %d", c.SuccessorSlots, c.Successors)
	check(c.Decay > 0 && c.Decay <= maxDecay, "decay: %v is not in (0, %v]", c.Decay, maxDecay)
	check(c.LearningRate >= 0 && !math.IsInf(c.LearningRate, 0), "learning_rate: %v is not a finite non-negative number", c.LearningRate)
	check(c.MoveLearningRate >= 0 && !math.IsInf(c.MoveLearningRate, 0), "move_learning_rate: %v is not a finite non-negative number", c.MoveLearningRate)
	return errors.Join(errs...)
}
