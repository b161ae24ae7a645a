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

// EventCategories calls fn for each distinct category ev names, in order, up to the
// interest.StateSize a shopper's state holds: its own, then its products', cleaned as a
// profile reads them. An order of ten lines in three groups is three interests, not one.
func EventCategories(ev *schemas.Event, fn func(category string)) {
	var seen [interest.StateSize]string
	n := 0
	emit := func(c string) {
		if c = cleanCategory(c); c == "" || n == len(seen) {
			return
		}
		for _, s := range seen[:n] {
			if s == c {
				return
			}
		}
		seen[n] = c
		n++
		fn(c)
	}
	emit(ev.Properties.Category)
	for i := range ev.Properties.Products {
		emit(ev.Properties.Products[i].Category)
	}
}
