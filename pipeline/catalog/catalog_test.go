package catalog_test

import (
	"testing"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/schemas"
)

func testCatalog() *catalog.Catalog { return catalog.NewCatalog(catalogtest.Products()) }

func summary(category, brand string, lo, hi float64, purchased ...string) schemas.Summary {
	s := schemas.Summary{
		Categories: []schemas.Weighted{{Name: category, Weight: 1}, {Name: "appliances.kitchen.kettle", Weight: 0.5}},
		PriceBand:  schemas.PriceBand{Min: lo, Max: hi, Currency: "USD"},
		Purchased:  purchased,
	}
	if brand != "" {
		s.Brands = []schemas.Weighted{{Name: brand, Weight: 1}, {Name: "Bosch", Weight: 0.5}}
	}
	return s
}

func TestCatalogPick(t *testing.T) {
	c := testCatalog()
	if c.Len() != 6 {
		t.Fatalf("Len = %d, want 6 (records without id or category are left out)", c.Len())
	}
	f := func(s schemas.Summary, recent []string, want string) {
		t.Helper()
		p, ok := c.Pick(s, recent)
		if got := map[bool]string{true: p.ID, false: "none"}[ok]; got != want {
			t.Errorf("Pick(%v, recent %v) = %s, want %s", s, recent, got, want)
		}
	}
	// Top brand and price band both match: the Sony in band.
	f(summary("electronics.audio.headphone", "sony", 200, 400), nil, "h3")
	// Top brand preferred over the band; ties by id.
	f(summary("electronics.audio.headphone", "Sony", 0, 60), nil, "h1")
	// No brand: the band decides, then the id.
	f(summary("electronics.audio.headphone", "", 0, 60), nil, "h2")
	f(summary("electronics.audio.headphone", "", 0, 0), nil, "h1")
	// A band in another currency says nothing.
	f(schemas.Summary{Categories: []schemas.Weighted{{Name: "electronics.audio.headphone"}}, PriceBand: schemas.PriceBand{Min: 0, Max: 60, Currency: "EUR"}}, nil, "h1")
	// Never what was bought or recently advertised.
	f(summary("electronics.audio.headphone", "sony", 200, 400, "h3"), nil, "h1")
	f(summary("electronics.audio.headphone", "sony", 0, 400, "h1"), []string{"h3"}, "h2")
	// Everything in the leaf excluded: fall back to the parent level, then the root.
	f(summary("electronics.audio.headphone", "sony", 0, 400, "h1", "h2"), []string{"h3"}, "s1")
	f(summary("electronics.audio.headphone", "", 0, 1000, "h1", "h2", "h3", "s1"), nil, "t1")
	// A leaf with no products at all falls back up the path too.
	f(summary("electronics.audio.earbuds", "JBL", 0, 100), nil, "h2")
	// Nothing left anywhere on the path: no product, not one from another category.
	f(summary("electronics", "", 0, 0, "h1", "h2", "h3", "s1", "t1"), nil, "none")
	f(summary("garden.tools", "", 0, 0), nil, "none")
	f(schemas.Summary{}, nil, "none")
}

func TestCatalogPickIsDeterministic(t *testing.T) {
	products := catalogtest.RealProducts(t, 500)
	a, b := catalog.NewCatalog(products), catalog.NewCatalog(append(products[250:len(products):len(products)], products[:250]...))
	for _, p := range products {
		s := schemas.Summary{Categories: []schemas.Weighted{{Name: p.Category}}, Brands: []schemas.Weighted{{Name: p.Brand}},
			PriceBand: schemas.PriceBand{Min: p.Price / 2, Max: p.Price * 2, Currency: p.Currency}, Purchased: []string{p.ID}}
		x, okx := a.Pick(s, nil)
		y, oky := b.Pick(s, nil)
		if okx != oky || x != y {
			t.Fatalf("catalogue order changed the pick for %s: %v vs %v", p.ID, x.ID, y.ID)
		}
		if okx && x.ID == p.ID {
			t.Fatalf("picked the purchased product %s", p.ID)
		}
	}
}

func TestLeaf(t *testing.T) {
	if got := catalog.Leaf("appliances.kitchen.coffee_machine"); got != "coffee machine" {
		t.Errorf("Leaf = %q", got)
	}
	if got := catalog.Leaf("Beauty & Hygiene.Hair Care.Hair Oil & Serum"); got != "Hair Oil & Serum" {
		t.Errorf("Leaf = %q", got)
	}
}
