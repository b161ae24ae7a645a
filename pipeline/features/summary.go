package features

import (
	"cmp"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// summary writes into dst the profile as a creative writer sees it now: the topK leaf
// categories (named by their full path) and brands on the short horizon, each list's weights
// normalised to sum 1, heaviest first; the price band; the intent stage; the locale; recent
// purchases. It reuses dst's arrays; an empty list is left empty, not nil.
func (p *profile) summary(dst *schemas.Summary, topK int, n *names) {
	cats, brands, purchased := dst.Categories[:0], dst.Brands[:0], dst.Purchased[:0]
	for _, c := range p.cats[:p.nCats] {
		if c.leaf() && c.short > 0 {
			cats = append(cats, schemas.Weighted{Name: n.name(c.nameID()), Weight: float64(c.short)})
		}
	}
	for _, b := range p.brands[:p.nBrands] {
		if b.short > 0 {
			brands = append(brands, schemas.Weighted{Name: n.name(b.id), Weight: float64(b.short)})
		}
	}
	for _, id := range p.purchased[:p.nPurchased] {
		purchased = append(purchased, n.name(id))
	}
	*dst = schemas.Summary{
		Categories:  top(cats, topK),
		Brands:      top(brands, topK),
		PriceBand:   p.priceBand(n),
		IntentStage: p.stage.String(),
		Locale:      n.name(p.locale),
		Purchased:   purchased,
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

// Horizon picks one of a profile's two horizons.
type Horizon uint8

// Horizons.
const (
	Short Horizon = iota
	Long
)

// topLeaves appends to dst the name ids of up to k leaf categories, heaviest first on horizon h
// (lowest id among equals).
func (p *profile) topLeaves(dst []uint32, k int, h Horizon) []uint32 {
	var best [maxCategories]slot
	nb := 0
	for _, c := range p.cats[:p.nCats] {
		if c.leaf() {
			best[nb] = c
			nb++
		}
	}
	w := func(s slot) float32 {
		if h == Long {
			return s.long
		}
		return s.short
	}
	slices.SortFunc(best[:nb], func(a, b slot) int {
		if c := cmp.Compare(w(b), w(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.nameID(), b.nameID())
	})
	for _, s := range best[:min(k, nb)] {
		dst = append(dst, s.nameID())
	}
	return dst
}
