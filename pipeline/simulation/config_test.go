package simulation

import (
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/strategy"
)

func TestDefaultConfigIsTheDocumentedOne(t *testing.T) {
	c := DefaultConfig()
	if c.Click != (ClickModel{Product: 0.25, Category: 0.10, Segment: 0.04, Other: 0.01, Lookahead: 24 * time.Hour}) ||
		c.Refresh != 10*time.Minute || c.Buckets != 10 || c.Creatives.Strategy.Policy != strategy.ChooseThompson {
		t.Errorf("defaults %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults are refused: %v", err)
	}
	// Without a policy the simulation runs the bandit.
	c.Creatives.Strategy.Policy = ""
	if got := c.strategy().Policy; got != strategy.ChooseThompson {
		t.Errorf("policy %q without one configured", got)
	}
}

func TestValidateBothSidesOfEveryRange(t *testing.T) {
	f := func(change func(*Config), want string) {
		t.Helper()
		c := DefaultConfig()
		change(&c)
		err := c.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("refused: %v", err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("error %v, want one with %q", err, want)
		}
	}
	f(func(c *Config) { c.Click.Product = 1 }, "")
	f(func(c *Config) { c.Click.Product = 1.01 }, "click probability product = 1.01: want (0, 1]")
	f(func(c *Config) { c.Click.Other = -0.01 }, "click probability other = -0.01")
	f(func(c *Config) { c.Effects = map[string]float64{"personal": 0.001} }, "")
	f(func(c *Config) { c.Effects = map[string]float64{"personal": 0} }, "arm effect personal = 0: want a positive multiplier")
	f(func(c *Config) { c.Buckets = 1 }, "")
	f(func(c *Config) { c.Buckets = 0 }, "refresh, lookahead and buckets must be positive")
	f(func(c *Config) { c.Refresh = time.Nanosecond }, "")
	f(func(c *Config) { c.Refresh = 0 }, "refresh, lookahead and buckets must be positive")
	f(func(c *Config) { c.Click.Lookahead = -time.Second }, "refresh, lookahead and buckets must be positive")
}

func TestParseEffectsOfNothing(t *testing.T) {
	for _, s := range []string{"", "  "} {
		if got, err := ParseEffects(s); err != nil || got == nil || len(got) != 0 {
			t.Errorf("ParseEffects(%q) = %v, %v; want no effects", s, got, err)
		}
	}
	got, err := ParseEffects("quality=2")
	if err != nil || got["quality"] != 2 {
		t.Errorf("ParseEffects = %v, %v", got, err)
	}
}

// Not tested, as no behaviour changes: Validate's math.IsInf(e, 0) refusing only +Inf instead
// (−Inf already fails e > 0); the text tables' tabwriter minwidth of 0 against 1 (every cell is
// padded by 2); and the delivery's draw >= rate against > (a draw equal to the rate has
// probability 0).
