package creative

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// Assignment policies, as recorded in every ad's strategy.
const (
	PolicyUniform = "uniform-v1" // treatment arms drawn uniformly at random
	PolicyHoldout = "holdout"    // the persistent holdout, always shown the baseline
)

// DefaultHoldoutShare is the share of shoppers held out when StrategyConfig leaves it zero.
const DefaultHoldoutShare = 0.1

// StrategyConfig configures the experiment.
type StrategyConfig struct {
	// Arms are the creative styles the treatment group is split between; default value,
	// quality, trend, urgency, personal.
	Arms []string `mapstructure:"arms"`
	// HoldoutShare of shoppers is held out and sees the baseline copy; 0 means 0.1, a negative
	// value holds out no one.
	HoldoutShare float64 `mapstructure:"holdout_share"`
	// Salt keys the hashes, so a new experiment re-draws the holdout and the arms.
	Salt string `mapstructure:"salt"`
	// Experiment names the experiment in every ad's strategy.
	Experiment string `mapstructure:"experiment"`
	// Policy chooses the treatment arm: "uniform" (Assigner) or "thompson" (the bandit of
	// pipeline/strategy); empty means uniform.
	Policy string `mapstructure:"policy"`
	// RefreshInterval is how often the bandit re-reads its posteriors from the outcomes store.
	RefreshInterval time.Duration `mapstructure:"refresh_interval"`
	// PriorStrength is the weight, in impressions, of the bandit's empirical-Bayes prior.
	PriorStrength float64 `mapstructure:"prior_strength"`
}

// Policy names of StrategyConfig.Policy.
const (
	StrategyUniform  = "uniform"
	StrategyThompson = "thompson"
)

// Assigner decides which group and arm a shopper's ad belongs to. The holdout is persistent:
// hash(user, salt) alone decides it, so a shopper stays in it across profile versions. Treated
// shoppers get an arm drawn uniformly by hash(user, version, salt), which is reproducible for a
// retried or replayed shift. It is immutable and safe for concurrent use.
type Assigner struct {
	arms       []string
	share      float64
	salt       string
	experiment string
}

// NewAssigner validates cfg and returns its Assigner.
func NewAssigner(cfg StrategyConfig) (*Assigner, error) {
	arms := cfg.Arms
	if len(arms) == 0 {
		arms = defaultArms
	}
	for i, a := range arms {
		switch {
		case strings.TrimSpace(a) == "":
			return nil, errors.New("strategy: empty arm name")
		case a == ArmBaseline:
			return nil, fmt.Errorf("strategy: %q is the holdout's copy, not an arm", ArmBaseline)
		case slices.Contains(arms[:i], a):
			return nil, fmt.Errorf("strategy: arm %q listed twice", a)
		}
	}
	share := cfg.HoldoutShare
	switch {
	case share == 0:
		share = DefaultHoldoutShare
	case share < 0:
		share = 0
	case share >= 1:
		return nil, fmt.Errorf("strategy: holdout share %g leaves no treatment group", share)
	}
	return &Assigner{arms: slices.Clone(arms), share: share, salt: cfg.Salt, experiment: cfg.Experiment}, nil
}

// Arms returns the experiment's arms.
func (a *Assigner) Arms() []string { return slices.Clone(a.arms) }

// Chooser picks the strategy of the ad for a shopper's profile version in a segment: the arm,
// the holdout group and the propensity of that choice. Implementations are safe for concurrent
// use: every partition worker of the stage calls the same one.
type Chooser interface {
	Choose(user string, version uint64, segment string) schemas.Strategy
}

var _ Chooser = (*Assigner)(nil)

// Choose implements Chooser: uniform over the arms, with a persistent holdout.
func (a *Assigner) Choose(user string, version uint64, segment string) schemas.Strategy {
	s := a.Assign(user, version)
	s.Segment = segment
	return s
}

// Assign returns the strategy of the ad for profile version of user, with no segment.
func (a *Assigner) Assign(user string, version uint64) schemas.Strategy {
	if s, held := a.Holdout(user); held {
		return s
	}
	i := seed.Hash(user, strconv.FormatUint(version, 10), a.salt) % uint64(len(a.arms))
	return schemas.Strategy{Arm: a.arms[i], Policy: PolicyUniform, Propensity: 1 / float64(len(a.arms)),
		Experiment: a.experiment, Group: schemas.GroupTreatment}
}

// Holdout reports whether user is in the persistent holdout, decided by hash(user, salt) alone,
// and if so the strategy of their ads: the baseline copy with propensity 1. Other policies reuse
// it so every policy holds out the same shoppers.
func (a *Assigner) Holdout(user string) (schemas.Strategy, bool) {
	if seed.Unit(user, a.salt) < a.share {
		return schemas.Strategy{Arm: ArmBaseline, Policy: PolicyHoldout, Propensity: 1,
			Experiment: a.experiment, Group: schemas.GroupHoldout}, true
	}
	return schemas.Strategy{}, false
}

// Segment is the strategy segment of a shopper: the root of their top category, or "unknown".
func Segment(s schemas.Summary) string {
	if len(s.Categories) > 0 {
		if path := levels(normCategory(s.Categories[0].Name)); len(path) > 0 {
			return path[0]
		}
	}
	return "unknown"
}
