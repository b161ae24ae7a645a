package embedding

import (
	"strings"

	"github.com/adshift/adshift/schemas"
)

// InterestText is what is embedded for an interest category: its path as words, levels joined
// by " > " whatever the separator ('.', '/', '>'), underscores as spaces —
// "appliances.kitchen.coffee_machine" → "appliances > kitchen > coffee machine".
func InterestText(category string) string {
	parts := strings.FieldsFunc(category, func(r rune) bool { return r == '.' || r == '/' || r == '>' })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(strings.ReplaceAll(p, "_", " ")); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " > ")
}

// ProductText is what is embedded for a product: its title and category path.
func ProductText(p *schemas.Product) string {
	cat := InterestText(p.Category)
	switch {
	case p.Title == "":
		return cat
	case cat == "":
		return p.Title
	}
	return p.Title + " (" + cat + ")"
}
