package features

import (
	"math"
	"time"
)

// decay returns the share of its weight an interest keeps after age of event time: one half per
// half-life. A negative age (an event newer than the reference) gives a factor above 1.
func decay(age, halfLife time.Duration) float64 {
	return math.Exp2(-float64(age) / float64(halfLife))
}
