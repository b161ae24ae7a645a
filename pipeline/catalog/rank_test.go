package catalog_test

import (
	"errors"
	"testing"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/schemas"
)

func TestTaxonomyCloseness(t *testing.T) {
	f := func(interest, category string, want float64) {
		t.Helper()
		got := catalog.Taxonomy{}.Closeness(interest, &schemas.Product{Category: category})
		if d := got - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("Closeness(%q, %q) = %.3f, want %.3f", interest, category, got, want)
		}
	}
	f("electronics.audio.headphone", "electronics.audio.headphone", 1)
	f("Electronics/Audio/Headphones", "electronics.audio.headphone", 1)
	f("Electronics > Audio > Headphones", "electronics.audio.headphone", 1)
	f("Beauty & Hygiene/Hair Care", "beauty_hygiene.hair_care", 1)
	f("electronics.audio.headphone", "electronics.audio.speaker", 2.0/3)
	f("electronics.audio", "electronics.audio.headphone", 2.0/3)
	f("electronics.audio.headphone", "electronics.video.tv", 1.0/3)
	f("electronics.audio.headphone", "appliances.kitchen.kettle", 0)
	// One word names a level at any depth.
	f("Headphones", "electronics.audio.headphone", 1)
	f("audio", "electronics.audio.headphone", 2.0/3)
	f("Games", "electronics.games", 1)
	f("Games", "appliances.kitchen.kettle", 0)
	f("", "electronics", 0)
}

func TestRank(t *testing.T) {
	r := catalog.NewRanker(testCatalog(), catalog.RankConfig{})
	shift := func(interests []schemas.Weighted, lo, hi float64, purchased ...string) *schemas.Shift {
		return &schemas.Shift{Summary: schemas.Summary{Categories: interests,
			PriceBand: schemas.PriceBand{Min: lo, Max: hi, Currency: "USD"}, Purchased: purchased}}
	}
	one := func(name string) []schemas.Weighted { return []schemas.Weighted{{Name: name, Weight: 1}} }
	f := func(sh *schemas.Shift, recent []string, want string, wantRank int) {
		t.Helper()
		c, err := r.Rank(sh, recent)
		if err != nil {
			t.Errorf("Rank(%v, recent %v): %v, want %s", sh.Summary, recent, err, want)
			return
		}
		if c.Product.ID != want || c.Match.Rank != wantRank {
			t.Errorf("Rank(%v, recent %v) = %s at rank %d, want %s at %d", sh.Summary, recent, c.Product.ID, c.Match.Rank, want, wantRank)
		}
		if c.Match.Score <= 0 || c.Match.Interest == "" {
			t.Errorf("match %+v has no score or interest", c.Match)
		}
	}
	// The band decides between headphones; no band: the lowest id.
	f(shift(one("electronics.audio.headphone"), 200, 400), nil, "h3", 1)
	f(shift(one("electronics.audio.headphone"), 40, 60), nil, "h2", 1)
	f(shift(one("electronics.audio.headphone"), 0, 0), nil, "h1", 1)
	// The top brand first among equally close products.
	jbl := shift(one("electronics.audio.headphone"), 0, 0)
	jbl.Summary.Brands = []schemas.Weighted{{Name: "JBL", Weight: 1}}
	f(jbl, nil, "h2", 1)
	// Slashes, case, plurals and single words reach the same products.
	f(shift(one("Electronics/Audio/Headphones"), 40, 60), nil, "h2", 1)
	f(shift(one("Headphones"), 40, 60), nil, "h2", 1)
	// What was bought or shown is skipped; the rank says how many better ones were.
	f(shift(one("electronics.audio.headphone"), 0, 0, "h2"), []string{"h1"}, "h3", 3)
	// A headphone at five times the band is left out: the speaker near it comes first.
	f(shift(one("electronics.audio.headphone"), 40, 60, "h2"), []string{"h1"}, "s1", 3)
	// All headphones seen: a sibling leaf before another branch.
	f(shift(one("electronics.audio.headphone"), 0, 1000, "h1", "h2"), []string{"h3"}, "s1", 4)
	// The predicted interests win over the summary, weighted by their scores.
	sh := shift(one("electronics.audio.headphone"), 0, 0)
	sh.Predicted = []schemas.Weighted{{Name: "appliances.kitchen.kettle", Weight: 0.6}, {Name: "electronics.video.tv", Weight: 0.4}}
	f(sh, nil, "k1", 1)
	sh.Predicted = []schemas.Weighted{{Name: "appliances.kitchen", Weight: 0.3}, {Name: "electronics.video.tv", Weight: 0.7}}
	f(sh, nil, "t1", 1)

	g := func(sh *schemas.Shift, recent []string, reason string) {
		t.Helper()
		_, err := r.Rank(sh, recent)
		var e *catalog.NoProductError
		if !errors.As(err, &e) || e.Reason != reason || !errors.Is(err, catalog.ErrNoProduct) || e.Hint() == "" {
			t.Errorf("Rank(%v, %v) = %v, want %s", sh.Summary, recent, err, reason)
		}
	}
	g(shift(nil, 0, 0), nil, catalog.ReasonNoInterest)
	g(shift(one("garden.tools"), 0, 0), nil, catalog.ReasonNoCandidates)
	g(shift(one("Games"), 0, 0), nil, catalog.ReasonNoCandidates)
	g(shift(one("appliances.kitchen.kettle"), 0, 0), []string{"k1"}, catalog.ReasonAllRecentlyShown)
	g(shift(one("appliances"), 500, 900), nil, catalog.ReasonOutsidePriceBand)
}

// A ranking depends on the products, never on the order the catalogue listed them in.
func TestRankIsDeterministic(t *testing.T) {
	products := catalogtest.RealProducts(t, 500)
	a := catalog.NewRanker(catalog.NewCatalog(products), catalog.RankConfig{})
	b := catalog.NewRanker(catalog.NewCatalog(append(products[250:len(products):len(products)], products[:250]...)), catalog.RankConfig{})
	chosen := 0
	for _, p := range products {
		sh := &schemas.Shift{Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: p.Category, Weight: 1}},
			PriceBand: schemas.PriceBand{Min: p.Price / 2, Max: p.Price * 2, Currency: p.Currency}, Purchased: []string{p.ID}}}
		x, errx := a.Rank(sh, nil)
		y, erry := b.Rank(sh, nil)
		if (errx == nil) != (erry == nil) || x != y {
			t.Fatalf("catalogue order changed the choice for %s: %v vs %v", p.ID, x, y)
		}
		if errx == nil {
			chosen++
			if x.Product.ID == p.ID {
				t.Fatalf("chose the purchased product %s", p.ID)
			}
		}
	}
	if chosen < len(products)/2 {
		t.Errorf("only %d of %d shoppers got a product", chosen, len(products))
	}
}
