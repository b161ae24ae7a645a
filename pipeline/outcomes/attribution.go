package outcomes

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

// touch is an impression or click of an ad, remembered to attribute later orders to it.
type touch struct {
	eventID      string // the impression's or click's ad_events id
	adID         string
	impressionID string // for a click: the impression of the same ad it followed, if seen
	at           time.Time
}

// touches are a shopper's last impression and last click, by event time.
type touches struct {
	view, click touch
}

// attributor credits orders to ads by the first rule: the shopper's last click at most
// ClickWindow before the order, else their last impression at most ViewWindow before it. It
// keeps the latest touch by event time, not by arrival, so replaying inputs rebuilds the same
// state. Shoppers whose touches have all left the windows (measured from the newest event time
// seen) are forgotten. Owned by one processor; not safe for concurrent use.
type attributor struct {
	clickWindow, viewWindow time.Duration
	users                   map[string]*touches
	watermark               time.Time // newest event time seen
	pruneAt                 int       // prune when this many shoppers are tracked
}

const minPruneAt = 1024

func newAttributor(clickWindow, viewWindow time.Duration) *attributor {
	return &attributor{clickWindow: clickWindow, viewWindow: viewWindow,
		users: make(map[string]*touches), pruneAt: minPruneAt}
}

// impression records that user saw an ad.
func (a *attributor) impression(user string, t touch) {
	ts := a.user(user, t.at)
	if ts.view.at.IsZero() || !t.at.Before(ts.view.at) {
		ts.view = t
	}
}

// click records that user clicked an ad, and returns the click with the impression it followed.
func (a *attributor) click(user string, t touch) touch {
	ts := a.user(user, t.at)
	if ts.view.adID == t.adID && !ts.view.at.After(t.at) {
		t.impressionID = ts.view.eventID
	}
	if ts.click.at.IsZero() || !t.at.Before(ts.click.at) {
		ts.click = t
	}
	return t
}

// attribute returns the touch an order user placed at is credited to, and the rule that credited
// it; false means the order is not attributed to any ad.
func (a *attributor) attribute(user string, at time.Time) (touch, string, bool) {
	a.advance(at)
	ts, ok := a.users[user]
	if !ok {
		return touch{}, schemas.AttributionNone, false
	}
	if within(ts.click.at, at, a.clickWindow) {
		return ts.click, schemas.AttributionClick, true
	}
	if within(ts.view.at, at, a.viewWindow) {
		v := ts.view
		v.impressionID = v.eventID
		return v, schemas.AttributionView, true
	}
	return touch{}, schemas.AttributionNone, false
}

// within reports whether a touch at t may be credited with an order at order.
func within(t, order time.Time, window time.Duration) bool {
	return !t.IsZero() && !t.After(order) && order.Sub(t) <= window
}

func (a *attributor) advance(at time.Time) {
	if at.After(a.watermark) {
		a.watermark = at
	}
}

func (a *attributor) user(user string, at time.Time) *touches {
	a.advance(at)
	ts, ok := a.users[user]
	if !ok {
		ts = &touches{}
		a.users[user] = ts
	}
	return ts
}

// prune forgets shoppers with no touch left inside its window, once the map has doubled since
// the last prune, so the cost is amortised over the inserts.
func (a *attributor) prune() {
	if len(a.users) < a.pruneAt {
		return
	}
	for user, ts := range a.users {
		if a.watermark.Sub(ts.click.at) > a.clickWindow && a.watermark.Sub(ts.view.at) > a.viewWindow {
			delete(a.users, user)
		}
	}
	a.pruneAt = max(2*len(a.users), minPruneAt)
}
