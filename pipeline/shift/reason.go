package shift

import "github.com/adshift/adshift/schemas"

// Reason says why a profile shifted.
type Reason uint8

// Reasons, in the order the rules are tried.
const (
	None             Reason = iota
	FirstProfile            // the shopper reached the minimum number of interest events
	IntentEscalation        // first cart add into a category
	NewInterest             // the short-horizon mix moved away from the mix at the last shift
	Identified              // an anonymous profile was merged in: the shopper is known now
)

var reasonNames = [...]string{
	None:             "",
	FirstProfile:     schemas.ReasonFirstProfile,
	IntentEscalation: schemas.ReasonIntentEscalation,
	NewInterest:      schemas.ReasonNewInterest,
	Identified:       schemas.ReasonIdentified,
}

// String returns the reason as published on adshift.shifts; None is "".
func (r Reason) String() string { return reasonNames[r] }
