package stats

import (
	"errors"
	"fmt"
	"math"
)

// Unit is one randomisation unit's totals of a ratio metric: for CTR a shopper's clicks (Num)
// and impressions (Den). Shoppers, not impressions, are what the holdout assigns, so their
// impressions are not independent and a rate's variance must be computed over units.
type Unit struct {
	Num float64 `json:"num"`
	Den float64 `json:"den"`
}

// Ratio is a ratio-of-sums metric over units, Σ Num / Σ Den, with its delta-method variance.
type Ratio struct {
	Value    float64 `json:"value"`
	Variance float64 `json:"variance"`
	Units    int     `json:"units"`
	Num      float64 `json:"num"`
	Den      float64 `json:"den"`
}

// SE is the standard error of the ratio.
func (r Ratio) SE() float64 { return math.Sqrt(r.Variance) }

// ErrTooFewUnits is returned when a metric has fewer than two units or no denominator: its
// variance is unknown.
var ErrTooFewUnits = errors.New("too few units for a variance")

// RatioOf returns Σ Num / Σ Den over units with the delta-method variance of Deng, Knoblich & Lu
// (2018, "Applying the Delta Method in Metric Analytics: A Practical Guide with Novel Ideas", KDD,
// section 3.1): with unit means μx (Den) and μy (Num), their variances σx², σy² and covariance
// σxy,
//
//	Var(Ȳ/X̄) ≈ (σy²/μx² − 2·μy·σxy/μx³ + μy²·σx²/μx⁴) / n.
//
// Moments are the plug-in (divide by n) ones, so when every unit has one impression the variance
// is exactly the binomial p(1−p)/n.
func RatioOf(units []Unit) (Ratio, error) {
	n := float64(len(units))
	var sx, sy float64
	for _, u := range units {
		sx += u.Den
		sy += u.Num
	}
	r := Ratio{Units: len(units), Num: sy, Den: sx}
	if len(units) < 2 || sx <= 0 {
		return r, fmt.Errorf("ratio over %d units with denominator %v: %w", len(units), sx, ErrTooFewUnits)
	}
	mx, my := sx/n, sy/n
	var vx, vy, cxy float64
	for _, u := range units {
		dx, dy := u.Den-mx, u.Num-my
		vx += dx * dx
		vy += dy * dy
		cxy += dx * dy
	}
	vx, vy, cxy = vx/n, vy/n, cxy/n
	r.Value = my / mx
	r.Variance = math.Max(0, (vy/(mx*mx)-2*my*cxy/(mx*mx*mx)+my*my*vx/(mx*mx*mx*mx))/n)
	return r, nil
}
