package features

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

// detector decides after each interest event whether a profile shifted. At most one rule fires per
// event, in this order:
//
//   - first_profile: the shopper reached minEvents interest events. No other rule fires before it:
//     a handful of events is not yet a profile.
//   - intent_escalation: a cart add into a leaf category the shopper never carted before. It
//     ignores the cooldown, because a cart is the moment an ad matters most.
//   - new_interest: the cosine distance between the leaf-category mix now and at the last shift
//     exceeds threshold, and at least cooldown of event time passed since the last shift.
//
// Time is the profile's event time (its latest event), so an event arriving out of order cannot
// move the cooldown backwards.
type detector struct {
	minEvents int
	threshold float64
	cooldown  time.Duration
	leaves    []weight // scratch, reused between events
}

// detect returns the reason p shifted with the event just applied, or "", and the distance of its
// category mix from the one at the last shift. newCart reports a cart add into a new category.
func (d *detector) detect(p *profile, newCart bool) (reason string, distance float64) {
	switch {
	case p.version == 0:
		if p.events < d.minEvents {
			return "", 0
		}
		reason = schemas.ReasonFirstProfile
	case newCart:
		reason = schemas.ReasonIntentEscalation
	case p.last.Sub(p.shiftAt) < d.cooldown:
		return "", 0
	}
	d.leaves = p.leaves(d.leaves[:0])
	distance = cosineDistance(d.leaves, p.atShift)
	if reason == "" {
		if distance <= d.threshold {
			return "", distance
		}
		reason = schemas.ReasonNewInterest
	}
	return reason, distance
}

// shift marks p as shifted now, for reason at distance, and returns the shift to publish.
// It must follow the detect call that returned reason, whose leaf vector it keeps.
func (d *detector) shift(user string, p *profile, reason string, distance float64, topK int) schemas.Shift {
	p.version++
	p.shiftAt = p.last
	p.atShift = normalize(append(p.atShift[:0], d.leaves...))
	return schemas.Shift{
		User:           user,
		ProfileVersion: p.version,
		EventTime:      p.last.UTC(),
		Reason:         reason,
		Distance:       distance,
		Summary:        p.summary(topK),
	}
}
