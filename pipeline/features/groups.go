package features

import (
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// FillGroups gives every product ev names without a category the interest group g places it
// in (by its id, else its title), so that profiles, shifts and the model read groups where a
// shop has no category tree. Products with a category keep it; a nil g changes nothing.
func FillGroups(ev *schemas.Event, g *interest.Groups) {
	if g == nil {
		return
	}
	props := &ev.Properties
	if props.Category == "" && props.ProductID != "" {
		if name, ok := g.Place(props.ProductID, props.Name); ok {
			props.Category = name
		}
	}
	for i := range props.Products {
		it := &props.Products[i]
		if it.Category != "" || it.ProductID == "" {
			continue
		}
		if name, ok := g.Place(it.ProductID, it.Name); ok {
			it.Category = name
		}
	}
}

// EventCategories calls fn for each distinct category ev names, in the order they first come:
// its own, then its products', cleaned as a profile reads them. An order of ten lines in three
// groups is three interests, not one. It allocates nothing (a large order costs a scan of its
// earlier lines per line).
func EventCategories(ev *schemas.Event, fn func(category string)) {
	props := &ev.Properties
	own := cleanCategory(props.Category)
	if own != "" {
		fn(own)
	}
	for i := range props.Products {
		c := cleanCategory(props.Products[i].Category)
		if c == "" || c == own || seenBefore(props.Products[:i], c) {
			continue
		}
		fn(c)
	}
}

// seenBefore reports whether one of items is in category c.
func seenBefore(items []schemas.LineItem, c string) bool {
	for j := range items {
		if cleanCategory(items[j].Category) == c {
			return true
		}
	}
	return false
}
