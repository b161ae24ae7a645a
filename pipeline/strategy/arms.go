package strategy

import "slices"

// Arms are the creative styles a strategy chooses between. ArmBaseline is the holdout's
// non-personalised copy, never an arm of the experiment.
const (
	ArmValue    = "value"
	ArmQuality  = "quality"
	ArmTrend    = "trend"
	ArmUrgency  = "urgency"
	ArmPersonal = "personal"
	ArmBaseline = "baseline"
)

// defaultArms are the arms of the experiment when none are configured.
var defaultArms = []string{ArmValue, ArmQuality, ArmTrend, ArmUrgency, ArmPersonal}

// Styles are every style a creative is written in: the default arms, then the holdout's
// baseline. A prompt set holds a template for each.
func Styles() []string { return append(slices.Clone(defaultArms), ArmBaseline) }
