package features

import (
	"slices"
	"time"

	"github.com/adshift/adshift/schemas"
)

// Bounds that keep a profile small whatever a shopper does: beyond them the lightest weight (or
// the oldest id) makes room, and weights that decayed below minWeight are dropped.
const (
	maxCategories = 48 // category levels: about 16 three-level leaves
	maxBrands     = 16
	maxPurchased  = 5
	maxCarted     = 16
	minWeight     = 0.01 // what one view keeps after about 6.6 half-lives
)

// profile is one shopper's interest as of the latest event time applied to it.
//
// Out-of-order events: weights are kept as of last, the latest event time seen. A newer event
// first decays every weight to its own time; an older one is added already decayed by its age
// relative to last. Either way each event ends up weighing weight·2^-(last-t)/halfLife, so the
// profile does not depend on arrival order (up to rounding and the size bounds above).
type profile struct {
	last   time.Time  // the profile's event time: every weight below is as of it
	events int        // interest events applied
	cats   []category // every level of every category path seen, in order of first sight
	brands []weight
	band   schemas.PriceBand
	stage  intent
	locale string
	// purchased holds recently bought product ids, newest first.
	purchased []string
	// carted holds the leaf categories the shopper has added to a cart, oldest first.
	carted []string
	recent recentIDs // to drop duplicate events

	version uint64    // bumped by every shift
	shiftAt time.Time // the profile's event time at the last shift
	atShift []weight  // the normalised leaf-category vector at the last shift
}

// category is the weight of one category path: all counts every event at or below it,
// leaf only the events whose category was exactly this path.
type category struct {
	path      string
	all, leaf float64
}

// apply adds one interest event of kind k and reports whether it put a leaf category into the
// cart for the first time.
func (p *profile) apply(ev *schemas.Event, k kind, halfLife time.Duration) (newCart bool) {
	f := p.advance(ev.Timestamp, halfLife)
	p.events++
	p.stage = max(p.stage, k.stage)
	if ev.Context.Locale != "" && !ev.Timestamp.Before(p.last) {
		p.locale = ev.Context.Locale
	}

	props := &ev.Properties
	own := schemas.LineItem{
		ProductID: props.ProductID, SKU: props.SKU, Brand: props.Brand,
		Category: props.Category, Price: props.Price,
	}
	hasOwn := own.ProductID != "" || own.SKU != "" || own.Brand != "" || own.Category != "" || own.Price > 0
	n := len(props.Products)
	if hasOwn {
		n++
	}
	if n == 0 {
		return false // a search or an empty list: it counts, but names no product
	}
	// An event's weight is shared by the products it names, so a ten-line order is not ten orders.
	w := k.weight * f / float64(n)
	item := func(it *schemas.LineItem) {
		p.addCategory(it.Category, w)
		if it.Brand != "" {
			p.brands = addWeight(p.brands, it.Brand, w, maxBrands)
		}
		p.addPrice(it.Price, props.Currency)
		switch ev.Event {
		case schemas.ProductAdded:
			if p.addCart(cleanCategory(it.Category)) {
				newCart = true
			}
		case schemas.OrderCompleted:
			p.addPurchase(it)
		}
	}
	if hasOwn {
		item(&own)
	}
	for i := range props.Products {
		item(&props.Products[i])
	}
	return newCart
}

// advance brings the profile to event time t and returns the factor the event's own weight
// takes: 1 for an event at or after the profile's time, its decay otherwise.
func (p *profile) advance(t time.Time, halfLife time.Duration) float64 {
	if p.last.IsZero() {
		p.last = t
		return 1
	}
	if !t.After(p.last) {
		return decay(p.last.Sub(t), halfLife)
	}
	f := decay(t.Sub(p.last), halfLife)
	p.last = t
	kept := p.cats[:0]
	for _, c := range p.cats {
		if c.all *= f; c.all >= minWeight {
			c.leaf *= f
			kept = append(kept, c)
		}
	}
	clear(p.cats[len(kept):])
	p.cats = kept
	brands := p.brands[:0]
	for _, b := range p.brands {
		if b.w *= f; b.w >= minWeight {
			brands = append(brands, b)
		}
	}
	clear(p.brands[len(brands):])
	p.brands = brands
	return 1
}

// addCategory adds w to every level of path, and to its leaf weight. Beyond maxCategories the
// lightest levels go; a level weighs at least as much as any level below it and comes before them,
// so a level never outlives its parent.
func (p *profile) addCategory(path string, w float64) {
	leaf := cleanCategory(path)
	categoryLevels(leaf, func(level string) {
		i := slices.IndexFunc(p.cats, func(c category) bool { return c.path == level })
		if i < 0 {
			p.cats = append(p.cats, category{path: level})
			i = len(p.cats) - 1
		}
		p.cats[i].all += w
		if level == leaf {
			p.cats[i].leaf += w
		}
	})
	for len(p.cats) > maxCategories {
		j := lightest(p.cats, func(c category) float64 { return c.all })
		p.cats = slices.Delete(p.cats, j, j+1)
	}
}

// addWeight adds w to name in ws, making room by dropping the lightest entry when ws holds limit.
func addWeight(ws []weight, name string, w float64, limit int) []weight {
	if i := slices.IndexFunc(ws, func(e weight) bool { return e.name == name }); i >= 0 {
		ws[i].w += w
		return ws
	}
	if len(ws) == limit {
		j := lightest(ws, func(e weight) float64 { return e.w })
		ws = slices.Delete(ws, j, j+1)
	}
	return append(ws, weight{name: name, w: w})
}

// lightest returns the index of the lightest element of s, the latest one among equals, so that
// of a category and its only child the child goes first.
func lightest[E any](s []E, w func(E) float64) int {
	j := 0
	for i := 1; i < len(s); i++ {
		if w(s[i]) <= w(s[j]) {
			j = i
		}
	}
	return j
}

// addPrice widens the price band to include price. Prices in a currency other than the band's
// start a new band: the shopper now shops in that currency. An event without a currency is taken
// to be in the band's.
func (p *profile) addPrice(price float64, currency string) {
	if price <= 0 {
		return
	}
	if currency != "" && currency != p.band.Currency && p.band.Max > 0 {
		p.band = schemas.PriceBand{}
	}
	if currency != "" {
		p.band.Currency = currency
	}
	if p.band.Max == 0 || price < p.band.Min {
		p.band.Min = price
	}
	p.band.Max = max(p.band.Max, price)
}

// addCart records a cart add into leaf and reports whether leaf had none before.
func (p *profile) addCart(leaf string) bool {
	if leaf == "" || slices.Contains(p.carted, leaf) {
		return false
	}
	if len(p.carted) == maxCarted {
		p.carted = slices.Delete(p.carted, 0, 1)
	}
	p.carted = append(p.carted, leaf)
	return true
}

// addPurchase puts a bought product first in the recent purchases.
func (p *profile) addPurchase(it *schemas.LineItem) {
	id := it.ProductID
	if id == "" {
		id = it.SKU
	}
	if id == "" {
		return
	}
	if i := slices.Index(p.purchased, id); i >= 0 {
		p.purchased = slices.Delete(p.purchased, i, i+1)
	}
	if len(p.purchased) == maxPurchased {
		p.purchased = p.purchased[:maxPurchased-1]
	}
	p.purchased = slices.Insert(p.purchased, 0, id)
}

// leaves appends the profile's leaf-category vector to dst, in the profile's order.
func (p *profile) leaves(dst []weight) []weight {
	for _, c := range p.cats {
		if c.leaf > 0 {
			dst = append(dst, weight{name: c.path, w: c.leaf})
		}
	}
	return dst
}
