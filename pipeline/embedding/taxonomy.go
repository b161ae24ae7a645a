package embedding

import "github.com/adshift/adshift/pipeline/catalog"

// levelOverlap is the taxonomy's closeness, the fallback when none is given: the levels two
// dotted category paths share from the top, over the longer path's levels, compared as the
// catalogue compares them (catalog.NormCategory) — 1 for the same category, 0.5 for
// "a.b" against "a.c", 0 for nothing in common.
func levelOverlap(interest, category string) float64 {
	a, b := catalog.Levels(catalog.NormCategory(interest)), catalog.Levels(catalog.NormCategory(category))
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	shared := 0
	for shared < min(len(a), len(b)) && a[shared] == b[shared] {
		shared++
	}
	return float64(shared) / float64(max(len(a), len(b)))
}
