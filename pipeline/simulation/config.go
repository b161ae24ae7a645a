package simulation

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/strategy"
)

// Config configures a simulation. Zero fields take the defaults in their comments.
type Config struct {
	Format string // dataset format: rees46 or taobao (the formats whose events carry products)
	File   string // dataset file; its distinct products are the catalogue
	Seed   uint64 // seeds the shoppers' draws and the strategy's salt

	// Effects multiply each arm's click probability: the truth the bandit is to discover. Arms
	// not listed, and the holdout's baseline, have effect 1.
	Effects map[string]float64
	// Click is the click probability of an impression before the arm's effect.
	Click ClickModel
	// Refresh is the event time between two posterior refreshes from the tally; default 10m.
	Refresh time.Duration
	// Buckets is how many equal spans of event time the report divides the run into; default 10.
	Buckets int

	Features  features.Config  // the features stage, as configured for the pipeline
	Model     *interest.Model  // the interest model the features stage predicts with; nil: none
	Creatives creatives.Config // the creatives stage; Strategy.Policy picks the bandit or uniform
	Outcomes  outcomes.Config  // attribution windows
}

// ClickModel grades how well an ad's product matches what the shopper does after seeing it: the
// best match among their events in the Lookahead after the impression sets the base click
// probability.
type ClickModel struct {
	Product   float64       // they interact with the advertised product itself; default 0.25
	Category  float64       // with another product of its category; default 0.10
	Segment   float64       // with its segment (root category) only; default 0.04
	Other     float64       // with none of it; default 0.01
	Lookahead time.Duration // how far ahead their behaviour counts; default 24h
}

// DefaultConfig returns the defaults, with the pipeline's default stage configurations and the
// Thompson bandit.
func DefaultConfig() Config {
	c := Config{Features: features.DefaultConfig(), Creatives: creatives.DefaultConfig(), Outcomes: outcomes.DefaultConfig()}
	c.Creatives.Strategy.Policy = strategy.ChooseThompson
	return c.withDefaults()
}

func (c Config) withDefaults() Config {
	c.Click.Product = cmp.Or(c.Click.Product, 0.25)
	c.Click.Category = cmp.Or(c.Click.Category, 0.10)
	c.Click.Segment = cmp.Or(c.Click.Segment, 0.04)
	c.Click.Other = cmp.Or(c.Click.Other, 0.01)
	c.Click.Lookahead = cmp.Or(c.Click.Lookahead, 24*time.Hour)
	c.Refresh = cmp.Or(c.Refresh, 10*time.Minute)
	c.Buckets = cmp.Or(c.Buckets, 10)
	return c
}

// Validate checks the simulated world's settings and the strategy's (by strategy's own Validate),
// so a bad policy is reported before a dataset is read; the stages' settings are checked by their
// constructors.
func (c Config) Validate() error {
	errs := []error{c.strategy().Validate()}
	for _, p := range []struct {
		name string
		v    float64
	}{{"product", c.Click.Product}, {"category", c.Click.Category}, {"segment", c.Click.Segment}, {"other", c.Click.Other}} {
		if !(p.v > 0 && p.v <= 1) {
			errs = append(errs, fmt.Errorf("click probability %s = %g: want (0, 1]", p.name, p.v))
		}
	}
	for _, arm := range slices.Sorted(maps.Keys(c.Effects)) {
		if e := c.Effects[arm]; !(e > 0) || math.IsInf(e, 0) {
			errs = append(errs, fmt.Errorf("arm effect %s = %g: want a positive multiplier", arm, e))
		}
	}
	if c.Refresh <= 0 || c.Click.Lookahead <= 0 || c.Buckets < 1 {
		errs = append(errs, errors.New("refresh, lookahead and buckets must be positive"))
	}
	return errors.Join(errs...)
}

// strategy is the strategy the simulation runs: the configured one, its hashes salted by the seed
// so seeds draw different assignments, under the bandit unless a policy is named.
func (c Config) strategy() strategy.Config {
	sc := c.Creatives.Strategy
	sc.Salt += "/seed-" + strconv.FormatUint(c.Seed, 10)
	if sc.Policy == "" {
		sc.Policy = strategy.ChooseThompson // the simulator's default
	}
	return sc
}

// effect is arm's click multiplier.
func (c Config) effect(arm string) float64 {
	if e, ok := c.Effects[arm]; ok {
		return e
	}
	return 1
}

// ParseEffects parses "personal=1.5,value=1.2" into per-arm effects.
func ParseEffects(s string) (map[string]float64, error) {
	out := map[string]float64{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		arm, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		arm = strings.TrimSpace(arm)
		if !ok || arm == "" {
			return nil, fmt.Errorf("arm effect %q: want arm=multiplier", part)
		}
		e, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(e > 0) || math.IsInf(e, 0) {
			return nil, fmt.Errorf("arm effect %q: want a positive multiplier", part)
		}
		if _, dup := out[arm]; dup {
			return nil, fmt.Errorf("arm effect for %q given twice", arm)
		}
		out[arm] = e
	}
	return out, nil
}
