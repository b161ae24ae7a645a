package schemas

import (
	"math"
	"strings"
	"testing"
	"time"
)

// An epoch number is seconds below 1e11, milliseconds from there to below 1e14, on real dates.
func TestEpochTimeBoundaries(t *testing.T) {
	f := func(n string, want time.Time, ok bool) {
		t.Helper()
		got, gotOK := epochTime([]byte(n))
		if gotOK != ok || ok && !got.Equal(want) {
			t.Errorf("epochTime(%s) = %v, %v; want %v, %v", n, got, gotOK, want, ok)
		}
	}
	oct1 := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	f("1569888000", oct1, true)
	f("1569888000123", oct1.Add(123*time.Millisecond), true)
	f("1569888000.5", oct1.Add(500*time.Millisecond), true)
	f("1569888000123.25", oct1.Add(123*time.Millisecond+250*time.Microsecond), true)
	f("1.5698880005e9", oct1.Add(500*time.Millisecond), true)
	f("99999999999", time.Unix(99999999999, 0), true) // the last second: 5138-11-16
	f("100000000000", time.UnixMilli(100000000000), true)
	f("-99999999999", time.Unix(-99999999999, 0), true)
	f("-100000000000", time.UnixMilli(-100000000000), true)
	f("99999999999999", time.UnixMilli(99999999999999), true)
	f("100000000000000", time.Time{}, false)
	f("-99999999999999", time.UnixMilli(-99999999999999), true)
	f("-100000000000000", time.Time{}, false)
	f("99999999999.5", time.Unix(99999999999, 5e8), true)
	f("1e11", time.UnixMilli(100000000000), true)
	f("-1e11", time.UnixMilli(-100000000000), true)
	f("1e14", time.Time{}, false)
	f("-1e14", time.Time{}, false)
	f("99999999999999.0", time.UnixMilli(99999999999999), true)
	f("1e400", time.Time{}, false)
	f("99999999999999999999", time.Time{}, false)
}

// A currency code is upper-cased however it is written.
func TestCurrencyUpperCased(t *testing.T) {
	f := func(raw, want string) {
		t.Helper()
		e, err := DecodeEvent([]byte(track(ProductViewed, `{"product_id":"p","price":1,"currency":`+raw+`}`)), Limits{})
		if err != nil {
			t.Fatalf("currency %s: %v", raw, err)
		}
		if e.Properties.Currency != want {
			t.Errorf("currency %s read as %q, want %q", raw, e.Properties.Currency, want)
		}
	}
	f(`"USD"`, "USD")
	f(`"usd"`, "USD")
	f(`"Eur"`, "EUR")
	f(`"cny"`, "CNY")
	f(`"xyz"`, "XYZ")
	f(`"abcdefghij"`, "ABCDEFGHIJ")
	f(`"abcdefgh"`, "ABCDEFGH")
	f(`"usé"`, "USÉ")
	f(`"\u0075sd"`, "USD")
	f(`null`, "")
}

// Every GA4 and snake_case name of a spec event is read as the spec's, in any case and with
// any separators; names longer than any spec name are not.
func TestEventVariants(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		got, ok := eventVariant([]byte(name))
		if ok != (want != "") || got != want {
			t.Errorf("eventVariant(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	f("view_item", ProductViewed)
	f("product_viewed", ProductViewed)
	f("SELECT_ITEM", ProductClicked)
	f("view_item_list", ProductListViewed)
	f("search", ProductsSearched)
	f("view_search_results", ProductsSearched)
	f("product searched", ProductsSearched)
	f("add_to_cart", ProductAdded)
	f("add-to-wishlist", ProductAddedWishlist)
	f("product.added.to.wishlist", ProductAddedWishlist)
	f("begin_checkout", CheckoutStarted)
	f("purchase", OrderCompleted)
	f("view_promotion", PromotionViewed)
	f("select_promotion", PromotionClicked)
	f("Promotion Clicked", PromotionClicked)
	f("page_view", "")
	f("view_item2", "")
	f("abcdefghijklmnopqrstuvwxyzabcdef", "")  // 32 letters: no spec name
	f("abcdefghijklmnopqrstuvwxyzabcdefg", "") // 33: past the buffer
	f("productaddedtowishlistproductadd", "")
}

// A failure repeats at most 64 bytes of the input, cut on a character boundary.
func TestClip(t *testing.T) {
	s64 := string(make([]byte, 64))
	if clip(s64) != s64 {
		t.Error("64 bytes were clipped")
	}
	if got := clip(s64 + "x"); got != s64+"…" {
		t.Errorf("65 bytes clipped to %q", got)
	}
	long := string(make([]byte, 63)) + "中文"
	if got := clip(long); got != string(make([]byte, 63))+"…" {
		t.Errorf("a character across the cut: %q", got)
	}
}

// A shift's event count travels when set; times past year 9999 and a price band that is not a
// number are refused, as encoding/json refuses them.
func TestAppendShiftFieldsAndRefusals(t *testing.T) {
	sh := Shift{User: "u", EventTime: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), Reason: "new_interest", Events: 3}
	b, err := AppendShift(nil, &sh)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeShift(b)
	if err != nil || back.Events != 3 {
		t.Fatalf("events 3 came back as %d (%v) from %s", back.Events, err, b)
	}
	sh.Events = 0
	if b, _ := AppendShift(nil, &sh); strings.Contains(string(b), `"events"`) {
		t.Errorf("no events written as %s", b)
	}
	late := sh
	late.EventTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := AppendShift(nil, &late); err == nil {
		t.Error("year 10000 encoded")
	}
	last := sh
	last.EventTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	if _, err := AppendShift(nil, &last); err != nil {
		t.Errorf("year 9999: %v", err)
	}
	for _, band := range []PriceBand{{Min: math.NaN()}, {Max: math.Inf(1)}} {
		bad := sh
		bad.Summary.PriceBand = band
		if _, err := AppendShift(nil, &bad); err == nil {
			t.Errorf("price band %+v encoded", band)
		}
	}
}
