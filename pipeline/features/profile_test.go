package features

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

func applyAll(p *profile, evs []schemas.Event) {
	kinds := interestKinds(DefaultConfig().Weights)
	for i := range evs {
		p.apply(&evs[i], kinds[evs[i].Event], 30*time.Minute)
	}
}

func ev(name string, at time.Duration, p schemas.Properties) schemas.Event {
	return schemas.Event{Type: "track", Event: name, UserID: "u", Timestamp: t0.Add(at), Properties: p}
}

// Events arriving out of order give the same weights as in order: each weighs what its own age
// at the profile's latest time says.
func TestProfileOutOfOrderEqualsInOrder(t *testing.T) {
	inOrder := []schemas.Event{
		ev(schemas.ProductViewed, 0, schemas.Properties{Category: "electronics.audio.headphone", Brand: "sony"}),
		ev(schemas.ProductClicked, 5*time.Minute, schemas.Properties{Category: "electronics.audio.speaker", Brand: "jbl"}),
		ev(schemas.ProductViewed, 40*time.Minute, schemas.Properties{Category: "books.fiction", Brand: "penguin"}),
		ev(schemas.ProductAdded, 70*time.Minute, schemas.Properties{Category: "electronics.audio.headphone", Brand: "sony"}),
	}
	var a, b profile
	applyAll(&a, inOrder)
	shuffled := []schemas.Event{inOrder[3], inOrder[1], inOrder[0], inOrder[2]}
	applyAll(&b, shuffled)

	if !a.last.Equal(b.last) || a.events != b.events {
		t.Fatalf("profile time/events: in order %v/%d, shuffled %v/%d", a.last, a.events, b.last, b.events)
	}
	for _, c := range a.cats {
		if got := b.categoryWeight(c.path); math.Abs(got-c.all) > 1e-12 {
			t.Errorf("category %s: shuffled %v, in order %v", c.path, got, c.all)
		}
	}
	if len(a.cats) != len(b.cats) {
		t.Errorf("shuffled has %d categories, in order %d", len(b.cats), len(a.cats))
	}
	// The headphone leaf: a view 70 minutes before the profile's time, and a cart add at it.
	want := 1*decay(70*time.Minute, 30*time.Minute) + 3
	if got := b.categoryWeight("electronics.audio.headphone"); math.Abs(got-want) > 1e-12 {
		t.Errorf("headphone weight = %v, want %v", got, want)
	}
}

func TestProfileSummaryFields(t *testing.T) {
	var p profile
	applyAll(&p, []schemas.Event{
		ev(schemas.ProductViewed, 0, schemas.Properties{ProductID: "1", Category: "shoes.running", Brand: "asics", Price: 80, Currency: "USD"}),
		ev(schemas.ProductClicked, time.Minute, schemas.Properties{ProductID: "2", Category: "shoes.running", Brand: "nike", Price: 120, Currency: "USD"}),
		ev(schemas.OrderCompleted, 2*time.Minute, schemas.Properties{OrderID: "o1", Currency: "USD", Products: []schemas.LineItem{
			{ProductID: "2", Category: "shoes.running", Brand: "nike", Price: 120},
			{ProductID: "3", Category: "apparel.socks", Brand: "nike", Price: 9.5},
		}}),
	})
	p.locale = "en-US"
	s := p.summary(1)

	if got := s.Categories; len(got) != 1 || got[0].Name != "shoes.running" || got[0].Weight != 1 {
		t.Errorf("top category = %+v, want shoes.running with weight 1", got)
	}
	if got := s.Brands; len(got) != 1 || got[0].Name != "nike" {
		t.Errorf("top brand = %+v, want nike (a click and an order)", got)
	}
	if want := (schemas.PriceBand{Min: 9.5, Max: 120, Currency: "USD"}); s.PriceBand != want {
		t.Errorf("price band = %+v, want %+v", s.PriceBand, want)
	}
	if s.IntentStage != "purchase" {
		t.Errorf("intent = %q, want purchase", s.IntentStage)
	}
	if want := []string{"3", "2"}; !slices.Equal(s.Purchased, want) {
		t.Errorf("purchased = %q, want %q (newest first)", s.Purchased, want)
	}

	all := p.summary(5)
	var sum float64
	for _, c := range all.Categories {
		sum += c.Weight
	}
	if len(all.Categories) != 2 || math.Abs(sum-1) > 1e-12 {
		t.Errorf("categories %+v: want 2 summing to 1, sum %v", all.Categories, sum)
	}
}

// An order of two products weighs as much as an order of one, shared between them.
func TestProfileOrderWeightIsShared(t *testing.T) {
	var p profile
	applyAll(&p, []schemas.Event{ev(schemas.OrderCompleted, 0, schemas.Properties{Products: []schemas.LineItem{
		{ProductID: "1", Category: "a"}, {ProductID: "2", Category: "b"},
	}})})
	w := DefaultConfig().Weights.Order
	if p.categoryWeight("a") != w/2 || p.categoryWeight("b") != w/2 {
		t.Errorf("weights a=%v b=%v, want %v each", p.categoryWeight("a"), p.categoryWeight("b"), w/2)
	}
}

func TestProfileIntentAndLocale(t *testing.T) {
	var p profile
	kinds := interestKinds(DefaultConfig().Weights)
	step := func(at time.Duration, name, locale, want string) {
		t.Helper()
		e := ev(name, at, schemas.Properties{Category: "c"})
		e.Context.Locale = locale
		p.apply(&e, kinds[name], 30*time.Minute)
		if got := p.stage.String() + "/" + p.locale; got != want {
			t.Errorf("after %s at %v: intent/locale = %s, want %s", name, at, got, want)
		}
	}
	step(0, schemas.ProductViewed, "en-US", "browse/en-US")
	step(time.Minute, schemas.ProductAddedWishlist, "", "consider/en-US")
	step(2*time.Minute, schemas.CheckoutStarted, "zh-CN", "cart/zh-CN")
	step(time.Second, schemas.ProductViewed, "de-DE", "cart/zh-CN") // late event: neither lowers intent nor overrides locale
	step(3*time.Minute, schemas.OrderCompleted, "", "purchase/zh-CN")
	step(4*time.Minute, schemas.ProductViewed, "", "purchase/zh-CN")
}

// A price in another currency starts a new band rather than mixing currencies.
func TestProfilePriceBandCurrency(t *testing.T) {
	var p profile
	p.addPrice(10, "USD")
	p.addPrice(30, "")
	p.addPrice(0, "USD")
	if want := (schemas.PriceBand{Min: 10, Max: 30, Currency: "USD"}); p.band != want {
		t.Errorf("band = %+v, want %+v", p.band, want)
	}
	p.addPrice(500, "CNY")
	if want := (schemas.PriceBand{Min: 500, Max: 500, Currency: "CNY"}); p.band != want {
		t.Errorf("band = %+v, want %+v", p.band, want)
	}
}

// However long a shopper browses, the profile stays within its bounds, keeping the heaviest.
func TestProfileStaysBounded(t *testing.T) {
	var p profile
	for i := range 200 {
		leaf := "dept" + string(rune('a'+i%26)) + ".aisle" + string(rune('a'+i/26))
		p.addCategory(leaf, float64(i+1))
		p.brands = addWeight(p.brands, leaf, float64(i+1), maxBrands)
		p.addPurchase(&schemas.LineItem{ProductID: leaf})
		p.addCart(leaf)
	}
	if len(p.cats) > maxCategories || len(p.brands) > maxBrands || len(p.purchased) > maxPurchased || len(p.carted) > maxCarted {
		t.Fatalf("profile grew to %d categories, %d brands, %d purchased, %d carted",
			len(p.cats), len(p.brands), len(p.purchased), len(p.carted))
	}
	last := "dept" + string(rune('a'+199%26)) + ".aisle" + string(rune('a'+199/26))
	if p.categoryWeight(last) != 200 || !slices.ContainsFunc(p.brands, func(w weight) bool { return w.name == last }) {
		t.Errorf("the heaviest, newest interest %s was evicted", last)
	}
	for _, c := range p.cats {
		if i := strings.LastIndexByte(c.path, '.'); i >= 0 && p.categoryWeight(c.path[:i]) == 0 {
			t.Errorf("category %s outlived its parent", c.path)
		}
	}
	if p.purchased[0] != last {
		t.Errorf("newest purchase = %q, want %q", p.purchased[0], last)
	}

	// Interests that decayed to nothing are dropped.
	p.last = t0
	p.advance(t0.Add(24*time.Hour), 30*time.Minute)
	if len(p.cats) != 0 || len(p.brands) != 0 {
		t.Errorf("after a day of silence %d categories and %d brands remain", len(p.cats), len(p.brands))
	}
}
