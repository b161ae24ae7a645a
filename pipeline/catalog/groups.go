package catalog

import "github.com/adshift/adshift/schemas"

// Placer places a product without a category in an interest group (interest.Groups does, by
// the product's id or else its title's words).
type Placer interface {
	Place(id, title string) (group string, ok bool)
}

// PlaceInGroups returns a copy of products in which every product without a category has the
// interest group g places it in as its category, so a shop without a category tree can be
// advertised from; products with a category keep it. It also returns how many it placed and
// how many it could not (no id, or a title sharing no word with any group): those stay
// without a category, and NewCatalog leaves them out.
func PlaceInGroups(products []schemas.Product, g Placer) (out []schemas.Product, placed, unplaced int) {
	out = make([]schemas.Product, len(products))
	copy(out, products)
	for i := range out {
		p := &out[i]
		if NormCategory(p.Category) != "" {
			continue
		}
		if group, ok := g.Place(p.ID, p.Title); ok && p.ID != "" {
			p.Category = group
			placed++
		} else {
			unplaced++
		}
	}
	return out, placed, unplaced
}
