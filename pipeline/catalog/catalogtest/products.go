// Package catalogtest reads real catalogue records from the project's shared data sets for the
// tests of the packages that pick, describe and advertise products (catalog, creative,
// creatives). Its paths are relative to a package folder one level under pipeline/, where go
// test runs those tests.
package catalogtest

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/schemas"
)

// Products is a small catalogue: Sony and JBL headphones at three prices, a speaker, a TV and a
// kettle, and two records a Catalog leaves out (no id, no category).
func Products() []schemas.Product {
	return []schemas.Product{
		{ID: "h3", Title: "Sony WH-1000", Brand: "Sony", Category: "electronics.audio.headphone", Price: 300, Currency: "USD"},
		{ID: "h2", Title: "JBL Tune", Brand: "JBL", Category: "electronics.audio.headphone", Price: 50, Currency: "USD"},
		{ID: "h1", Title: "Sony MDR", Brand: "Sony", Category: "Electronics.Audio.Headphone", Price: 80, Currency: "USD"},
		{ID: "s1", Title: "JBL Flip", Brand: "JBL", Category: "electronics.audio.speaker", Price: 120, Currency: "USD"},
		{ID: "t1", Title: "Samsung TV", Brand: "Samsung", Category: "electronics.video.tv", Price: 700, Currency: "USD"},
		{ID: "k1", Title: "Kettle", Brand: "Bosch", Category: "appliances.kitchen.kettle", Price: 40, Currency: "USD"},
		{ID: "", Title: "no id", Category: "electronics.audio.headphone"},
		{ID: "x1", Title: "no category"},
	}
}

// sharedData is the project's folder of real public data sets (see its README).
const sharedData = "../../../shared/data"

// RealProducts reads about n real catalogue records: BigBasket products (INR, with titles and
// brands) spread over the whole file, and REES46 products (USD, dotted categories, no titles).
func RealProducts(t testing.TB, n int) []schemas.Product {
	t.Helper()
	var out []schemas.Product
	bb := readCSV(t, filepath.Join(sharedData, "bigbasket", "BigBasket_Products_9col.csv"))
	// index,product,category,sub_category,brand,sale_price,market_price,type,rating
	step := max(1, len(bb)/(n*3/5))
	for i := 1; i < len(bb) && len(out) < n*3/5; i += step {
		r := bb[i]
		price, err := strconv.ParseFloat(r[5], 64)
		if err != nil {
			continue
		}
		out = append(out, schemas.Product{
			ID:       "bb-" + r[0],
			Title:    r[1],
			Brand:    r[4],
			Category: dotted(r[2], r[3], r[7]),
			Price:    price,
			Currency: "INR",
		})
	}
	rees := readCSV(t, filepath.Join(sharedData, "rees46", "2019-Oct_head17434.csv"))
	// event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
	seen := map[string]bool{}
	for _, r := range rees[1:] {
		if len(out) >= n {
			break
		}
		if r[4] == "" || seen[r[2]] {
			continue
		}
		price, err := strconv.ParseFloat(r[6], 64)
		if err != nil {
			continue
		}
		seen[r[2]] = true
		out = append(out, schemas.Product{
			ID:       r[2],
			Title:    strings.TrimSpace(r[5] + " " + catalog.Leaf(r[4])),
			Brand:    r[5],
			Category: r[4],
			Price:    price,
			Currency: "USD",
		})
	}
	if len(out) < n*9/10 {
		t.Fatalf("read only %d real products", len(out))
	}
	return out
}

func dotted(levels ...string) string {
	for i, l := range levels {
		levels[i] = strings.ReplaceAll(l, ".", " ")
	}
	return strings.Join(levels, ".")
}

func readCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open real data: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rows = append(rows, row)
	}
}
