package dataset

import (
	"strings"
	"unicode"

	"github.com/adshift/adshift/schemas"
)

var bigBasketHeader = []string{"index", "product", "category", "sub_category", "brand", "sale_price", "market_price", "type", "rating"}

func loadBigBasket(path string) ([]schemas.Product, Skips, error) {
	return loadCSVCatalog(CatalogBigBasket, path, bigBasketHeader, bigBasketProduct)
}

func bigBasketProduct(rec []string, p pos) (schemas.Product, error) {
	index, title, category, sub, brand, salePrice, marketPrice, kind := rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7]
	title = strings.Join(strings.Fields(title), " ")
	price, ok := parsePrice(salePrice)
	switch {
	case index == "":
		return schemas.Product{}, rowErrorf(p, ReasonMissingProduct, "empty index")
	case title == "":
		return schemas.Product{}, rowErrorf(p, ReasonMissingTitle, "empty product")
	case !ok || price == 0:
		return schemas.Product{}, rowErrorf(p, ReasonBadPrice, "sale_price %q", salePrice)
	}
	// The market price is the undiscounted one: copy may state the discount to it.
	var listPrice float64
	if mp, ok := parsePrice(marketPrice); ok && mp > price {
		listPrice = mp
	}
	return schemas.Product{
		ID:        index,
		Title:     title,
		Brand:     strings.Join(strings.Fields(brand), " "),
		Category:  snake(category) + "." + snake(sub) + "." + snake(kind),
		Price:     price,
		ListPrice: listPrice,
		Currency:  "INR",
	}, nil
}

// snake writes a category name the way REES46 writes its category paths: "Kitchen, Garden &
// Pets" becomes "kitchen_garden_pets", "Men's Grooming" "mens_grooming".
func snake(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r == '\'' || r == '’' { // "men's" is one word
			continue
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteRune(r)
		gap = false
	}
	return b.String()
}
