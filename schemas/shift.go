package schemas

import "time"

// Shift reasons.
const (
	ReasonFirstProfile     = "first_profile"
	ReasonNewInterest      = "new_interest"
	ReasonIntentEscalation = "intent_escalation"
)

// Shift is published on adshift.shifts (key = user) when a shopper's interest profile moved. It
// carries the summary a writer needs and nothing else: no raw history, no personal data beyond the
// user key.
type Shift struct {
	User           string    `json:"user"`
	ProfileVersion uint64    `json:"profile_version"`
	EventTime      time.Time `json:"event_time"`
	Reason         string    `json:"reason"`
	Distance       float64   `json:"distance"`
	Summary        Summary   `json:"summary"`
}

// Summary is the profile as a creative writer sees it.
type Summary struct {
	Categories  []Weighted `json:"categories"`
	Brands      []Weighted `json:"brands"`
	PriceBand   PriceBand  `json:"price_band"`
	IntentStage string     `json:"intent_stage"` // browse, consider, cart, purchase
	Locale      string     `json:"locale"`
	// Purchased lists product ids bought recently, so they are not advertised again.
	Purchased []string `json:"purchased,omitempty"`
}

// Weighted is a name with its decayed weight, heaviest first in a Summary.
type Weighted struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

// PriceBand is the price range a shopper looks at, in Currency.
type PriceBand struct {
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Currency string  `json:"currency"`
}

// DecodeShift decodes and checks a record of adshift.shifts. Every rejection is a *Failure.
func DecodeShift(data []byte) (Shift, error) {
	var s Shift
	if f := decodeRecord(data, &s); f != nil {
		return Shift{}, f
	}
	switch {
	case s.User == "":
		return Shift{}, Failf(SchemaViolation, "user", "missing")
	case s.EventTime.IsZero():
		return Shift{}, Failf(SchemaViolation, "event_time", "missing")
	case s.Reason != ReasonFirstProfile && s.Reason != ReasonNewInterest && s.Reason != ReasonIntentEscalation:
		return Shift{}, Failf(SchemaViolation, "reason", "unknown reason %q", clip(s.Reason))
	case s.Distance < 0:
		return Shift{}, Failf(SchemaViolation, "distance", "must be non-negative, got %g", s.Distance)
	}
	return s, nil
}
