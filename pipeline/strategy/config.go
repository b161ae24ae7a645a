package strategy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Config configures the experiment: its arms, its holdout and how arms are chosen.
type Config struct {
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
	// Policy chooses the treatment arm: ChooseUniform (Assigner) or ChooseThompson (the
	// bandit); empty means uniform.
	Policy string `mapstructure:"policy"`
	// RefreshInterval is how often the bandit re-reads its posteriors from the outcomes store.
	RefreshInterval time.Duration `mapstructure:"refresh_interval"`
	// PriorStrength fixes the weight, in impressions, of every cell's empirical-Bayes prior; 0
	// (the default) estimates it from the data: as strong as the other segments' evidence about
	// the arm, weakened by how much segments disagree (method of moments).
	PriorStrength float64 `mapstructure:"prior_strength"`
	// HalfLife is how fast the bandit forgets, for drift: counts this old weigh half; 0 never
	// forgets. Default 168h.
	HalfLife time.Duration `mapstructure:"half_life"`
}

// Values of Config.Policy. Ads record the policy that chose them with its version instead
// (PolicyUniform, PolicyThompson, PolicyHoldout).
const (
	ChooseUniform  = "uniform"
	ChooseThompson = "thompson"
)

// DefaultHoldoutShare is the share of shoppers held out when Config leaves it zero.
const DefaultHoldoutShare = 0.1

// DefaultHalfLife is the bandit's default half-life of evidence.
const DefaultHalfLife = 7 * 24 * time.Hour

// maxPriorStrength bounds the prior: a heavier one would never let the data speak.
const maxPriorStrength = 1e12

// DefaultConfig returns the defaults, spelled out.
func DefaultConfig() Config {
	return Config{Arms: slices.Clone(defaultArms), HoldoutShare: DefaultHoldoutShare, Salt: "adshift", Experiment: "default",
		Policy: ChooseUniform, RefreshInterval: time.Minute, HalfLife: DefaultHalfLife}
}

// KeyError is a setting of Config no strategy can run with, named by its key (as in the
// mapstructure tags), so the configuration layer can name it in full.
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Err.Error() }
func (e *KeyError) Unwrap() error { return e.Err }

func keyError(key, format string, args ...any) error {
	return &KeyError{Key: key, Err: fmt.Errorf(format, args...)}
}

// Validate reports the first setting of c that no strategy can run with, as a *KeyError. It is
// the one check of these keys: New, NewAssigner and NewThompson call it, and so does the
// configuration's validation. Zero values are valid: they mean the defaults.
func (c Config) Validate() error {
	for i, a := range c.Arms {
		switch {
		case strings.TrimSpace(a) == "":
			return keyError("arms", "empty arm name")
		case a == ArmBaseline:
			return keyError("arms", "%q is the holdout's copy, not an arm", ArmBaseline)
		case slices.Contains(c.Arms[:i], a):
			return keyError("arms", "arm %q listed twice", a)
		}
	}
	if c.Policy != "" && c.Policy != ChooseUniform && c.Policy != ChooseThompson {
		return keyError("policy", "%q is not one of %s, %s", c.Policy, ChooseUniform, ChooseThompson)
	}
	if c.HoldoutShare >= 1 {
		return keyError("holdout_share", "%g leaves no treatment group", c.HoldoutShare)
	}
	if p := c.PriorStrength; p != 0 && (!(p > 0) || p > maxPriorStrength) {
		return keyError("prior_strength", "%g is not a positive number of impressions", p)
	}
	if c.HalfLife < 0 {
		return keyError("half_life", "%v is negative", c.HalfLife)
	}
	return nil
}

// HoldoutShareInEffect is the share of shoppers held out under c: HoldoutShare, with 0 meaning
// DefaultHoldoutShare and a negative share meaning none.
func (c Config) HoldoutShareInEffect() float64 {
	switch {
	case c.HoldoutShare == 0:
		return DefaultHoldoutShare
	case c.HoldoutShare < 0:
		return 0
	}
	return c.HoldoutShare
}
