package creative

import (
	"maps"
	"slices"

	"github.com/adshift/adshift/schemas"
)

// verdictsMax bounds the judgements a grounding keeps; a full memory starts again empty. A
// record gets few distinct creatives: the template writes the same copy for every shopper of an
// arm's structure.
const verdictsMax = 48

// verdictKey is everything a judgement depends on besides the record and the guard's brands: the
// copy and the placement limits. The shoppers it is shown to are checked on every verdict.
type verdictKey struct {
	c      schemas.Creative
	limits [3]int
}

// verdict returns the guard's verdict on c for shopperIDs against gr. The rules that read the
// copy and the record are judged once per guard, record and creative, for every shopper it is
// shown to: the template's last check of a creative and the stage's check of the same creative
// are one judgement when they share a guard. Only the shopper rule runs every time. A nil cache
// judges every time.
func (g Guard) verdict(c schemas.Creative, gr *grounding, shopperIDs []string) []Violation {
	if g.grounded == nil {
		return g.check(c, gr, shopperIDs)
	}
	key := verdictKey{c, g.limits()}
	gr.mu.Lock()
	j, ok := gr.verdicts[key]
	gr.mu.Unlock()
	if !ok {
		j = g.judge(c, gr)
		gr.mu.Lock()
		if gr.verdicts == nil || len(gr.verdicts) >= verdictsMax {
			gr.verdicts = make(map[verdictKey]*judgement)
		}
		gr.verdicts[key] = j
		gr.mu.Unlock()
	}
	return j.forShoppers(shopperIDs)
}

// limits are the guard's placement limits, defaults filled in.
func (g Guard) limits() [3]int {
	return [3]int{or(g.HeadlineMax, DefaultHeadlineMax), or(g.BodyMax, DefaultBodyMax), or(g.CTAMax, DefaultCTAMax)}
}

// Same reports whether g and h judge every creative alike: the same limits and the same brands.
// A stage whose generator's guard is the same as its own shares it (see Template.Guard), so a
// creative the generator checked is judged once.
func (g Guard) Same(h Guard) bool {
	return g.limits() == h.limits() && sameBrands(g.brands, h.brands)
}

// sameBrands reports whether two brand sets hold the same names, in whatever order they were
// given (a catalogue lists its brands in no order).
func sameBrands(a, b *brandSet) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || a.maxWords == b.maxWords && maps.Equal(a.names, b.names) && sameStrings(a.han, b.han) &&
		maps.EqualFunc(a.near, b.near, sameStrings)
}

// sameStrings reports whether a and b hold the same strings, as many times each.
func sameStrings(a, b []string) bool {
	return len(a) == len(b) && slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
