package outcomes

import (
	"math"
	"strings"
	"testing"
	"time"
)

// The defaults the README and adshift.example.yaml promise.
func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if c.ClickWindow != 7*24*time.Hour || c.ViewWindow != 24*time.Hour || c.Lateness != time.Hour ||
		c.FutureSkew != time.Hour || c.Confidence != 0.95 || c.ViewScope != ScopeProduct {
		t.Errorf("defaults %+v, want a 7-day click window, 1-day view window, 1h lateness and skew, 95%% confidence, product scope", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

// Every setting that would make a statistic of the report NaN or infinite is refused, naming
// its key: a confidence outside (0, 1) (0 itself takes the default), NaN or infinite prices,
// mixing variances and target lifts.
func TestValidateRefusesSettingsThatBreakTheReport(t *testing.T) {
	f := func(key string, c Config) {
		t.Helper()
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%+v: error %v, want one naming %s", c, err, key)
		}
	}
	for _, v := range []float64{1, 1.5, -0.1, math.NaN()} {
		f("confidence", Config{Confidence: v})
	}
	for _, v := range []float64{-1, math.NaN(), math.Inf(1)} {
		f("msprt_tau", Config{MSPRTTau: v})
		f("target_lift", Config{TargetLift: v})
		f("cost_per_1k_tokens", Config{CostPer1kTokens: v})
	}
	f("planned_shoppers", Config{PlannedShoppers: -1})
	f("look_every", Config{LookEvery: 1500 * time.Millisecond})
	f("look_every", Config{LookEvery: -time.Hour})
	for _, c := range []Config{{Confidence: 0.5}, {Confidence: 0.999}, {MSPRTTau: 0.2, TargetLift: 0.05, CostPer1kTokens: 0.002}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// With the default windows, a view exactly a day before an order earns it, a second more does
// not; a click exactly 7 days before does, a second more does not.
func TestDefaultWindowsAtTheirEdges(t *testing.T) {
	c := DefaultConfig()
	f := func(kind string, ago time.Duration, want bool) {
		t.Helper()
		a := newAttributor(Config{}, nil)
		tc := touch{eventID: "i1", adID: "a1", productID: "p1", at: t0}
		a.impression("u", tc)
		if kind == "click" {
			a.click("u", touch{eventID: "c1", adID: "a1", productID: "p1", at: t0})
		}
		_, _, ok := a.attribute("u", orderOf(t0.Add(ago), "p1"))
		if ok != want {
			t.Errorf("%s %v before the order: credited %v, want %v", kind, ago, ok, want)
		}
	}
	f("view", c.ViewWindow, true)
	f("view", c.ViewWindow+time.Second, false)
	f("click", c.ClickWindow, true)
	f("click", c.ClickWindow+time.Second, false)
}
