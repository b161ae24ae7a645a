package features

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// testHorizons are the default horizons: half-lives of 30 minutes and 7 days, visits ending after
// an hour without events.
func testHorizons() horizons {
	c := DefaultConfig()
	return horizons{short: float64(c.ShortHalfLife.Milliseconds()), long: float64(c.LongHalfLife.Milliseconds()),
		session: 2 * c.ShortHalfLife.Milliseconds()}
}

// applyAt applies one interest event of name at t0+at to p.
func applyAt(p *profile, n *names, name string, at time.Duration, props schemas.Properties, locale string) bool {
	h := testHorizons()
	ev := &schemas.Event{Type: schemas.TypeTrack, Event: name, UserID: "u", Timestamp: t0.Add(at), Properties: props}
	ev.Context.Locale = locale
	return p.apply(ev, interestKinds(DefaultConfig().Weights)[name], &h, n)
}

// slotOf returns the slot of name in s, failing the test without one.
func slotOf(t *testing.T, s []slot, n *names, name string) slot {
	t.Helper()
	i := find(s, n.id(name))
	if i < 0 {
		t.Fatalf("no slot for %q", name)
	}
	return s[i]
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// Each event weighs w·2^-(last-t)/halfLife on each horizon, whatever order events come in.
func TestProfileDecaysByEventTime(t *testing.T) {
	prod := schemas.Properties{ProductID: "p1", Category: "audio", Brand: "sony", Price: 20}
	want := func(ages ...time.Duration) (short, long float64) {
		for _, a := range ages {
			short += math.Exp2(-a.Minutes() / 30)
			long += math.Exp2(-a.Hours() / (7 * 24))
		}
		return short, long
	}
	for _, order := range [][]time.Duration{{0, 30 * time.Minute, 90 * time.Minute}, {90 * time.Minute, 0, 30 * time.Minute}} {
		n := newNames()
		var p profile
		for _, at := range order {
			applyAt(&p, &n, schemas.ProductViewed, at, prod, "")
		}
		ws, wl := want(90*time.Minute, 60*time.Minute, 0)
		for _, s := range []slot{slotOf(t, p.cats[:p.nCats], &n, "audio"), slotOf(t, p.brands[:p.nBrands], &n, "sony"),
			p.prices[find(p.prices[:p.nPrices], priceBucket(20))]} {
			if !near(float64(s.short), ws) || !near(float64(s.long), wl) {
				t.Errorf("order %v: weights %v / %v, want %v / %v", order, s.short, s.long, ws, wl)
			}
		}
		if p.last != t0.Add(90*time.Minute).UnixMilli() || p.events != 3 {
			t.Errorf("order %v: last %d events %d", order, p.last, p.events)
		}
	}
}

// An event's weight is shared by the products it names: an order of two lines weighs one order.
func TestProfileSharesAnEventsWeight(t *testing.T) {
	n := newNames()
	var p profile
	applyAt(&p, &n, schemas.OrderCompleted, 0, schemas.Properties{Products: []schemas.LineItem{
		{ProductID: "a", Category: "audio"}, {ProductID: "b", Category: "video"},
	}}, "")
	for _, c := range []string{"audio", "video"} {
		if s := slotOf(t, p.cats[:p.nCats], &n, c); s.short != 1 || s.long != 1 {
			t.Errorf("%s: %v / %v, want half of an order's 2", c, s.short, s.long)
		}
	}
	// The event's own product counts as one more line.
	var q profile
	applyAt(&q, &n, schemas.OrderCompleted, 0, schemas.Properties{ProductID: "c", Category: "books", Products: []schemas.LineItem{
		{ProductID: "a", Category: "audio"}, {ProductID: "b", Category: "video"}, {ProductID: "d", Category: "toys"},
	}}, "")
	if s := slotOf(t, q.cats[:q.nCats], &n, "books"); s.short != 0.5 {
		t.Errorf("own product: %v, want a quarter of 2", s.short)
	}
	// An event naming only a price is a product too.
	var r profile
	applyAt(&r, &n, schemas.ProductViewed, 0, schemas.Properties{Price: 12}, "")
	if r.nPrices != 1 || r.prices[0].short != 1 {
		t.Errorf("a priced view: %d prices, %+v", r.nPrices, r.prices[0])
	}
	// A search names no product: it counts as an event, and adds nothing.
	var s profile
	applyAt(&s, &n, schemas.ProductsSearched, 0, schemas.Properties{Query: "headphones"}, "")
	if s.events != 1 || s.nCats+s.nBrands+s.nPrices != 0 {
		t.Errorf("a search: events %d, %d cats %d brands %d prices", s.events, s.nCats, s.nBrands, s.nPrices)
	}
}

// The intent stage is the furthest one of the visit; a gap longer than a session (an hour)
// starts a new visit, an older event never lowers it.
func TestProfileIntentPerVisit(t *testing.T) {
	n := newNames()
	prod := schemas.Properties{ProductID: "p1", Category: "audio"}
	var p profile
	applyAt(&p, &n, schemas.ProductAdded, 0, prod, "")
	applyAt(&p, &n, schemas.ProductViewed, time.Hour, prod, "") // a gap of exactly a session: same visit
	if p.stage != cart {
		t.Fatalf("after a gap of one session: %v, want cart", p.stage)
	}
	applyAt(&p, &n, schemas.ProductViewed, 2*time.Hour+time.Millisecond, prod, "")
	if p.stage != browse {
		t.Fatalf("after a gap longer than a session: %v, want browse", p.stage)
	}
	applyAt(&p, &n, schemas.ProductClicked, 2*time.Hour+2*time.Millisecond, prod, "")
	applyAt(&p, &n, schemas.ProductViewed, 2*time.Hour+3*time.Millisecond, prod, "")
	if p.stage != consider {
		t.Fatalf("a view after a click: %v, want consider", p.stage)
	}
	applyAt(&p, &n, schemas.OrderCompleted, time.Hour, prod, "") // late, of the earlier visit
	if p.stage != purchase {
		t.Fatalf("an older order: %v, want purchase", p.stage)
	}
	// The first event of a profile sets the stage whatever the gap from time zero.
	var q profile
	applyAt(&q, &n, schemas.CheckoutStarted, 0, prod, "")
	if q.stage != cart {
		t.Fatalf("first event: %v, want cart", q.stage)
	}
}

// The locale is the latest event's; an older event does not change it, one without keeps it.
func TestProfileLocale(t *testing.T) {
	n := newNames()
	prod := schemas.Properties{ProductID: "p1", Category: "audio"}
	var p profile
	applyAt(&p, &n, schemas.ProductViewed, time.Minute, prod, "de-DE")
	applyAt(&p, &n, schemas.ProductViewed, 0, prod, "fr-FR")
	applyAt(&p, &n, schemas.ProductViewed, time.Minute, prod, "en-GB") // same time as the latest
	applyAt(&p, &n, schemas.ProductViewed, 2*time.Minute, prod, "")
	if got := n.name(p.locale); got != "en-GB" {
		t.Errorf("locale %q, want en-GB", got)
	}
}

// Prices in another currency start the buckets over; the same currency keeps them.
func TestProfileCurrency(t *testing.T) {
	n := newNames()
	var p profile
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "a", Price: 20, Currency: "USD"}, "")
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "b", Price: 200, Currency: "USD"}, "")
	if p.nPrices != 2 {
		t.Fatalf("%d price buckets in one currency, want 2", p.nPrices)
	}
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "c", Price: 2000}, "") // no currency: the same
	if p.nPrices != 3 {
		t.Fatalf("%d price buckets after a price without currency, want 3", p.nPrices)
	}
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "d", Price: 20, Currency: "JPY"}, "")
	if p.nPrices != 1 || n.name(p.currency) != "JPY" || p.prices[0].id != priceBucket(20) {
		t.Fatalf("after a change of currency: %d buckets in %q", p.nPrices, n.name(p.currency))
	}
}

// A cart add reports a new cart category once per leaf, and the cart remembers the latest four.
func TestProfileCart(t *testing.T) {
	n := newNames()
	var p profile
	addTo := func(cat string) bool {
		return applyAt(&p, &n, schemas.ProductAdded, 0, schemas.Properties{ProductID: "p-" + cat, Category: cat}, "")
	}
	for _, c := range []string{"a", "b", "c", "d"} {
		if !addTo(c) {
			t.Fatalf("first cart add of %s is not new", c)
		}
	}
	if addTo("b") {
		t.Fatal("a second cart add of b is new")
	}
	if !addTo("e") {
		t.Fatal("first cart add of e is not new")
	}
	var got []string
	for _, id := range p.carted[:p.nCarted] {
		got = append(got, n.name(id))
	}
	if want := []string{"b", "c", "d", "e"}; !slices.Equal(got, want) {
		t.Fatalf("cart %q, want %q", got, want)
	}
	if !addTo("a") {
		t.Fatal("a cart add of a, forgotten, is not new")
	}
	if applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "x", Category: "x"}, "") {
		t.Fatal("a view put something in the cart")
	}
	if applyAt(&p, &n, schemas.ProductAdded, 0, schemas.Properties{ProductID: "y"}, "") {
		t.Fatal("a cart add without a category is a new cart category")
	}
	// The event's own product and its lines: a new leaf in any of them is new.
	if !applyAt(&p, &n, schemas.ProductAdded, 0, schemas.Properties{ProductID: "a", Category: "a",
		Products: []schemas.LineItem{{ProductID: "z", Category: "z"}, {ProductID: "a", Category: "a"}}}, "") {
		t.Fatal("a cart add of a new leaf among its lines is not new")
	}
}

// The recent purchases are the latest two products bought, newest first, by product id else SKU.
func TestProfilePurchases(t *testing.T) {
	n := newNames()
	var p profile
	buy := func(it schemas.LineItem) {
		applyAt(&p, &n, schemas.OrderCompleted, 0, schemas.Properties{Products: []schemas.LineItem{it}}, "")
	}
	bought := func() []string {
		var out []string
		for _, id := range p.purchased[:p.nPurchased] {
			out = append(out, n.name(id))
		}
		return out
	}
	f := func(want ...string) {
		t.Helper()
		if got := bought(); !slices.Equal(got, want) {
			t.Errorf("purchased %q, want %q", got, want)
		}
	}
	buy(schemas.LineItem{ProductID: "p1", Category: "a"})
	f("p1")
	buy(schemas.LineItem{SKU: "sku2", Category: "a"})
	f("sku2", "p1")
	buy(schemas.LineItem{ProductID: "p1", Category: "a"}) // bought again: first, not twice
	f("p1", "sku2")
	buy(schemas.LineItem{ProductID: "p3", SKU: "sku3", Category: "a"})
	f("p3", "p1")
	buy(schemas.LineItem{Category: "a", Price: 3}) // no id: nothing to remember
	f("p3", "p1")
	buy(schemas.LineItem{ProductID: "p3", Category: "a"}) // already first
	f("p3", "p1")
	applyAt(&p, &n, schemas.ProductAdded, 0, schemas.Properties{ProductID: "p9", Category: "a"}, "") // not a purchase
	f("p3", "p1")
}

// A profile remembers the latest four messageIds: a repeat among them is seen, an older one not.
func TestProfileSeen(t *testing.T) {
	var p profile
	for _, id := range []string{"m1", "m2", "m3", "m4"} {
		if p.seen(id) {
			t.Fatalf("%s seen before it came", id)
		}
	}
	for _, id := range []string{"m4", "m1", "m2"} {
		if !p.seen(id) {
			t.Fatalf("%s, among the latest four, not seen", id)
		}
	}
	if p.seen("m5") {
		t.Fatal("m5 seen before it came")
	}
	if p.seen("m1") {
		t.Fatal("m1, older than the latest four, still seen")
	}
	if !p.seen("m5") || !p.seen("m3") {
		t.Fatal("m5 or m3, among the latest four, not seen")
	}
}

// FNV-1a is the published hash (with the low bit set, so an id never hashes to an empty slot):
// stable across processes, as the changelog needs.
func TestFNV1a(t *testing.T) {
	f := func(s string, want uint32) {
		t.Helper()
		if got := fnv1a(s); got != want|1 {
			t.Errorf("fnv1a(%q) = %#x, want %#x", s, got, want|1)
		}
	}
	// Test vectors of FNV-1a 32 (draft-eastlake-fnv): "" 0x811c9dc5, "a" 0xe40c292c, "foobar" 0xbf9cf968.
	f("", 0x811c9dc5)
	f("a", 0xe40c292c)
	f("foobar", 0xbf9cf968)
}

// A refund naming its product itself (not in a products list) takes that product's interest
// back: category levels, brand and price bucket.
func TestProfileRefundOfOwnProduct(t *testing.T) {
	n := newNames()
	var p profile
	bought := schemas.Properties{ProductID: "p1", Category: "audio.headphones", Brand: "sony", Price: 50}
	applyAt(&p, &n, schemas.OrderCompleted, 0, bought, "")
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "p2", Category: "video", Brand: "lg", Price: 500}, "")
	applyAt(&p, &n, schemas.OrderRefunded, 0, bought, "")
	var cats, brands []string
	for _, c := range p.cats[:p.nCats] {
		cats = append(cats, n.name(c.nameID()))
	}
	for _, b := range p.brands[:p.nBrands] {
		brands = append(brands, n.name(b.id))
	}
	if !slices.Equal(cats, []string{"video"}) || !slices.Equal(brands, []string{"lg"}) || p.nPrices != 1 || p.prices[0].id != priceBucket(500) {
		t.Errorf("after the refund: categories %q brands %q %d prices, want the view's alone", cats, brands, p.nPrices)
	}
}

// A refund takes back only what its order added: a view of the same product keeps its weight on
// both horizons, and an order priced in the lowest bucket leaves no price behind.
func TestProfileRefundTakesBackItsOrderOnly(t *testing.T) {
	n := newNames()
	var p profile
	bought := schemas.Properties{ProductID: "p1", Category: "audio", Price: math.SmallestNonzeroFloat64}
	applyAt(&p, &n, schemas.ProductViewed, 0, schemas.Properties{ProductID: "p1", Category: "audio"}, "")
	applyAt(&p, &n, schemas.OrderCompleted, 0, bought, "")
	applyAt(&p, &n, schemas.OrderRefunded, 0, bought, "")
	if s := slotOf(t, p.cats[:p.nCats], &n, "audio"); s.short != 1 || s.long != 1 {
		t.Errorf("after the refund audio weighs %v / %v, want the view's 1 / 1", s.short, s.long)
	}
	if p.nPrices != 0 {
		t.Errorf("%d price buckets after refunding the only priced order", p.nPrices)
	}
}
