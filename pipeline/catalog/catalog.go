package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// Catalog is the set of products ads may be grounded on, indexed by every level of their dotted
// category path ("electronics", "electronics.audio", "electronics.audio.headphone") and by brand.
// Categories and brands match case-insensitively. A Catalog is immutable and safe for concurrent
// use.
type Catalog struct {
	products []schemas.Product // sorted by id
	category []string          // products[i]'s category path, normalised
	byLevel  map[string][]int  // category path prefix -> indices into products, ascending
	byBrand  map[string][]int  // brand -> indices into products, ascending
	levels   [][]string        // products[i]'s category levels as Taxonomy reads them (PathLevels)
	byName   map[string][]int  // a level of PathLevels, at any depth -> indices into products, ascending
}

// NewCatalog indexes products. Products without an id or a category cannot be advertised and
// are left out; of several records with one id, the first is kept.
func NewCatalog(products []schemas.Product) *Catalog {
	ps := make([]schemas.Product, 0, len(products))
	for _, p := range products {
		if p.ID != "" && NormCategory(p.Category) != "" {
			ps = append(ps, p)
		}
	}
	slices.SortStableFunc(ps, func(a, b schemas.Product) int { return cmp.Compare(a.ID, b.ID) })
	ps = slices.CompactFunc(ps, func(a, b schemas.Product) bool { return a.ID == b.ID })

	c := &Catalog{
		products: ps,
		category: make([]string, len(ps)),
		byLevel:  make(map[string][]int),
		byBrand:  make(map[string][]int),
		levels:   make([][]string, len(ps)),
		byName:   make(map[string][]int),
	}
	for i, p := range ps {
		path := NormCategory(p.Category)
		c.category[i] = path
		for _, level := range Levels(path) {
			c.byLevel[level] = append(c.byLevel[level], i)
		}
		c.levels[i] = PathLevels(p.Category)
		for j, l := range c.levels[i] {
			if !slices.Contains(c.levels[i][:j], l) {
				c.byName[l] = append(c.byName[l], i)
			}
		}
		if b := NormName(p.Brand); b != "" {
			c.byBrand[b] = append(c.byBrand[b], i)
		}
	}
	return c
}

// Product returns the product with id.
func (c *Catalog) Product(id string) (schemas.Product, bool) {
	i, ok := slices.BinarySearchFunc(c.products, id, func(p schemas.Product, id string) int { return cmp.Compare(p.ID, id) })
	if !ok {
		return schemas.Product{}, false
	}
	return c.products[i], true
}

// Brands returns every brand of the catalogue, lower-cased, in no particular order.
func (c *Catalog) Brands() []string {
	out := make([]string, 0, len(c.byBrand))
	for b := range c.byBrand {
		out = append(out, b)
	}
	return out
}

// Len is the number of products in the catalog.
func (c *Catalog) Len() int { return len(c.products) }

// Pick chooses the product to advertise to a shopper: one in their top category, at the most
// specific level of its path that has a product they may be shown, falling back up the path.
// Within that level it prefers the top brand, then a price inside the price band, then the
// lowest id, so the same summary always gives the same product. It never returns a product in
// summary.Purchased or in recent (the products recently advertised to the shopper).
func (c *Catalog) Pick(summary schemas.Summary, recent []string) (schemas.Product, bool) {
	if len(summary.Categories) == 0 {
		return schemas.Product{}, false
	}
	eligible := func(i int) bool {
		id := c.products[i].ID
		return !slices.Contains(summary.Purchased, id) && !slices.Contains(recent, id)
	}
	inBand := func(i int) bool { return priceInBand(c.products[i], summary.PriceBand) }
	var brand string
	if len(summary.Brands) > 0 {
		brand = NormName(summary.Brands[0].Name)
	}

	path := Levels(NormCategory(summary.Categories[0].Name))
	for j := len(path) - 1; j >= 0; j-- {
		level := path[j]
		if brand != "" {
			ofLevel := func(i int) bool { return within(c.category[i], level) && eligible(i) }
			if i, ok := pickFrom(c.byBrand[brand], ofLevel, inBand); ok {
				return c.products[i], true
			}
		}
		if i, ok := pickFrom(c.byLevel[level], eligible, inBand); ok {
			return c.products[i], true
		}
	}
	return schemas.Product{}, false
}

// pickFrom returns the first of the ascending indices that may be shown and is in the price
// band, else the first that may be shown.
func pickFrom(indices []int, shown, inBand func(int) bool) (int, bool) {
	first := -1
	for _, i := range indices {
		if !shown(i) {
			continue
		}
		if inBand(i) {
			return i, true
		}
		if first < 0 {
			first = i
		}
	}
	return first, first >= 0
}

// priceInBand reports whether p's price is inside the band. A band that is unset or in another
// currency says nothing about p, so every price is inside it.
func priceInBand(p schemas.Product, b schemas.PriceBand) bool {
	if b.Max <= 0 || (b.Currency != "" && p.Currency != "" && !strings.EqualFold(b.Currency, p.Currency)) {
		return true
	}
	return p.Price >= b.Min && p.Price <= b.Max
}

// Levels returns every prefix of a dotted path, most general first: "a.b.c" -> a, a.b, a.b.c.
func Levels(path string) []string {
	if path == "" {
		return nil
	}
	var out []string
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			out = append(out, path[:i])
		}
	}
	return append(out, path)
}

// within reports whether category path lies at or under level.
func within(path, level string) bool {
	return path == level || (strings.HasPrefix(path, level) && path[len(level)] == '.')
}

// NormCategory lower-cases a dotted path and trims its levels, dropping empty ones.
func NormCategory(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p = NormName(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

// NormName is how the catalogue compares brand and category names: lower-cased and trimmed.
func NormName(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Leaf is the most specific level of a dotted category path, as a phrase: "appliances.kitchen.
// coffee_machine" -> "coffee machine".
func Leaf(category string) string {
	leaf := category
	if i := strings.LastIndexByte(category, '.'); i >= 0 {
		leaf = category[i+1:]
	}
	return strings.TrimSpace(strings.ReplaceAll(leaf, "_", " "))
}
