package catalog_test

import (
	"testing"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/schemas"
)

// BenchmarkRank ranks a real catalogue for shifts of its own categories, with five interests
// each: the work the creatives stage does per shift.
func BenchmarkRank(b *testing.B) {
	products := catalogtest.RealProducts(b, 5000)
	r := catalog.NewRanker(catalog.NewCatalog(products), catalog.RankConfig{})
	shifts := make([]schemas.Shift, 0, 100)
	for i := 0; i < len(products) && len(shifts) < cap(shifts); i += len(products) / cap(shifts) {
		var in []schemas.Weighted
		for j := range 5 {
			in = append(in, schemas.Weighted{Name: products[(i+j*37)%len(products)].Category, Weight: 1 / float64(j+1)})
		}
		p := products[i]
		shifts = append(shifts, schemas.Shift{Predicted: in, Summary: schemas.Summary{
			PriceBand: schemas.PriceBand{Min: p.Price / 2, Max: p.Price * 2, Currency: p.Currency}}})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := r.Rank(&shifts[i%len(shifts)], nil); err != nil {
			b.Fatal(err)
		}
	}
}
