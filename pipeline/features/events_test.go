package features

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// The stage's reading of events: which move interest in which categories.
func TestInterestCategories(t *testing.T) {
	in := NewInterest()
	ev := func(typ, name string, props schemas.Properties) *schemas.Event {
		return &schemas.Event{Type: typ, Event: name, UserID: "u", Properties: props}
	}
	order := schemas.Properties{Category: "electronics.audio", Products: []schemas.LineItem{
		{ProductID: "a", Category: "electronics.audio"}, {ProductID: "b", Category: " books.fiction"},
		{ProductID: "c", Category: "books.fiction"}, {ProductID: "d"},
	}}
	f := func(what string, e *schemas.Event, wantOne string, wantAll ...string) {
		t.Helper()
		if got := in.Category(e); got != wantOne {
			t.Errorf("%s: Category = %q, want %q", what, got, wantOne)
		}
		var all []string
		in.Categories(e, func(c string) { all = append(all, c) })
		if !slices.Equal(all, wantAll) {
			t.Errorf("%s: Categories = %q, want %q", what, all, wantAll)
		}
	}
	for _, name := range []string{schemas.ProductViewed, schemas.ProductListViewed, schemas.ProductsSearched,
		schemas.ProductClicked, schemas.ProductAddedWishlist, schemas.ProductAdded, schemas.CheckoutStarted, schemas.OrderCompleted} {
		f(name, ev(schemas.TypeTrack, name, order), "electronics.audio", "electronics.audio", "books.fiction")
	}
	f("products only", ev(schemas.TypeTrack, schemas.OrderCompleted, schemas.Properties{Products: order.Products}),
		"electronics.audio", "electronics.audio", "books.fiction")
	f("refund", ev(schemas.TypeTrack, schemas.OrderRefunded, order), "")
	f("promotion viewed", ev(schemas.TypeTrack, schemas.PromotionViewed, order), "")
	f("promotion clicked", ev(schemas.TypeTrack, schemas.PromotionClicked, order), "")
	f("unknown event", ev(schemas.TypeTrack, "Coupon Applied", order), "")
	f("page call", ev("page", schemas.ProductViewed, order), "")
	f("no category", ev(schemas.TypeTrack, schemas.ProductViewed, schemas.Properties{ProductID: "x"}), "")
}

// Each interest event adds the configured weight at its funnel stage; a refund takes the order's
// weight back and shows no intent.
func TestInterestKinds(t *testing.T) {
	w := DefaultConfig().Weights
	got := interestKinds(w)
	want := map[string]kind{
		schemas.ProductViewed:        {1, browse, false},
		schemas.ProductListViewed:    {0.5, browse, false},
		schemas.ProductsSearched:     {0.5, browse, false},
		schemas.ProductClicked:       {1.5, consider, false},
		schemas.ProductAddedWishlist: {2, consider, false},
		schemas.ProductAdded:         {3, cart, false},
		schemas.CheckoutStarted:      {3, cart, false},
		schemas.OrderCompleted:       {2, purchase, false},
		schemas.OrderRefunded:        {2, browse, true},
	}
	if len(got) != len(want) {
		t.Errorf("%d interest events, want %d", len(got), len(want))
	}
	for name, k := range want {
		if got[name] != k {
			t.Errorf("%s: %+v, want %+v", name, got[name], k)
		}
	}
}

// With the groups of a model, products without a category are read as their learned group, as
// the stage with that model reads them; without, they name no category.
func TestInterestWithGroups(t *testing.T) {
	g := retailGroups(t)
	order := func() *schemas.Event {
		return &schemas.Event{Type: schemas.TypeTrack, Event: schemas.OrderCompleted, UserID: "17850", Properties: schemas.Properties{
			Products: []schemas.LineItem{{ProductID: "22633", Name: "Hand warmer Union Jack"}},
		}}
	}
	warmers, _ := g.Of("22633")
	var got []string
	NewInterest().WithGroups(g).Categories(order(), func(c string) { got = append(got, c) })
	if !slices.Equal(got, []string{warmers}) {
		t.Errorf("with groups: %q, want the hand warmers' group %q", got, warmers)
	}
	got = nil
	NewInterest().Categories(order(), func(c string) { got = append(got, c) })
	if len(got) != 0 {
		t.Errorf("without groups: %q, want none", got)
	}
}
