package features

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// retailGroups learns groups from two invoices of Online Retail's first morning.
func retailGroups(t *testing.T) *interest.Groups {
	t.Helper()
	l := interest.NewGroupLearner()
	l.AddBasket([]interest.Item{
		{ID: "85123A", Title: "WHITE HANGING HEART T-LIGHT HOLDER"}, {ID: "71053", Title: "WHITE METAL LANTERN"},
		{ID: "84029G", Title: "KNITTED UNION FLAG HOT WATER BOTTLE"}, {ID: "84029E", Title: "RED WOOLLY HOTTIE WHITE HEART."},
	})
	l.AddBasket([]interest.Item{
		{ID: "22633", Title: "HAND WARMER UNION JACK"}, {ID: "22632", Title: "HAND WARMER RED POLKA DOT"},
		{ID: "21754", Title: "HOME BUILDING BLOCK WORD"}, {ID: "21755", Title: "LOVE BUILDING BLOCK WORD"},
	})
	g, err := l.Groups(interest.GroupConfig{Groups: 3, CoPurchase: 0.5, Iterations: 30})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// An order without categories gets each line's group; a line with a category keeps it; the
// order's categories are its distinct groups in line order.
func TestFillGroups(t *testing.T) {
	g := retailGroups(t)
	ev := schemas.Event{Type: schemas.TypeTrack, Event: schemas.OrderCompleted, UserID: "17850", Properties: schemas.Properties{
		Products: []schemas.LineItem{
			{ProductID: "21754", Name: "Home building block word"},
			{ProductID: "21755", Name: "Love building block word"},
			{ProductID: "X1", Name: "Party building block word"}, // never seen: placed by its title
			{ProductID: "k1", Name: "Kettle", Category: "appliances.kitchen.kettle"},
			{ProductID: "22633", Name: "Hand warmer Union Jack"},
		},
	}}
	FillGroups(&ev, g)
	blocks, _ := g.Of("21754")
	warmers, _ := g.Of("22633")
	if blocks == warmers {
		t.Fatalf("building blocks and hand warmers in one group of %q", g.Names())
	}
	items := ev.Properties.Products
	if items[0].Category != blocks || items[2].Category != blocks || items[3].Category != "appliances.kitchen.kettle" || items[4].Category != warmers {
		t.Fatalf("categories %q, %q, %q, %q; want %q, %q, the kettle's, %q", items[0].Category, items[2].Category, items[3].Category, items[4].Category, blocks, blocks, warmers)
	}
	var got []string
	NewInterest().Categories(&ev, func(c string) { got = append(got, c) })
	want := []string{blocks, "appliances.kitchen.kettle", warmers}
	if !slices.Equal(got, want) {
		t.Errorf("the order's interests %q, want %q", got, want)
	}
	var none []string
	NewInterest().Categories(&schemas.Event{Type: schemas.TypeTrack, Event: schemas.PromotionViewed, Properties: ev.Properties}, func(c string) { none = append(none, c) })
	if len(none) != 0 {
		t.Errorf("a promotion view moved interest: %q", none)
	}
}
