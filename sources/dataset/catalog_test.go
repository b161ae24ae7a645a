package dataset

import (
	"reflect"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func loadCatalog(t *testing.T, format, path string) ([]schemas.Product, Skips) {
	t.Helper()
	products, skips, err := LoadCatalog(format, path)
	if err != nil {
		t.Fatal(err)
	}
	return products, skips
}

func findProduct(t *testing.T, products []schemas.Product, id string) schemas.Product {
	t.Helper()
	for _, p := range products {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no product %s", id)
	return schemas.Product{}
}

func TestCatalogs(t *testing.T) {
	for _, c := range []struct {
		format, path string
		products     int
		skips        Skips
		known        schemas.Product
	}{
		{
			CatalogBigBasket, bigBasketFile, 27554, Skips{ReasonMissingTitle: 1},
			schemas.Product{
				ID: "1", Title: "Garlic Oil - Vegetarian Capsule 500 mg", Brand: "Sri Sri Ayurveda",
				Category: "beauty_hygiene.hair_care.hair_oil_serum", Price: 220, Currency: "INR",
			},
		},
		{
			// Sold under its market price: the discount is grounded.
			CatalogBigBasket, bigBasketFile, 27554, Skips{ReasonMissingTitle: 1},
			schemas.Product{
				ID: "3", Title: "Brass Angle Deep - Plain, No.2", Brand: "Trm",
				Category: "cleaning_household.pooja_needs.lamp_lamp_oil", Price: 119, ListPrice: 250, Currency: "INR",
			},
		},
		{
			CatalogOnlineRetail, onlineRetailCat, 3907, Skips{ReasonNotAProduct: 14, ReasonBadPrice: 1},
			schemas.Product{ID: "85123A", Title: "White hanging heart T-light holder", Price: 2.95, Currency: "GBP"},
		},
		{
			FormatREES46, rees46File, 5654, Skips{ReasonMissingTitle: 825, ReasonBadPrice: 14},
			schemas.Product{
				ID: "1307067", Title: "Lenovo notebook", Brand: "lenovo", Category: "computers.notebook",
				Price: 251.74, Currency: "USD",
			},
		},
		{
			FormatTaobao, taobaoFile, 55368, Skips{},
			schemas.Product{ID: "2268318", Category: "taobao:2520377"},
		},
	} {
		t.Run(c.format, func(t *testing.T) {
			products, skips := loadCatalog(t, c.format, c.path)
			if len(products) != c.products || !reflect.DeepEqual(skips, c.skips) {
				t.Errorf("%d products, skipped %v; want %d, skipped %v", len(products), skips, c.products, c.skips)
			}
			if got := findProduct(t, products, c.known.ID); got != c.known {
				t.Errorf("product %s\n got %+v\nwant %+v", c.known.ID, got, c.known)
			}
			ids := map[string]bool{}
			for _, p := range products {
				if ids[p.ID] {
					t.Fatalf("product %s listed twice", p.ID)
				}
				ids[p.ID] = true
				if c.format != FormatTaobao && (p.Title == "" || p.Price <= 0 || p.Currency == "") {
					t.Fatalf("product %+v cannot ground an ad", p)
				}
			}
			again, _ := loadCatalog(t, c.format, c.path)
			if !reflect.DeepEqual(again, products) {
				t.Error("a second load gives a different catalogue")
			}
		})
	}
}

// Every product of a catalogue built from events carries the price it was last seen at.
func TestREES46CatalogKeepsTheLastPrice(t *testing.T) {
	products, _ := loadCatalog(t, FormatREES46, rees46File)
	events, _ := readAll(t, FormatREES46, rees46File)
	last := map[string]float64{}
	for _, e := range events {
		for _, it := range lineItems(e) {
			if it.Price > 0 {
				last[it.ProductID] = it.Price
			}
		}
	}
	for _, p := range products {
		if p.Price != last[p.ID] {
			t.Fatalf("product %s priced %v, last seen at %v", p.ID, p.Price, last[p.ID])
		}
	}
}

func TestLoadCatalogRejects(t *testing.T) {
	if _, _, err := LoadCatalog("amazon", bigBasketFile); err == nil || !strings.Contains(err.Error(), `"amazon"`) {
		t.Errorf("unknown format: %v", err)
	}
	if _, _, err := LoadCatalog(CatalogBigBasket, onlineRetailCat); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("wrong file: %v", err)
	}
}
