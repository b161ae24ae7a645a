package evaluation

import (
	"math"
	"time"

	"github.com/adshift/adshift/pipeline/stats"
)

// Power is what the traffic so far can detect on a relative lift, and how long a given lift
// would take to detect at the current rate of new shoppers.
type Power struct {
	// MDE is the smallest relative lift a fixed-horizon test at this sample detects with 80%
	// power; AlwaysValidMDE the same for the always-valid test (its interval is wider).
	MDE            float64 `json:"mde"`
	AlwaysValidMDE float64 `json:"always_valid_mde"`
	Shoppers       int     `json:"shoppers"`         // in both groups so far
	ShoppersPerDay float64 `json:"shoppers_per_day"` // the rate they arrived at
	TargetLift     float64 `json:"target_lift"`      // Options.TargetLift
	ShoppersNeeded float64 `json:"shoppers_needed"`  // for the always-valid test to detect it with 80% power
	TimeToDetect   float64 `json:"time_to_detect_h"` // hours more at the current rate; 0 when already enough, -1 unknown
	FixedShoppers  float64 `json:"fixed_shoppers"`   // the same for a fixed-horizon test
	FixedTime      float64 `json:"fixed_time_h"`     // hours more for it
}

// powerOf is the power at the last observation ob, whose log-ratio variance is v, tested at
// level alpha with mixing variance tau2; first is the first look's hour.
func powerOf(ob observation, v, tau2, alpha float64, first time.Time, step time.Duration, o Options) *Power {
	se := math.Sqrt(v)
	zb := stats.ZPower(stats.Power)
	p := &Power{MDE: math.Expm1(stats.MinimumDetectable(se, alpha, stats.Power)),
		AlwaysValidMDE: math.Expm1(stats.MixtureRadius(v, tau2, alpha) + zb*se),
		Shoppers:       ob.shoppers, TargetLift: o.TargetLift, TimeToDetect: -1, FixedTime: -1}
	hours := ob.at.Add(step).Sub(first).Hours()
	if hours > 0 {
		p.ShoppersPerDay = float64(ob.shoppers) / hours * 24
	}
	if !(o.TargetLift > 0) {
		return p
	}
	effect := math.Log1p(o.TargetLift)
	n := float64(ob.shoppers)
	// Variance falls as 1/N: V_N = v·n/N. Fixed horizon: MDE(V_N) = effect in closed form.
	ratio := stats.MinimumDetectable(se, alpha, stats.Power) / effect
	p.FixedShoppers = n * ratio * ratio
	// Always valid: radius(V_N) + z_b·√V_N falls in N; find where it reaches effect.
	detects := func(N float64) bool {
		vn := v * n / N
		return stats.MixtureRadius(vn, tau2, alpha)+zb*math.Sqrt(vn) <= effect
	}
	lo, hi := 1.0, n
	for !detects(hi) && hi < 1e12 {
		lo, hi = hi, hi*2
	}
	for range 60 {
		mid := (lo + hi) / 2
		if detects(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	p.ShoppersNeeded = hi
	if p.ShoppersPerDay > 0 {
		p.TimeToDetect = math.Max(0, p.ShoppersNeeded-n) / p.ShoppersPerDay * 24
		p.FixedTime = math.Max(0, p.FixedShoppers-n) / p.ShoppersPerDay * 24
	}
	return p
}
