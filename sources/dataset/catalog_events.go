package dataset

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adshift/adshift/schemas"
)

// catalogFromEvents gathers the distinct products of an event dataset, keeping for each the last
// brand, category and non-zero price seen.
func catalogFromEvents(format, path string) ([]schemas.Product, Skips, error) {
	r, err := Open(format, path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()

	index := map[string]int{}
	var products []schemas.Product
	skips, err := each(r, func(e schemas.Event) {
		for _, it := range lineItems(e) {
			i, ok := index[it.ProductID]
			if !ok {
				i = len(products)
				index[it.ProductID] = i
				products = append(products, schemas.Product{ID: it.ProductID})
			}
			p := &products[i]
			p.Brand, p.Category = it.Brand, it.Category
			if it.Price > 0 {
				p.Price, p.Currency = it.Price, e.Properties.Currency
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("load %s catalogue: %w", format, err)
	}

	kept := products[:0]
	for _, p := range products {
		if format == FormatREES46 {
			p.Title = rees46Title(p.Brand, p.Category)
			if p.Price == 0 {
				skips[ReasonBadPrice]++
				continue
			}
			if p.Title == "" {
				skips[ReasonMissingTitle]++
				continue
			}
		}
		kept = append(kept, p)
	}
	return kept, skips, nil
}

// lineItems returns the products an event is about.
func lineItems(e schemas.Event) []schemas.LineItem {
	if e.Event == schemas.OrderCompleted {
		return e.Properties.Products
	}
	p := e.Properties
	return []schemas.LineItem{{ProductID: p.ProductID, Brand: p.Brand, Category: p.Category, Price: p.Price}}
}

// rees46Title names a REES46 product, which has no title of its own, by its brand and the leaf of
// its category: "samsung" in "electronics.smartphone" is "Samsung smartphone", a sofa without a
// brand "Sofa". A product with
// only a numeric category id is named by its brand alone; one with neither gets no title.
func rees46Title(brand, category string) string {
	var leaf string
	if !strings.HasPrefix(category, "category_id:") {
		leaf = strings.ReplaceAll(category[strings.LastIndexByte(category, '.')+1:], "_", " ")
	}
	title := strings.TrimSpace(brand + " " + leaf)
	if title == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(title)
	return string(unicode.ToUpper(r)) + title[n:]
}
