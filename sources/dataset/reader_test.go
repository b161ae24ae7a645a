package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

const (
	rees46File       = "../../../shared/data/rees46/2019-Oct_head17434.csv"
	taobaoFile       = "../../../shared/data/taobao/UserBehavior_first815users.csv"
	onlineRetailDir  = "../../../shared/data/online-retail/by-day"
	onlineRetailCat  = "../../../shared/data/online-retail/products_catalog_derived.csv"
	bigBasketFile    = "../../../shared/data/bigbasket/BigBasket_Products_9col.csv"
	rees46SampleFile = "../../data/sample/rees46-sample.csv"
)

// readAll reads a dataset to the end, returning its events and its row errors.
func readAll(t testing.TB, format, path string) ([]schemas.Event, []*RowError) {
	t.Helper()
	r, err := Open(format, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var events []schemas.Event
	var bad []*RowError
	for {
		e, err := r.Next()
		if err == io.EOF {
			return events, bad
		}
		var rowErr *RowError
		if errors.As(err, &rowErr) {
			bad = append(bad, rowErr)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
}

func countEvents(events []schemas.Event) map[string]int {
	n := map[string]int{}
	for _, e := range events {
		n[e.Event]++
	}
	return n
}

func countReasons(bad []*RowError) map[string]int {
	n := map[string]int{}
	for _, e := range bad {
		n[e.Reason]++
	}
	return n
}

// eventAt returns the event made from the row at line of file.
func eventAt(t *testing.T, events []schemas.Event, format, file string, line int) schemas.Event {
	t.Helper()
	id := messageID(format, file, line)
	for _, e := range events {
		if e.MessageID == id {
			return e
		}
	}
	t.Fatalf("no event from %s:%d", file, line)
	return schemas.Event{}
}

func assertEvent(t *testing.T, got, want schemas.Event) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("event\n got %s\nwant %s", g, w)
	}
}

func TestREES46(t *testing.T) {
	events, bad := readAll(t, FormatREES46, rees46File)
	if len(bad) != 0 {
		t.Fatalf("row errors %v, want none", countReasons(bad))
	}
	want := map[string]int{schemas.ProductViewed: 17055, schemas.ProductAdded: 165, schemas.OrderCompleted: 214}
	if got := countEvents(events); !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	const file = "2019-Oct_head17434.csv"

	assertEvent(t, events[0], schemas.Event{
		Type: "track", Event: schemas.ProductViewed, UserID: "541312140",
		MessageID: messageID(FormatREES46, file, 2),
		Timestamp: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC),
		Properties: schemas.Properties{
			ProductID: "44600062", Brand: "shiseido", Category: "category_id:2103807459595387724",
			Price: 35.79, Currency: "USD",
		},
	})
	assertEvent(t, eventAt(t, events, FormatREES46, file, 333), schemas.Event{
		Type: "track", Event: schemas.ProductAdded, UserID: "550121407",
		MessageID: messageID(FormatREES46, file, 333),
		Timestamp: time.Date(2019, 10, 1, 0, 5, 14, 0, time.UTC),
		Properties: schemas.Properties{
			ProductID: "5100816", Brand: "xiaomi", Category: "category_id:2053013553375346967",
			Price: 29.51, Currency: "USD", Quantity: 1,
		},
	})
	order := eventAt(t, events, FormatREES46, file, 164)
	assertEvent(t, order, schemas.Event{
		Type: "track", Event: schemas.OrderCompleted, UserID: "543272936",
		MessageID: messageID(FormatREES46, file, 164),
		Timestamp: time.Date(2019, 10, 1, 0, 2, 14, 0, time.UTC),
		Properties: schemas.Properties{
			OrderID: order.Properties.OrderID, Revenue: 130.76, Currency: "USD",
			Products: []schemas.LineItem{{
				ProductID: "1004856", Brand: "samsung", Category: "electronics.smartphone", Price: 130.76, Quantity: 1,
			}},
		},
	})
	if want := shortHash(16, "8187d148-3c41-46d4-b0c0-9c08cd9dc564", "1004856", "2019-10-01 00:02:14 UTC"); order.Properties.OrderID != want {
		t.Errorf("order_id %q, want the hash of session, product and time %q", order.Properties.OrderID, want)
	}
	// A price of 0.00 is the store not knowing it: the view stays, without a price.
	unpriced := eventAt(t, events, FormatREES46, file, 2261)
	if unpriced.Properties.Price != 0 || unpriced.Properties.Currency != "" || unpriced.Properties.ProductID != "53000001" {
		t.Errorf("unpriced view %+v, want product 53000001 with no price or currency", unpriced.Properties)
	}
}

func TestTaobao(t *testing.T) {
	events, bad := readAll(t, FormatTaobao, taobaoFile)
	if len(bad) != 0 {
		t.Fatalf("row errors %v, want none", countReasons(bad))
	}
	want := map[string]int{
		schemas.ProductViewed: 75872, schemas.ProductAddedWishlist: 2356,
		schemas.ProductAdded: 4497, schemas.OrderCompleted: 1750,
	}
	if got := countEvents(events); !reflect.DeepEqual(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	const file = "UserBehavior_first815users.csv"

	// The dataset's nine days are 2017-11-25..12-03 in China (UTC+8). Rows before them are kept
	// as they are for the pipeline to judge.
	shanghai := time.FixedZone("CST", 8*3600)
	from, to := time.Date(2017, 11, 25, 0, 0, 0, 0, shanghai), time.Date(2017, 12, 4, 0, 0, 0, 0, shanghai)
	outside := 0
	for _, e := range events {
		if e.Timestamp.Before(from) || !e.Timestamp.Before(to) {
			outside++
		}
	}
	if outside != 35 {
		t.Errorf("%d events outside the dataset's days, want 35 kept", outside)
	}

	assertEvent(t, events[0], schemas.Event{
		Type: "track", Event: schemas.ProductViewed, UserID: "1",
		MessageID:  messageID(FormatTaobao, file, 1),
		Timestamp:  time.Unix(1511544070, 0).UTC(),
		Context:    schemas.Context{Locale: "zh-CN"},
		Properties: schemas.Properties{ProductID: "2268318", Category: "taobao:2520377"},
	})
	assertEvent(t, eventAt(t, events, FormatTaobao, file, 65), schemas.Event{
		Type: "track", Event: schemas.ProductAddedWishlist, UserID: "100",
		MessageID:  messageID(FormatTaobao, file, 65),
		Timestamp:  time.Unix(1511551860, 0).UTC(),
		Context:    schemas.Context{Locale: "zh-CN"},
		Properties: schemas.Properties{ProductID: "3763048", Category: "taobao:3425094"},
	})
	buy := eventAt(t, events, FormatTaobao, file, 72)
	assertEvent(t, buy, schemas.Event{
		Type: "track", Event: schemas.OrderCompleted, UserID: "100",
		MessageID: messageID(FormatTaobao, file, 72),
		Timestamp: time.Unix(1511579908, 0).UTC(),
		Context:   schemas.Context{Locale: "zh-CN"},
		Properties: schemas.Properties{
			OrderID:  shortHash(16, "100", "1603476", "1511579908"),
			Products: []schemas.LineItem{{ProductID: "1603476", Category: "taobao:2951233", Quantity: 1}},
		},
	})
}

func TestOnlineRetail(t *testing.T) {
	events, bad := readAll(t, FormatOnlineRetail, onlineRetailDir)

	// Cancellations are refunds now; those of charges (a discount, postage) are no product.
	wantBad := map[string]int{ReasonBadQuantity: 101, ReasonBadPrice: 228, ReasonNotAProduct: 279}
	if got := countReasons(bad); !reflect.DeepEqual(got, wantBad) {
		t.Errorf("row errors %v, want %v", got, wantBad)
	}
	if got := countEvents(events); !reflect.DeepEqual(got, map[string]int{schemas.OrderCompleted: 2050, schemas.OrderRefunded: 410}) {
		t.Errorf("events %v, want 2050 orders, one per invoice with a sale, and 410 refunds, one per cancellation", got)
	}
	lines, guests := 0, 0
	for i, e := range events {
		lines += len(e.Properties.Products)
		if e.UserID == "" {
			guests++
			if e.AnonymousID != "invoice:"+e.Properties.OrderID {
				t.Errorf("guest order %s has anonymousId %q", e.Properties.OrderID, e.AnonymousID)
			}
		}
		if i > 0 && e.Timestamp.Before(events[i-1].Timestamp) {
			t.Errorf("order %s at %v comes after %v: files not read in name order", e.Properties.OrderID, e.Timestamp, events[i-1].Timestamp)
		}
	}
	if lines != 58383 || guests != 206 {
		t.Errorf("%d line items in %d guest orders and refunds, want 58383 in 206", lines, guests)
	}
	// All 58,991 rows are accounted for: a line item or a row error.
	if lines+len(bad) != 58991 {
		t.Errorf("%d line items + %d row errors, want 58991 rows", lines, len(bad))
	}

	first := events[0]
	if first.Event != schemas.OrderCompleted || first.UserID != "17850" || first.AnonymousID != "" ||
		first.MessageID != messageID(FormatOnlineRetail, "2010-12-01.csv", 2) ||
		!first.Timestamp.Equal(time.Date(2010, 12, 1, 8, 26, 0, 0, time.UTC)) ||
		first.Properties.OrderID != "536365" || first.Properties.Currency != "GBP" || first.Properties.Revenue != 139.12 {
		t.Errorf("first order %+v", first)
	}
	if len(first.Properties.Products) != 7 {
		t.Fatalf("invoice 536365 has %d line items, want 7", len(first.Properties.Products))
	}
	want := schemas.LineItem{ProductID: "85123A", Name: "White hanging heart T-light holder", Price: 2.55, Quantity: 6}
	if got := first.Properties.Products[0]; got != want {
		t.Errorf("first line item %+v, want %+v", got, want)
	}

	if p := bad[0]; p.File != "2010-12-01.csv" || p.Line != 47 || p.Reason != ReasonNotAProduct {
		t.Errorf("first row error %v, want POSTAGE at 2010-12-01.csv:47", p)
	}
	// The first cancellation of merchandise: C536383 cancels one set of flying ducks.
	for _, e := range events {
		if e.Event != schemas.OrderRefunded {
			continue
		}
		want := schemas.LineItem{ProductID: "35004C", Name: "Set of 3 coloured flying ducks", Price: 4.65, Quantity: 1}
		if e.Properties.OrderID != "C536383" || e.UserID != "15311" || len(e.Properties.Products) != 1 || e.Properties.Products[0] != want ||
			e.MessageID != messageID(FormatOnlineRetail, "2010-12-01.csv", 156) || e.Properties.Revenue != 4.65 {
			t.Errorf("first refund %+v, want C536383's line at 2010-12-01.csv:156", e)
		}
		break
	}
}

func TestMessageIDsAreStableAndUnique(t *testing.T) {
	first, _ := readAll(t, FormatREES46, rees46File)
	again, _ := readAll(t, FormatREES46, rees46File)
	seen := map[string]bool{}
	for i := range first {
		id := first[i].MessageID
		if id != again[i].MessageID {
			t.Fatalf("event %d: messageId %s then %s", i, id, again[i].MessageID)
		}
		if seen[id] {
			t.Fatalf("event %d: messageId %s repeats", i, id)
		}
		seen[id] = true
	}
	// The id does not depend on where the dataset is mounted.
	dir := t.TempDir()
	data, err := os.ReadFile(rees46File)
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(dir, filepath.Base(rees46File))
	if err := os.WriteFile(moved, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(FormatREES46, moved)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	e, err := r.Next()
	if err != nil || e.MessageID != first[0].MessageID {
		t.Errorf("moved file's first messageId %s (%v), want %s", e.MessageID, err, first[0].MessageID)
	}
}

// Every event a reader emits is one the clickstream decoder accepts and reads back unchanged.
func TestEventsPassTheDecoder(t *testing.T) {
	for _, c := range []struct{ format, path string }{
		{FormatREES46, rees46File},
		{FormatTaobao, taobaoFile},
		{FormatOnlineRetail, onlineRetailDir},
	} {
		events, _ := readAll(t, c.format, c.path)
		for _, e := range events {
			data, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := schemas.DecodeEvent(data, schemas.Limits{})
			if err != nil {
				t.Fatalf("%s event %s rejected: %v\n%s", c.format, e.MessageID, err, data)
			}
			if !reflect.DeepEqual(got, e) {
				t.Fatalf("%s event %s changed by decoding:\n got %+v\nwant %+v", c.format, e.MessageID, got, e)
			}
		}
	}
}

func TestBadRowsAreReportedAndSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.csv")
	rows := strings.Join([]string{
		strings.Join(rees46Header, ","),
		"2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,7,s",     // 2 good
		"2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,7",       // 3
		"yesterday,view,1,2,a.b,x,1.00,7,s",                   // 4
		"2019-10-01 00:00:01 UTC,view,1,2,a.b,x,-1,7,s",       // 5
		"2019-10-01 00:00:01 UTC,view,1,2,a.b,x,free,7,s",     // 6
		"2019-10-01 00:00:01 UTC,view,1,2,a.b,x,1.00,,s",      // 7
		"2019-10-01 00:00:01 UTC,remove,1,2,a.b,x,1.00,7,s",   // 8
		"2019-10-01 00:00:01 UTC,view,,2,a.b,x,1.00,7,s",      // 9
		`2019-10-01 00:00:01 UTC,view,1,2,a"b,x,1.00,7,s`,     // 10
		"2019-10-01 00:00:02 UTC,purchase,1,2,a.b,x,2.50,7,s", // 11 good
	}, "\n") + "\n"
	if err := os.WriteFile(path, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	events, bad := readAll(t, FormatREES46, path)
	if len(events) != 2 || events[1].Event != schemas.OrderCompleted || events[1].Properties.Revenue != 2.5 {
		t.Errorf("events %+v, want the view and the purchase around the bad rows", events)
	}
	var got []string
	for _, e := range bad {
		if e.File != "bad.csv" {
			t.Errorf("row error in file %q, want bad.csv", e.File)
		}
		got = append(got, fmt.Sprintf("%s:%d", e.Reason, e.Line))
	}
	want := []string{
		"wrong_column_count:3", "bad_timestamp:4", "bad_price:5", "bad_price:6",
		"missing_user:7", "unknown_event:8", "missing_product:9", "malformed_csv:10",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row errors\n got %v\nwant %v", got, want)
	}
}

func TestOpenRejects(t *testing.T) {
	f := func(format, path, wantErr string) {
		t.Helper()
		r, err := Open(format, path)
		if err == nil {
			r.Close()
			t.Fatalf("Open(%q, %q) succeeded", format, path)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("Open(%q, %q): %v, want it to mention %q", format, path, err, wantErr)
		}
	}
	f("kaggle", rees46File, `format "kaggle"`)
	f(FormatREES46, onlineRetailDir+"/2010-12-01.csv", "header")
	f(FormatOnlineRetail, t.TempDir(), "no .csv files")
	f(FormatTaobao, "missing.csv", "no such file")
	f(FormatSegment, "missing.jsonl", "no such file")
}
