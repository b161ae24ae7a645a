package strategy

import (
	"slices"
	"strconv"

	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// Assignment policies, as recorded in every ad's strategy.
const (
	PolicyUniform = "uniform-v1" // treatment arms drawn uniformly at random
	PolicyHoldout = "holdout"    // the persistent holdout, always shown the baseline
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
func NewAssigner(cfg Config) (*Assigner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	arms := cfg.Arms
	if len(arms) == 0 {
		arms = defaultArms
	}
	return &Assigner{arms: slices.Clone(arms), share: cfg.HoldoutShareInEffect(), salt: cfg.Salt, experiment: cfg.Experiment}, nil
}

// Arms returns the experiment's arms.
func (a *Assigner) Arms() []string { return slices.Clone(a.arms) }

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
	p := 1 / float64(len(a.arms))
	return schemas.Strategy{Arm: a.arms[i], Policy: PolicyUniform, Propensity: p, UnconditionalPropensity: a.treated(p),
		Experiment: a.experiment, Group: schemas.GroupTreatment}
}

// Holdout reports whether user is in the persistent holdout, decided by hash(user, salt) alone,
// and if so the strategy of their ads: the baseline copy with propensity 1 within the group, and
// the holdout share as unconditional propensity. Other policies reuse it so every policy holds
// out the same shoppers.
func (a *Assigner) Holdout(user string) (schemas.Strategy, bool) {
	if seed.Unit(user, a.salt) < a.share {
		return schemas.Strategy{Arm: ArmBaseline, Policy: PolicyHoldout, Propensity: 1, UnconditionalPropensity: a.share,
			Experiment: a.experiment, Group: schemas.GroupHoldout}, true
	}
	return schemas.Strategy{}, false
}

// treated is the unconditional propensity of a treated ad whose arm had propensity p within the
// treatment group.
func (a *Assigner) treated(p float64) float64 { return (1 - a.share) * p }
