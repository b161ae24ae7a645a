package stats

import (
	"fmt"
	"math"
)

// Interval is a two-sided confidence interval.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Contains reports whether x lies in the closed interval.
func (i Interval) Contains(x float64) bool { return i.Lo <= x && x <= i.Hi }

// String formats the interval as "[lo, hi]".
func (i Interval) String() string { return fmt.Sprintf("[%g, %g]", i.Lo, i.Hi) }

// Z is the two-sided standard normal quantile of a confidence level: Z(0.95) = 1.959964…. It
// returns NaN outside (0, 1).
func Z(confidence float64) float64 {
	if !(confidence > 0 && confidence < 1) {
		return math.NaN()
	}
	// Φ⁻¹((1+c)/2) = √2 · erf⁻¹(c).
	return math.Sqrt2 * math.Erfinv(confidence)
}

// ErrConfidence is returned when a confidence level is not in (0, 1).
var ErrConfidence = fmt.Errorf("confidence level must be in (0, 1)")

func checkConfidence(c float64) error {
	if !(c > 0 && c < 1) {
		return fmt.Errorf("%w: got %v", ErrConfidence, c)
	}
	return nil
}
