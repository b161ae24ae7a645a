package stats

import (
	"errors"
	"fmt"
	"math"
)

// Lift is the effect of treatment over control (the holdout) on a ratio metric.
type Lift struct {
	Treatment Ratio    `json:"treatment"`
	Control   Ratio    `json:"control"`
	Relative  float64  `json:"relative"` // Treatment/Control − 1: +0.25 is 25% more
	SE        float64  `json:"se"`       // standard error of Relative
	LogSE     float64  `json:"log_se"`   // standard error of log(Treatment/Control)
	CI        Interval `json:"ci"`       // of Relative
	Diff      float64  `json:"diff"`     // Treatment − Control
	DiffSE    float64  `json:"diff_se"`
}

// ErrZeroControl is returned when the control's rate is zero: a relative lift is undefined.
var ErrZeroControl = errors.New("control rate is zero")

// RelativeLift returns the relative lift of treatment over control with a delta-method interval
// (Deng, Knoblich & Lu 2018, section 3.3, "percent change"), where each group's variance comes
// from RatioOf over its units, so the interval accounts for shoppers who see many ads. For
// independent groups the delta method gives
//
//	Var(Rt/Rc − 1) ≈ Var(Rt)/Rc² + Rt²·Var(Rc)/Rc⁴            (SE)
//	Var(log(Rt/Rc)) ≈ Var(Rt)/Rt² + Var(Rc)/Rc²              (LogSE)
//
// The interval is taken on the log scale and mapped back, exp(log(Rt/Rc) ± z·LogSE) − 1, so it is
// asymmetric like the ratio itself and never claims a lift below −100% (the log-ratio form of the
// relative-risk interval, Katz et al. 1978); with no treatment successes the log is undefined and
// the interval is the symmetric one, Relative ± z·SE, cut at −100%, the least a lift can be.
func RelativeLift(treatment, control Ratio, confidence float64) (Lift, error) {
	if err := checkConfidence(confidence); err != nil {
		return Lift{}, err
	}
	l := Lift{Treatment: treatment, Control: control, Diff: treatment.Value - control.Value,
		DiffSE: math.Sqrt(treatment.Variance + control.Variance)}
	if control.Value == 0 {
		return l, fmt.Errorf("relative lift: %w", ErrZeroControl)
	}
	rt, rc := treatment.Value, control.Value
	l.Relative = rt/rc - 1
	l.SE = math.Sqrt(treatment.Variance/(rc*rc) + rt*rt*control.Variance/(rc*rc*rc*rc))
	z := Z(confidence)
	if rt <= 0 {
		l.CI = Interval{Lo: math.Max(-1, l.Relative-z*l.SE), Hi: l.Relative + z*l.SE}
		return l, nil
	}
	l.LogSE = math.Sqrt(treatment.Variance/(rt*rt) + control.Variance/(rc*rc))
	lr := math.Log(rt / rc)
	l.CI = Interval{Lo: math.Exp(lr-z*l.LogSE) - 1, Hi: math.Exp(lr+z*l.LogSE) - 1}
	return l, nil
}
