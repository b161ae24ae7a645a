package features

import (
	"cmp"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// summary is the profile as a creative writer sees it: the topK leaf categories (named by their
// full path) and brands, each list's weights normalised to sum 1, heaviest first.
func (p *profile) summary(topK int) schemas.Summary {
	cats := make([]schemas.Weighted, 0, len(p.cats))
	for _, c := range p.cats {
		if c.leaf > 0 {
			cats = append(cats, schemas.Weighted{Name: c.path, Weight: c.leaf})
		}
	}
	brands := make([]schemas.Weighted, 0, len(p.brands))
	for _, b := range p.brands {
		if b.w <= 0 {
			continue // a zero event weight adds a brand without interest
		}
		brands = append(brands, schemas.Weighted{Name: b.name, Weight: b.w})
	}
	return schemas.Summary{
		Categories:  top(cats, topK),
		Brands:      top(brands, topK),
		PriceBand:   p.band,
		IntentStage: p.stage.String(),
		Locale:      p.locale,
		Purchased:   slices.Clone(p.purchased),
	}
}

// top sorts ws heaviest first (by name among equals, so the order is stable), keeps k and
// normalises what is kept to sum 1.
func top(ws []schemas.Weighted, k int) []schemas.Weighted {
	slices.SortFunc(ws, func(a, b schemas.Weighted) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	ws = ws[:min(k, len(ws))]
	var sum float64
	for _, w := range ws {
		sum += w.Weight
	}
	for i := range ws {
		ws[i].Weight /= sum
	}
	return ws
}
