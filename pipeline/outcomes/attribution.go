package outcomes

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

// touch is an impression or click of an ad, remembered to attribute later orders to it.
type touch struct {
	eventID      string // the impression's or click's ad_events id
	adID         string
	productID    string // the advertised product: the delivery system's event's, else the ad's
	category     string // the advertised product's category, when the ad is known
	impressionID string // for a click: the impression of the same ad it followed, if seen
	at           time.Time
}

// later reports whether t replaces cur as the latest touch: ties go to the one read last, so
// the rule depends only on partition order.
func (t touch) later(cur touch) bool { return cur.at.IsZero() || !t.at.Before(cur.at) }

// touches are what one shopper did with ads, in arrival order.
type touches struct {
	views  []touch // impressions, kept as long as a click could pair with them
	clicks []touch
}

// clickKind says what a click could be paired with.
type clickKind int

const (
	clickPaired       clickKind = iota // followed an impression of its ad: may earn credit
	clickNoImpression                  // no impression of its ad seen: counted, never credited
	clickNoProduct                     // names no product, so no order can be matched to it
)

// Values of Config.ViewScope: what an impression must share with an order to be credited with it
// by view-through.
const (
	ScopeProduct  = "product"  // the advertised product is among the order's lines
	ScopeCategory = "category" // a line of the advertised product's category
	ScopeAny      = "any"      // any order at all
)

// order is what attribution needs of an order: when it was placed and its lines.
type order struct {
	at    time.Time
	lines []schemas.LineItem // a flat single-product order as one line
}

// has reports whether the order contains product id (by product id or SKU).
func (o order) has(id string) bool {
	for _, l := range o.lines {
		if id != "" && (l.ProductID == id || l.SKU == id) {
			return true
		}
	}
	return false
}

// hasCategory reports whether a line of the order is of category.
func (o order) hasCategory(category string) bool {
	for _, l := range o.lines {
		if category != "" && l.Category == category {
			return true
		}
	}
	return false
}

// attributor credits orders to ads by the first rule that applies: the shopper's last click, in
// event time, on an advertised product the order contains, at most ClickWindow before the order,
// else their last impression in scope (ViewScope) at most ViewWindow before it. Touches are kept
// by event time, whatever order they arrive in, so an order attributed after its lateness
// window sees every touch that arrived by then, however late. Clicks credit products because an
// ad advertises one product and an order of something else is not the ad's doing; a click
// without an impression of its ad before it is not credited (a bot, a stale link, or an
// impression never reported). Shoppers whose touches have all left the windows (measured from
// the newest event time seen, less the lateness) are forgotten. Owned by one processor; not safe
// for concurrent use.
type attributor struct {
	clickWindow, viewWindow, lateness time.Duration
	scope                             string
	ads                               *adIndex // the advertised products of ads, to fill touches in
	users                             map[string]*touches
	orders                            map[string]time.Time // order keys seen, kept for the click window
	watermark                         time.Time            // newest event time seen
	pruneAt                           int                  // prune when this many shoppers are tracked
}

const minPruneAt = 1024

func newAttributor(cfg Config, ads *adIndex) *attributor {
	cfg = cfg.withDefaults()
	return &attributor{clickWindow: cfg.ClickWindow, viewWindow: cfg.ViewWindow, lateness: cfg.Lateness, scope: cfg.ViewScope,
		ads: ads, users: make(map[string]*touches), orders: make(map[string]time.Time), pruneAt: minPruneAt}
}

// seenOrder reports whether the order keyed key was seen before, and remembers it.
func (a *attributor) seenOrder(key string, at time.Time) bool {
	a.advance(at)
	if _, ok := a.orders[key]; ok {
		return true
	}
	a.orders[key] = at
	return false
}

// resolve fills in the advertised product and its category from the ad, where the event named
// none (Segment's own Promotion events carry no product_id).
func (a *attributor) resolve(t touch) touch {
	if a.ads == nil {
		return t
	}
	if p, ok := a.ads.get(t.adID); ok {
		if t.productID == "" {
			t.productID = p.ID
		}
		if t.category == "" && (t.productID == p.ID) {
			t.category = p.Category
		}
	}
	return t
}

// impression records that user saw an ad.
func (a *attributor) impression(user string, t touch) touch {
	t = a.resolve(t)
	ts := a.user(user, t.at)
	ts.views = append(ts.views, t)
	return t
}

// click records that user clicked an ad, and returns the click with the impression it followed
// and what it could be paired with. Only a paired click that names its product may later be
// credited with an order.
func (a *attributor) click(user string, t touch) (touch, clickKind) {
	t = a.resolve(t)
	ts := a.user(user, t.at)
	t.impressionID = ts.pairing(t)
	ts.clicks = append(ts.clicks, t)
	switch {
	case t.impressionID == "":
		return t, clickNoImpression
	case t.productID == "":
		return t, clickNoProduct
	}
	return t, clickPaired
}

// pairing is the latest impression of c's ad at or before c, "" if none.
func (ts *touches) pairing(c touch) string {
	var best touch
	for _, v := range ts.views {
		if v.adID == c.adID && !v.at.After(c.at) && v.later(best) {
			best = v
		}
	}
	return best.eventID
}

// attribute returns the touch o, placed by user, is credited to, and the rule that credited it;
// false means the order is not attributed to any ad.
func (a *attributor) attribute(user string, o order) (touch, string, bool) {
	ts, ok := a.users[user]
	if !ok {
		return touch{}, schemas.AttributionNone, false
	}
	var best touch
	for _, c := range ts.clicks {
		c = a.resolve(c)
		if c.impressionID == "" {
			c.impressionID = ts.pairing(c) // its impression arrived after it
		}
		if c.impressionID != "" && o.has(c.productID) && within(c.at, o.at, a.clickWindow) && c.later(best) {
			best = c
		}
	}
	if !best.at.IsZero() {
		return best, schemas.AttributionClick, true
	}
	for _, v := range ts.views {
		v = a.resolve(v)
		if a.inScope(v, o) && within(v.at, o.at, a.viewWindow) && v.later(best) {
			best = v
		}
	}
	if best.at.IsZero() {
		return touch{}, schemas.AttributionNone, false
	}
	best.impressionID = best.eventID
	return best, schemas.AttributionView, true
}

// inScope reports whether impression v may be credited with o by view-through.
func (a *attributor) inScope(v touch, o order) bool {
	switch a.scope {
	case ScopeAny:
		return true
	case ScopeCategory:
		return o.has(v.productID) || o.hasCategory(v.category)
	}
	return o.has(v.productID)
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

// due reports whether an order at at has waited out the lateness window (always, with a
// negative lateness).
func (a *attributor) due(at time.Time) bool {
	return a.lateness < 0 || a.watermark.Sub(at) >= a.lateness
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

// prune forgets touches that no order can be credited to any more (kept for the longer of the
// click and view windows, as an impression may be credited by view-through or paired with a
// click; and the lateness beyond, for orders still waiting), and shoppers left with none, once the map has doubled since the last prune, so
// the cost is amortised over the inserts.
func (a *attributor) prune() {
	if len(a.users)+len(a.orders) < a.pruneAt {
		return
	}
	old := func(t time.Time) bool {
		return a.watermark.Sub(t) > max(a.clickWindow, a.viewWindow)+max(a.lateness, 0)
	}
	for key, at := range a.orders {
		if old(at) {
			delete(a.orders, key)
		}
	}
	for user, ts := range a.users {
		ts.views = dropOld(ts.views, old)
		ts.clicks = dropOld(ts.clicks, old)
		if len(ts.views) == 0 && len(ts.clicks) == 0 {
			delete(a.users, user)
		}
	}
	a.pruneAt = max(2*(len(a.users)+len(a.orders)), minPruneAt)
}

func dropOld(ts []touch, old func(time.Time) bool) []touch {
	out := ts[:0]
	for _, t := range ts {
		if !old(t.at) {
			out = append(out, t)
		}
	}
	return out
}
