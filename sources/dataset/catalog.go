package dataset

import (
	"errors"
	"fmt"
	"io"

	"github.com/adshift/adshift/schemas"
)

// Catalogue formats LoadCatalog reads, besides FormatREES46 and FormatTaobao, whose catalogues
// are the distinct products seen in their event files.
const (
	CatalogBigBasket    = "bigbasket"
	CatalogOnlineRetail = "online-retail-products"
)

// Skips counts what a catalogue left out, by reason (the Reason constants): unusable rows, and
// for catalogues built from events, products that were never seen with a price or a title.
type Skips map[string]int

// Total is the number of rows and products left out.
func (s Skips) Total() int {
	n := 0
	for _, v := range s {
		n += v
	}
	return n
}

// LoadCatalog reads the products at path, in the order they first appear there:
//
//	bigbasket               BigBasket_Products_9col.csv: id = index, title = product, brand,
//	                        category = "category.sub_category.type" in snake case, price = sale_price INR
//	online-retail-products  products_catalog_derived.csv: id = StockCode, title = tidied Description,
//	                        price = median unit price GBP; charges such as POSTAGE are not products
//	rees46                  the event file's distinct products: id = product_id, brand, category as in
//	                        the events, last price seen in USD, title = brand + category leaf
//	                        ("Samsung smartphone")
//	taobao                  the event file's distinct items: id = item_id, category "taobao:<id>",
//	                        no title, brand or price (Price 0, Currency "": the price is unknown),
//	                        so their ads name no price
//
// Products with unusable rows are left out and counted in Skips.
func LoadCatalog(format, path string) ([]schemas.Product, Skips, error) {
	switch format {
	case CatalogBigBasket:
		return loadBigBasket(path)
	case CatalogOnlineRetail:
		return loadOnlineRetailProducts(path)
	case FormatREES46, FormatTaobao:
		return catalogFromEvents(format, path)
	}
	return nil, nil, fmt.Errorf("catalogue format %q: want %s, %s, %s or %s",
		format, CatalogBigBasket, CatalogOnlineRetail, FormatREES46, FormatTaobao)
}

// loadCSVCatalog reads a catalogue file with one product a row, mapped by product; a row it
// rejects with a *RowError is counted in Skips.
func loadCSVCatalog(format, path string, header []string, product func([]string, pos) (schemas.Product, error)) ([]schemas.Product, Skips, error) {
	rows, err := openCSV(format, path, header, len(header))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()

	skips := Skips{}
	var products []schemas.Product
	for {
		rec, p, err := rows.read()
		if err == nil {
			var prod schemas.Product
			if prod, err = product(rec, p); err == nil {
				products = append(products, prod)
				continue
			}
		}
		if err == io.EOF {
			return products, skips, nil
		}
		var rowErr *RowError
		if !errors.As(err, &rowErr) {
			return nil, nil, fmt.Errorf("load %s catalogue: %w", format, err)
		}
		skips[rowErr.Reason]++
	}
}
