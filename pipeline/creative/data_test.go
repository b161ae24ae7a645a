package creative

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// sharedData is the project's folder of real public data sets (see its README).
const sharedData = "../../../shared/data"

// realProducts reads about n real catalogue records: BigBasket products (INR, with titles and
// brands) spread over the whole file, and REES46 products (USD, dotted categories, no titles).
func realProducts(t *testing.T, n int) []schemas.Product {
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
			Title:    strings.TrimSpace(r[5] + " " + Leaf(r[4])),
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

func readCSV(t *testing.T, path string) [][]string {
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

func writeFile(t *testing.T, path string, body []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
}
