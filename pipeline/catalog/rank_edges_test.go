package catalog

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// A mutant left alive on purpose: Levels starting its scan at the path's second byte, as
// NormCategory's paths never start with a '.'.

// priceFit is 1 inside the band and 1 - ln(ratio)/ln(MaxPriceRatio) outside it, down to 0 at
// the ratio; beyond it the product is excluded. With no limit it falls over a ratio of 4.
func TestPriceFitAtItsEdges(t *testing.T) {
	usd := schemas.PriceBand{Min: 100, Max: 200, Currency: "USD"}
	f := func(maxRatio, price float64, currency string, b schemas.PriceBand, want float64, wantOK bool) {
		t.Helper()
		r := NewRanker(NewCatalog(nil), RankConfig{MaxPriceRatio: maxRatio})
		got, ok := r.priceFit(price, currency, b)
		if ok != wantOK || math.Abs(got-want) > 1e-12 {
			t.Errorf("ratio %g: priceFit(%g %s, %+v) = %g, %v; want %g, %v", maxRatio, price, currency, b, got, ok, want, wantOK)
		}
	}
	f(0, 150, "USD", usd, 1, true)
	f(0, 200, "USD", usd, 1, true)
	f(0, 100, "USD", usd, 1, true)
	f(0, 400, "USD", usd, 0.5, true) // twice the maximum, ratio 4 by default: half-way
	f(0, 50, "USD", usd, 0.5, true)  // half the minimum
	f(0, 800, "USD", usd, 0, true)   // exactly at the ratio: kept, with no fit left
	f(0, 801, "USD", usd, 0, false)
	f(0, 25, "USD", usd, 0, true)
	f(0, 24, "USD", usd, 0, false)
	f(2, 300, "USD", usd, 1-math.Log(1.5)/math.Log(2), true)
	f(0.5, 400, "USD", usd, 0, false)
	f(-1, 400, "USD", usd, 0.5, true)                                // no limit: falls over a ratio of 4
	f(-1, 3200, "USD", usd, 0, true)                                 // and is never excluded
	f(0, 150, "", usd, 1, true)                                      // a product without a currency is read in the band's
	f(0, 150, "USD", schemas.PriceBand{Min: 100, Max: 200}, 1, true) // a band without one likewise
	f(0, 5000, "EUR", usd, 0.5, true)                                // another currency says nothing
	f(0, 5000, "USD", schemas.PriceBand{}, 0.5, true)
	f(0, 0, "USD", usd, 0.5, true) // no price says nothing
}

func TestRankReadsTheFirstFiveInterestsByWeight(t *testing.T) {
	cat := NewCatalog([]schemas.Product{
		{ID: "a", Category: "garden.tools.spade"},
		{ID: "b", Category: "garden.tools.rake"},
		{ID: "k", Category: "kitchen.kettle"},
		{ID: "t", Category: "toys.blocks"},
	})
	r := NewRanker(cat, RankConfig{})
	rank := func(interests ...schemas.Weighted) (string, error) {
		c, err := r.Rank(&schemas.Shift{Predicted: interests}, nil)
		return c.Product.ID, err
	}
	other := func(name string) schemas.Weighted { return schemas.Weighted{Name: name, Weight: 1} }
	five := []schemas.Weighted{other("books.a"), other("books.b"), other("books.c"), other("books.d")}
	if id, err := rank(append(slices.Clone(five), other("toys.blocks"))...); err != nil || id != "t" {
		t.Errorf("the fifth interest: %q, %v; want t", id, err)
	}
	if _, err := rank(append(slices.Clone(five), other("books.e"), other("toys.blocks"))...); !errors.Is(err, ErrNoProduct) {
		t.Errorf("a sixth interest was read: %v", err)
	}
	// Weighted relative to the best: a product of the half-weight interest's own category
	// (1 × 0.5) loses to a sibling of the top interest's (2/3 × 1).
	if id, err := rank(schemas.Weighted{Name: "garden.tools.hoe", Weight: 1}, schemas.Weighted{Name: "kitchen.kettle", Weight: 0.5}); err != nil || id != "a" {
		t.Errorf("weighted interests: %q, %v; want a", id, err)
	}
	// Interests without weights weigh alike.
	if id, err := rank(schemas.Weighted{Name: "garden.tools.hoe"}, schemas.Weighted{Name: "kitchen.kettle"}); err != nil || id != "k" {
		t.Errorf("unweighted interests: %q, %v; want k", id, err)
	}
}

type fixedCloseness map[string]float64 // product id -> closeness

func (c fixedCloseness) Closeness(_ string, p *schemas.Product) float64 { return c[p.ID] }

func TestRankAsksAnotherClosenessAboutEveryProduct(t *testing.T) {
	cat := NewCatalog([]schemas.Product{{ID: "a", Category: "x"}, {ID: "b", Category: "y"}})
	r := NewRanker(cat, RankConfig{Closeness: fixedCloseness{"b": 0.9, "a": 0.2}})
	c, err := r.Rank(&schemas.Shift{Predicted: []schemas.Weighted{{Name: "anything", Weight: 1}}}, nil)
	if err != nil || c.Product.ID != "b" {
		t.Errorf("Rank = %q, %v; want b, the closest by the configured closeness", c.Product.ID, err)
	}
}

func TestCatalogBrandsAndLevels(t *testing.T) {
	cat := NewCatalog([]schemas.Product{{ID: "a", Brand: "Acme ", Category: "x"}, {ID: "b", Brand: "acme", Category: "x"}, {ID: "c", Brand: "Zed", Category: "x"}})
	got := cat.Brands()
	slices.Sort(got)
	if !slices.Equal(got, []string{"acme", "zed"}) {
		t.Errorf("Brands() = %q, want [acme zed]", got)
	}
	// Only words longer than three letters lose a plural s.
	if got := PathLevels("Gas/Glass/Tools"); !slices.Equal(got, []string{"gas", "glass", "tool"}) {
		t.Errorf("PathLevels = %q", got)
	}
}

// Pick starts at the most specific level: the leaf's top-brand product out of band beats the
// parent's in band.
func TestPickStartsAtTheLeaf(t *testing.T) {
	cat := NewCatalog([]schemas.Product{
		{ID: "h2", Brand: "JBL", Category: "electronics.audio.headphone", Price: 50, Currency: "USD"},
		{ID: "s1", Brand: "JBL", Category: "electronics.audio.speaker", Price: 120, Currency: "USD"},
	})
	s := schemas.Summary{Categories: []schemas.Weighted{{Name: "electronics.audio.headphone", Weight: 1}},
		Brands: []schemas.Weighted{{Name: "JBL", Weight: 1}}, PriceBand: schemas.PriceBand{Min: 100, Max: 200, Currency: "USD"}}
	if p, ok := cat.Pick(s, nil); !ok || p.ID != "h2" {
		t.Errorf("Pick = %q, %v; want h2", p.ID, ok)
	}
}
