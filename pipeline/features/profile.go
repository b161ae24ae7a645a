package features

import (
	"math"

	"github.com/adshift/adshift/pipeline/shift"
	"github.com/adshift/adshift/schemas"
)

// Bounds that keep a profile one fixed-size value whatever a shopper does: beyond them the
// lightest entry (or the oldest id) makes room, and entries whose long-horizon weight decayed
// below minWeight are dropped.
const (
	maxCategories = 8 // every level of a path: about three three-level leaves
	maxBrands     = 3
	maxPrices     = 3
	maxCarted     = 4
	maxPurchased  = 2
	minWeight     = 0.01 // what one view keeps after about 6.6 half-lives
)

// profile is one shopper's interest as of the latest event time applied to it: a fixed-size
// value with no pointers, no maps and no strings (names are interned per partition).
//
// Out-of-order events: weights are kept as of last, the latest event time seen. A newer event
// first decays every weight to its own time; an older one is added already decayed by its age
// relative to last. Either way each event ends up weighing w·2^-(last-t)/halfLife on each
// horizon, so the profile does not depend on arrival order (up to rounding and the bounds).
type profile struct {
	last     int64  // event time of the latest event, Unix milliseconds: weights are as of it
	offset   int64  // input offset after the last record applied: a restored profile skips older ones
	events   uint32 // interest events applied
	currency uint32 // name id of the price buckets' currency
	locale   uint32 // name id
	hours    hourly

	stage                           intent
	dirty                           bool // changed since its last changelog write
	nCats, nBrands, nPrices         uint8
	nCarted, nPurchased, nextRecent uint8
	cats                            [maxCategories]slot // parents before children
	brands                          [maxBrands]slot
	prices                          [maxPrices]slot
	carted                          [maxCarted]uint32    // leaf category ids put in a cart, oldest first
	purchased                       [maxPurchased]uint32 // product ids bought, newest first
	recent                          [4]uint32            // hashes of the latest messageIds, to drop repeats
	state                           uint32               // 1 + its interest state's slot in the partition's predictor; 0: none
	shift                           shift.State
}

// horizons are the two half-lives, in milliseconds of event time.
type horizons struct {
	short, long float64
	session     int64 // a gap longer than this starts a new visit: the intent stage starts over
}

// factors returns how much a weight keeps after ageMillis on each horizon.
func (h *horizons) factors(ageMillis int64) (float32, float32) {
	a := float64(ageMillis)
	return float32(math.Exp2(-a / h.short)), float32(math.Exp2(-a / h.long))
}

// apply adds one interest event of kind k and reports whether it put a leaf category into the
// cart for the first time.
func (p *profile) apply(ev *schemas.Event, k kind, h *horizons, n *names) (newCart bool) {
	t := ev.Timestamp.UnixMilli()
	fs, fl := p.advance(t, h)
	p.visit(ev, t, k, h, n)

	props := &ev.Properties
	own := schemas.LineItem{
		ProductID: props.ProductID, SKU: props.SKU, Brand: props.Brand,
		Category: props.Category, Price: props.Price,
	}
	hasOwn := own.ProductID != "" || own.SKU != "" || own.Brand != "" || own.Category != "" || own.Price > 0
	items := len(props.Products)
	if hasOwn {
		items++
	}
	if items == 0 {
		return false // a search or an empty list: it counts, but names no product
	}
	if props.Currency != "" {
		p.useCurrency(n.id(props.Currency))
	}
	// An event's weight is shared by the products it names, so a ten-line order is not ten orders.
	w := k.weight / float64(items)
	ws, wl := float32(w)*fs, float32(w)*fl
	if k.retract {
		if hasOwn {
			p.retractItem(&own, ws, wl, n)
		}
		for i := range props.Products {
			p.retractItem(&props.Products[i], ws, wl, n)
		}
		return false
	}
	if hasOwn {
		newCart = p.addItem(&own, ev.Event, ws, wl, n)
	}
	for i := range props.Products {
		newCart = p.addItem(&props.Products[i], ev.Event, ws, wl, n) || newCart
	}
	return newCart
}

// visit counts an event at time t into the profile's visit: its hour, its intent stage (a gap
// longer than a session starts over), its locale and the profile's latest time.
func (p *profile) visit(ev *schemas.Event, t int64, k kind, h *horizons, n *names) {
	p.events++
	p.hours.add(t)
	switch {
	case t < p.last:
		p.stage = max(p.stage, k.stage) // an older event of this visit
	case p.events > 1 && t-p.last > h.session:
		p.stage = k.stage // a new visit starts over
	default:
		p.stage = max(p.stage, k.stage)
	}
	if ev.Context.Locale != "" && t >= p.last {
		p.locale = n.id(ev.Context.Locale)
	}
	p.last = max(p.last, t)
}

// useCurrency makes cur the price buckets' currency.
func (p *profile) useCurrency(cur uint32) {
	if cur != p.currency {
		// The shopper now shops in another currency: old buckets do not compare.
		clear(p.prices[:p.nPrices])
		p.nPrices, p.currency = 0, cur
	}
}

// addItem adds one product an event of type event names, with the event's weights, and reports
// whether it put a leaf category into the cart for the first time.
func (p *profile) addItem(it *schemas.LineItem, event string, ws, wl float32, n *names) (newCart bool) {
	leaf := p.addCategory(it.Category, ws, wl, n)
	if it.Brand != "" {
		addSlot(p.brands[:], &p.nBrands, n.id(it.Brand), ws, wl)
	}
	if b := priceBucket(it.Price); b != 0 {
		addSlot(p.prices[:], &p.nPrices, b, ws, wl)
	}
	switch event {
	case schemas.ProductAdded:
		return leaf != 0 && p.addCart(leaf)
	case schemas.OrderCompleted:
		p.addPurchase(it, n)
	}
	return false
}

// advance brings the profile's weights to event time t if t is newer, and returns the factors
// the event's own weight takes: 1 for an event at or after the profile's time, its decay otherwise.
func (p *profile) advance(t int64, h *horizons) (float32, float32) {
	if p.events == 0 {
		return 1, 1
	}
	if t <= p.last {
		return h.factors(p.last - t)
	}
	fs, fl := h.factors(t - p.last)
	decaySlots(p.cats[:], &p.nCats, fs, fl)
	decaySlots(p.brands[:], &p.nBrands, fs, fl)
	decaySlots(p.prices[:], &p.nPrices, fs, fl)
	return 1, 1
}

// addCategory adds the weights to every level of path and marks the full path a leaf. It
// returns the leaf's name id, or 0 for no category.
func (p *profile) addCategory(path string, ws, wl float32, n *names) (leaf uint32) {
	path = cleanCategory(path)
	categoryLevels(path, func(level string) {
		id := n.id(level)
		i := addSlot(p.cats[:], &p.nCats, id, ws, wl)
		if len(level) == len(path) {
			p.cats[i].id |= leafBit
			leaf = id
		}
	})
	return leaf
}

// addCart records a cart add into leaf and reports whether leaf had none before.
func (p *profile) addCart(leaf uint32) bool {
	for _, c := range p.carted[:p.nCarted] {
		if c == leaf {
			return false
		}
	}
	if p.nCarted == maxCarted {
		copy(p.carted[:], p.carted[1:])
		p.nCarted--
	}
	p.carted[p.nCarted] = leaf
	p.nCarted++
	return true
}

// addPurchase puts a bought product first in the recent purchases.
func (p *profile) addPurchase(it *schemas.LineItem, n *names) {
	key := it.ProductID
	if key == "" {
		key = it.SKU
	}
	if key == "" {
		return
	}
	id := n.id(key)
	bought := p.purchased[:p.nPurchased]
	i := len(bought)
	for j, b := range bought {
		if b == id {
			i = j
			break
		}
	}
	if i == len(bought) && p.nPurchased < maxPurchased {
		p.nPurchased++
	}
	i = min(i, int(p.nPurchased)-1)
	copy(p.purchased[1:i+1], p.purchased[:i])
	p.purchased[0] = id
}

// seen reports whether the messageId was among the latest ones, and remembers it if not.
func (p *profile) seen(messageID string) bool {
	h := fnv1a(messageID)
	for _, x := range p.recent {
		if x == h {
			return true
		}
	}
	p.recent[p.nextRecent] = h
	p.nextRecent = (p.nextRecent + 1) % uint8(len(p.recent))
	return false
}

// interest appends the profile's short-horizon interest vector over every category level to dst.
func (p *profile) interest(dst []shift.Entry) []shift.Entry {
	for _, c := range p.cats[:p.nCats] {
		dst = append(dst, shift.Entry{ID: c.nameID(), W: c.short})
	}
	return dst
}
