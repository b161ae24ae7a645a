package features

import (
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// kind is what one Segment event name means to a profile.
type kind struct {
	weight  float64 // interest added, before decay
	stage   intent  // the funnel stage the event shows
	retract bool    // the event takes back the interest weight added: a refund
}

// interestKinds maps the events that move interest to their kind, with weights from w.
func interestKinds(w Weights) map[string]kind {
	return map[string]kind{
		schemas.ProductViewed:        {w.View, browse, false},
		schemas.ProductListViewed:    {w.ListView, browse, false},
		schemas.ProductsSearched:     {w.Search, browse, false},
		schemas.ProductClicked:       {w.Click, consider, false},
		schemas.ProductAddedWishlist: {w.Wishlist, consider, false},
		schemas.ProductAdded:         {w.Add, cart, false},
		schemas.CheckoutStarted:      {w.Checkout, cart, false},
		schemas.OrderCompleted:       {w.Order, purchase, false},
		// A refund takes back what its order added, and shows no intent: it never escalates.
		schemas.OrderRefunded: {w.Order, browse, true},
	}
}

// isOutcome reports the events that only record what an ad did; the outcomes stage reads them.
func isOutcome(name string) bool {
	return name == schemas.PromotionViewed || name == schemas.PromotionClicked
}

// Why an event was skipped, as counted in adshift_features_skipped_total{reason}.
const (
	skipNotTrack = "not_track"     // identify, page, screen … calls carry no e-commerce event
	skipUnknown  = "unknown_event" // a track call whose name adshift does not read
	skipOutcome  = "outcome_event" // Promotion Viewed / Clicked: an ad outcome, not an interest
	skipDup      = "duplicate"     // a messageId the shopper's profile saw recently
	// skipForgotten: the shopper was forgotten (a deletion request); skipConsent: the event's
	// consent preferences refuse advertising. Neither builds a profile.
	skipForgotten = "forgotten"
	skipConsent   = "consent_refused"
)

// Interest tells the events that move a shopper's interest from the others, by the stage's own
// list of interest events. Offline tools (adshift train, profile-eval's model) read events
// through it, so a model learns from the kinds of event the stage profiles (it does not drop
// repeats or dead letters as the stage does).
type Interest struct {
	kinds  map[string]kind
	groups *interest.Groups
}

// NewInterest returns the stage's reading of interest events.
func NewInterest() Interest { return Interest{kinds: interestKinds(Weights{})} }

// WithGroups is in reading products without a category as their interest group in g, as the
// stage with a model of g does (FillGroups).
func (in Interest) WithGroups(g *interest.Groups) Interest {
	in.groups = g
	return in
}

// Categories calls fn for each distinct category an interest event ev moves its shopper's
// interest in (EventCategories), after FillGroups: what the stage's model observes. A refund
// moves none: it takes interest back.
func (in Interest) Categories(ev *schemas.Event, fn func(category string)) {
	if ev.Type != schemas.TypeTrack {
		return
	}
	if k, ok := in.kinds[ev.Event]; !ok || k.retract {
		return
	}
	FillGroups(ev, in.groups)
	EventCategories(ev, fn)
}

// Category is the category ev moves its shopper's interest in: that of a track call of an
// interest event that names one, else "".
func (in Interest) Category(ev *schemas.Event) string {
	if ev.Type != schemas.TypeTrack {
		return ""
	}
	if k, ok := in.kinds[ev.Event]; !ok || k.retract {
		return ""
	}
	return EventCategory(ev)
}
