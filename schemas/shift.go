package schemas

import (
	"errors"
	"strconv"
	"time"
)

// Shift reasons.
const (
	ReasonFirstProfile     = "first_profile"
	ReasonNewInterest      = "new_interest"
	ReasonIntentEscalation = "intent_escalation"
	// ReasonIdentified: an anonymous shopper's profile was merged into a known user's.
	ReasonIdentified = "identified"
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
	// InterestModel is the version of the interest model that predicted the shopper's interest,
	// empty when the profile alone did.
	InterestModel string `json:"interest_model,omitempty"`
	// Predicted is what the interest model expects the shopper to engage with next: categories
	// with the model's probability, best first. Empty without a model.
	Predicted []Weighted `json:"predicted,omitempty"`
	// Events is how many interest events the shopper's profile had taken in when it shifted: the
	// engagement before any ad made for this shift, which the report's variance reduction uses.
	Events uint64 `json:"events,omitempty"`
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
	case !knownReason(s.Reason):
		return Shift{}, Failf(SchemaViolation, "reason", "unknown reason %q", clip(s.Reason))
	case s.Distance < 0:
		return Shift{}, Failf(SchemaViolation, "distance", "must be non-negative, got %g", s.Distance)
	}
	return s, nil
}

// AppendShift appends sh as encoding/json marshals it, byte for byte, without reflection or
// allocation: a shift is written for every few events, and json.Marshal cost more than the
// profile update that caused it. DecodeShift reads it back.
func AppendShift(b []byte, sh *Shift) ([]byte, error) {
	if !finite(sh.Distance) {
		return b, errors.New("json: unsupported value: distance " + strconv.FormatFloat(sh.Distance, 'g', -1, 64))
	}
	if y := sh.EventTime.Year(); y < 0 || y > 9999 {
		return b, errors.New("json: event_time year outside of range [0,9999]")
	}
	s := &sh.Summary
	b = append(b, `{"user":`...)
	b = appendJSONString(b, sh.User)
	b = append(b, `,"profile_version":`...)
	b = strconv.AppendUint(b, sh.ProfileVersion, 10)
	b = append(b, `,"event_time":"`...)
	b = sh.EventTime.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","reason":`...)
	b = appendJSONString(b, sh.Reason)
	b = append(b, `,"distance":`...)
	b = appendJSONFloat(b, sh.Distance)
	b = append(b, `,"summary":{"categories":`...)
	b = appendWeighted(b, s.Categories)
	b = append(b, `,"brands":`...)
	b = appendWeighted(b, s.Brands)
	b = append(b, `,"price_band":{"min":`...)
	b = appendJSONFloat(b, s.PriceBand.Min)
	b = append(b, `,"max":`...)
	b = appendJSONFloat(b, s.PriceBand.Max)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, s.PriceBand.Currency)
	b = append(b, `},"intent_stage":`...)
	b = appendJSONString(b, s.IntentStage)
	b = append(b, `,"locale":`...)
	b = appendJSONString(b, s.Locale)
	if len(s.Purchased) > 0 {
		b = append(b, `,"purchased":[`...)
		for i, p := range s.Purchased {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, p)
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if sh.InterestModel != "" {
		b = append(b, `,"interest_model":`...)
		b = appendJSONString(b, sh.InterestModel)
	}
	if len(sh.Predicted) > 0 {
		b = append(b, `,"predicted":`...)
		b = appendWeighted(b, sh.Predicted)
	}
	if sh.Events > 0 {
		b = append(b, `,"events":`...)
		b = strconv.AppendUint(b, sh.Events, 10)
	}
	if !finite(s.PriceBand.Min) || !finite(s.PriceBand.Max) {
		return b, errors.New("json: unsupported value: price band")
	}
	for _, w := range [][]Weighted{s.Categories, s.Brands, sh.Predicted} {
		for _, e := range w {
			if !finite(e.Weight) {
				return b, errors.New("json: unsupported value: weight")
			}
		}
	}
	return append(b, '}'), nil
}

// appendWeighted appends ws as a JSON array, or null when it is empty: a summary's lists are
// nil when empty, and reused arrays must read the same.
func appendWeighted(b []byte, ws []Weighted) []byte {
	if len(ws) == 0 {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, w := range ws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendJSONString(b, w.Name)
		b = append(b, `,"weight":`...)
		b = appendJSONFloat(b, w.Weight)
		b = append(b, '}')
	}
	return append(b, ']')
}

// knownReason reports whether r is one of the shift reasons.
func knownReason(r string) bool {
	switch r {
	case ReasonFirstProfile, ReasonNewInterest, ReasonIntentEscalation, ReasonIdentified:
		return true
	}
	return false
}
