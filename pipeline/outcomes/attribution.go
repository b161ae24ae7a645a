package outcomes

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

// touch is an impression or click of an ad, remembered to attribute later orders to it.
type touch struct {
	eventID      string // the impression's or click's ad_events id
	adID         string
	productID    string // the advertised product, as the delivery system's event named it
	impressionID string // for a click: the impression of the same ad it followed, if seen
	at           time.Time
}

// later reports whether t replaces cur as the latest touch: ties go to the one read last, so
// the rule depends only on partition order.
func (t touch) later(cur touch) bool { return cur.at.IsZero() || !t.at.Before(cur.at) }

// touches are what one shopper did with ads, by event time.
type touches struct {
	view   touch            // the last impression of any ad
	shown  map[string]touch // the last impression of each ad, to pair its clicks with
	clicks map[string]touch // the last click advertising each product, to credit orders of it
}

// clickKind says what a click could be paired with.
type clickKind int

const (
	clickPaired       clickKind = iota // followed an impression of its ad: may earn credit
	clickNoImpression                  // no impression of its ad seen: counted, never credited
	clickNoProduct                     // names no product, so no order can be matched to it
)

// attributor credits orders to ads by the first rule that applies: the shopper's last click on an
// advertised product the order contains, at most ClickWindow before the order, else their last
// impression of any ad at most ViewWindow before it. It keeps the latest touches by event time,
// not arrival, so replaying inputs rebuilds the same state. Clicks credit products because an ad
// advertises one product and an order of something else is not the ad's doing; a click without
// an impression of its ad is not credited (a bot, a stale link, or an impression never reported).
// Shoppers whose touches have all left the windows (measured from the newest event time seen) are
// forgotten. Owned by one processor; not safe for concurrent use.
type attributor struct {
	clickWindow, viewWindow time.Duration
	users                   map[string]*touches
	orders                  map[string]time.Time // order ids attributed, kept for the click window
	watermark               time.Time            // newest event time seen
	pruneAt                 int                  // prune when this many shoppers are tracked
}

const minPruneAt = 1024

func newAttributor(clickWindow, viewWindow time.Duration) *attributor {
	return &attributor{clickWindow: clickWindow, viewWindow: viewWindow,
		users: make(map[string]*touches), orders: make(map[string]time.Time), pruneAt: minPruneAt}
}

// seenOrder reports whether order was seen before, and remembers it.
func (a *attributor) seenOrder(order string, at time.Time) bool {
	if _, ok := a.orders[order]; ok {
		return true
	}
	a.orders[order] = at
	return false
}

// impression records that user saw an ad.
func (a *attributor) impression(user string, t touch) {
	ts := a.user(user, t.at)
	if t.later(ts.view) {
		ts.view = t
	}
	if t.later(ts.shown[t.adID]) {
		ts.shown[t.adID] = t
	}
}

// click records that user clicked an ad, and returns the click with the impression it followed
// and what it could be paired with. Only a paired click that names its product may later be
// credited with an order.
func (a *attributor) click(user string, t touch) (touch, clickKind) {
	ts := a.user(user, t.at)
	imp, ok := ts.shown[t.adID]
	if !ok || imp.at.After(t.at) {
		return t, clickNoImpression
	}
	t.impressionID = imp.eventID
	if t.productID == "" {
		return t, clickNoProduct
	}
	if t.later(ts.clicks[t.productID]) {
		ts.clicks[t.productID] = t
	}
	return t, clickPaired
}

// attribute returns the touch an order of products user placed at is credited to, and the rule
// that credited it; false means the order is not attributed to any ad.
func (a *attributor) attribute(user string, at time.Time, products []string) (touch, string, bool) {
	a.advance(at)
	ts, ok := a.users[user]
	if !ok {
		return touch{}, schemas.AttributionNone, false
	}
	var best touch
	for _, p := range products {
		c, ok := ts.clicks[p]
		if ok && within(c.at, at, a.clickWindow) && (best.at.IsZero() || c.at.After(best.at)) {
			best = c
		}
	}
	if !best.at.IsZero() {
		return best, schemas.AttributionClick, true
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
		ts = &touches{shown: make(map[string]touch), clicks: make(map[string]touch)}
		a.users[user] = ts
	}
	return ts
}

// prune forgets touches that no order can be credited to any more (impressions are kept as long
// as a click could still pair with them: the click window), and shoppers left with none, once
// the map has doubled since the last prune, so the cost is amortised over the inserts.
func (a *attributor) prune() {
	if len(a.users)+len(a.orders) < a.pruneAt {
		return
	}
	for order, at := range a.orders {
		if a.watermark.Sub(at) > a.clickWindow {
			delete(a.orders, order)
		}
	}
	for user, ts := range a.users {
		for id, t := range ts.shown {
			if a.watermark.Sub(t.at) > a.clickWindow {
				delete(ts.shown, id)
			}
		}
		for p, t := range ts.clicks {
			if a.watermark.Sub(t.at) > a.clickWindow {
				delete(ts.clicks, p)
			}
		}
		if len(ts.shown) == 0 && len(ts.clicks) == 0 && a.watermark.Sub(ts.view.at) > a.viewWindow {
			delete(a.users, user)
		}
	}
	a.pruneAt = max(2*(len(a.users)+len(a.orders)), minPruneAt)
}
