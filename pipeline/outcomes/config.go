package outcomes

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"time"
)

// Config configures the outcomes stage. Zero fields take the defaults in their comments. The
// topics it reads (ads, clickstream, dlq) are pipeline.Topics, given to New beside it.
type Config struct {
	ClickWindow time.Duration `mapstructure:"click_window"` // an order is credited to a click this recent; default 7 days
	ViewWindow  time.Duration `mapstructure:"view_window"`  // else to an impression this recent; default 1 day
	// ViewScope is what an impression must share with an order to be credited by view-through:
	// ScopeProduct (default), ScopeCategory or ScopeAny.
	ViewScope string `mapstructure:"view_scope"`
	// Lateness is how long, in event time, an order waits for touches that arrive late before it
	// is attributed; default 1h. Their offsets are not committed meanwhile. A negative value
	// attributes every order on arrival, to the touches read before it.
	Lateness time.Duration `mapstructure:"lateness"`
	// FutureSkew is how far past the wall clock a promotion or order may be dated: a later one
	// is ignored (the features stage dead-letters it as timestamp_out_of_range), so one client
	// with a wrong clock cannot move the partition's event time years ahead. Default 1h.
	FutureSkew time.Duration `mapstructure:"future_skew"`
	PayloadMax int           `mapstructure:"payload_max"` // bytes of a dead letter's payload kept; default 4096

	// How `adshift report` evaluates the outcomes.
	Confidence      float64       `mapstructure:"confidence"`         // of every interval; default 0.95
	MSPRTTau        float64       `mapstructure:"msprt_tau"`          // mSPRT mixing sd on log(lift); 0 = from planned_shoppers
	PlannedShoppers int           `mapstructure:"planned_shoppers"`   // shoppers the experiment plans to reach; default 10000
	CostPer1kTokens float64       `mapstructure:"cost_per_1k_tokens"` // model price per 1,000 tokens; 0 = no price known
	CostCurrency    string        `mapstructure:"cost_currency"`      // currency of that price; default USD
	TargetLift      float64       `mapstructure:"target_lift"`        // lift whose time to detect is reported; default 0.1
	LookEvery       time.Duration `mapstructure:"look_every"`         // the always-valid tests' look grid; default 1h
}

// DefaultConfig returns the defaults, spelled out.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	c.ClickWindow = cmp.Or(c.ClickWindow, 7*24*time.Hour)
	c.ViewWindow = cmp.Or(c.ViewWindow, 24*time.Hour)
	c.ViewScope = cmp.Or(c.ViewScope, ScopeProduct)
	c.Lateness = cmp.Or(c.Lateness, time.Hour)
	c.FutureSkew = cmp.Or(c.FutureSkew, time.Hour)
	c.PayloadMax = cmp.Or(c.PayloadMax, 4096)
	c.Confidence = cmp.Or(c.Confidence, 0.95)
	c.PlannedShoppers = cmp.Or(c.PlannedShoppers, 10000)
	c.CostCurrency = cmp.Or(c.CostCurrency, "USD")
	c.TargetLift = cmp.Or(c.TargetLift, 0.1)
	c.LookEvery = cmp.Or(c.LookEvery, time.Hour)
	return c
}

// Validate reports a configuration that cannot work, naming the key.
func (c Config) Validate() error {
	var errs []error
	switch {
	case c.ClickWindow < 0:
		errs = append(errs, fmt.Errorf("click_window: %v must not be negative", c.ClickWindow))
	case c.ViewWindow < 0:
		errs = append(errs, fmt.Errorf("view_window: %v must not be negative", c.ViewWindow))
	case c.FutureSkew < 0:
		errs = append(errs, fmt.Errorf("future_skew: %v must not be negative", c.FutureSkew))
	}
	if s := c.ViewScope; s != "" && s != ScopeProduct && s != ScopeCategory && s != ScopeAny {
		errs = append(errs, fmt.Errorf("view_scope: %q is not one of %s, %s, %s", s, ScopeProduct, ScopeCategory, ScopeAny))
	}
	if c.PayloadMax < 0 {
		errs = append(errs, fmt.Errorf("payload_max: %d must not be negative", c.PayloadMax))
	}
	if !(c.Confidence >= 0 && c.Confidence < 1) { // 0 takes the default; NaN is refused
		errs = append(errs, fmt.Errorf("confidence: %v is out of range: allowed (0, 1), e.g. 0.95", c.Confidence))
	}
	if !(c.MSPRTTau >= 0) || math.IsInf(c.MSPRTTau, 1) {
		errs = append(errs, fmt.Errorf("msprt_tau: %v must be a finite number, not negative (0 derives it from planned_shoppers)", c.MSPRTTau))
	}
	if c.PlannedShoppers < 0 {
		errs = append(errs, fmt.Errorf("planned_shoppers: %d must be positive", c.PlannedShoppers))
	}
	if c.LookEvery < 0 || c.LookEvery%time.Second != 0 {
		errs = append(errs, fmt.Errorf("look_every: %v must be a positive whole number of seconds, e.g. 1h", c.LookEvery))
	}
	if !(c.TargetLift >= 0) || math.IsInf(c.TargetLift, 1) {
		errs = append(errs, fmt.Errorf("target_lift: %v must be a finite positive number, e.g. 0.1 for +10%%", c.TargetLift))
	}
	if !(c.CostPer1kTokens >= 0) || math.IsInf(c.CostPer1kTokens, 1) {
		errs = append(errs, fmt.Errorf("cost_per_1k_tokens: %v must be a finite number, not negative", c.CostPer1kTokens))
	}
	return errors.Join(errs...)
}
