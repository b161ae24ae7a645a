package catalog

import (
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// titleGroups places a product by a word of its title, as interest groups would.
type titleGroups map[string]string

func (g titleGroups) Place(_, title string) (string, bool) {
	for word, group := range g {
		if strings.Contains(strings.ToLower(title), word) {
			return group, true
		}
	}
	return "", false
}

// Products without a category are placed in their group and advertised from it; a product
// with a category keeps it, and one no group takes stays out of the catalogue.
func TestPlaceInGroups(t *testing.T) {
	products := []schemas.Product{
		{ID: "85123A", Title: "White hanging heart T-light holder", Price: 2.55, Currency: "GBP"},
		{ID: "22086", Title: "Paper chain kit 50's Christmas", Price: 2.95, Currency: "GBP"},
		{ID: "k1", Title: "Kettle", Category: "appliances.kitchen.kettle", Price: 40, Currency: "GBP"},
		{ID: "x1", Title: "Qqq zzz", Price: 1, Currency: "GBP"},
	}
	g := titleGroups{"t-light": "light holder", "christmas": "christmas decoration"}
	out, placed, unplaced := PlaceInGroups(products, g)
	if placed != 2 || unplaced != 1 {
		t.Fatalf("placed %d, unplaced %d; want 2 and 1", placed, unplaced)
	}
	if products[0].Category != "" {
		t.Fatal("PlaceInGroups changed its input")
	}
	c := NewCatalog(out)
	if c.Len() != 3 {
		t.Fatalf("catalogue of %d products, want 3", c.Len())
	}
	for id, want := range map[string]string{"85123A": "light holder", "22086": "christmas decoration", "k1": "appliances.kitchen.kettle"} {
		if p, ok := c.Product(id); !ok || p.Category != want {
			t.Errorf("product %s in %q (%v), want %q", id, p.Category, ok, want)
		}
	}
	sh := &schemas.Shift{Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: "christmas decoration", Weight: 1}}}}
	choice, err := NewRanker(c, RankConfig{}).Rank(sh, nil)
	if err != nil || choice.Product.ID != "22086" {
		t.Fatalf("a shopper into christmas decoration is shown %+v (%v)", choice.Product, err)
	}
}
