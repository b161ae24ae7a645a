package dataset

import "github.com/adshift/adshift/schemas"

var onlineRetailProductsHeader = []string{"StockCode", "Description", "median_unit_price_gbp", "n_lines", "total_qty", "first_seen", "last_seen"}

func loadOnlineRetailProducts(path string) ([]schemas.Product, Skips, error) {
	return loadCSVCatalog(CatalogOnlineRetail, path, onlineRetailProductsHeader, onlineRetailProduct)
}

func onlineRetailProduct(rec []string, p pos) (schemas.Product, error) {
	code, title, median := rec[0], tidyTitle(rec[1]), rec[2]
	price, ok := parsePrice(median)
	switch {
	case code == "":
		return schemas.Product{}, rowErrorf(p, ReasonMissingProduct, "empty StockCode")
	case isServiceCode(code):
		return schemas.Product{}, rowErrorf(p, ReasonNotAProduct, "StockCode %s is a charge, not merchandise", code)
	case title == "":
		return schemas.Product{}, rowErrorf(p, ReasonMissingTitle, "empty Description")
	case !ok || price == 0:
		return schemas.Product{}, rowErrorf(p, ReasonBadPrice, "median price %q", median)
	}
	return schemas.Product{ID: code, Title: title, Price: price, Currency: "GBP"}, nil
}
