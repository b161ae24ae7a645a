package schemas

import (
	"reflect"
	"testing"
	"time"
)

// A bad optional field is dropped and noted, not the event; what trackers write loosely is read.
func TestDecodeEventLenient(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		part    func(e Event) any // the part of the event under test
		want    any
		rw      Rewrites
	}{
		{"price is an object", track(ProductViewed, `{"product_id":"p1","price":{"amount":18.99}}`),
			func(e Event) any { return e.Properties }, Properties{ProductID: "p1"}, RewriteFieldDropped},
		{"price is a word", track(ProductViewed, `{"product_id":"p1","price":"free","name":"Tee"}`),
			func(e Event) any { return e.Properties }, Properties{ProductID: "p1", Name: "Tee"}, RewriteFieldDropped},
		{"price negative", track(ProductViewed, `{"product_id":"p1","price":-1}`),
			func(e Event) any { return e.Properties.Price }, 0.0, RewriteFieldDropped},
		{"price infinite", track(ProductViewed, `{"product_id":"p1","price":1e999}`),
			func(e Event) any { return e.Properties.Price }, 0.0, RewriteFieldDropped},
		{"price NaN", track(ProductViewed, `{"product_id":"p1","price":"NaN"}`),
			func(e Event) any { return e.Properties.Price }, 0.0, RewriteFieldDropped},
		{"price ambiguous", track(ProductViewed, `{"product_id":"p1","price":"1,299"}`),
			func(e Event) any { return e.Properties.Price }, 0.0, RewriteFieldDropped},
		{"revenue negative falls to total", track(OrderCompleted, `{"order_id":"o1","revenue":-25,"total":20}`),
			func(e Event) any { return e.Properties.Revenue }, 20.0, RewriteFieldDropped},
		{"quantity fractional", track(ProductAdded, `{"product_id":"p1","quantity":1.5,"price":3}`),
			func(e Event) any { return [2]any{e.Properties.Quantity, e.Properties.Price} }, [2]any{0, 3.0}, RewriteFieldDropped},
		{"quantity negative", track(ProductAdded, `{"product_id":"p1","quantity":-2}`),
			func(e Event) any { return e.Properties.Quantity }, 0, RewriteFieldDropped},
		{"quantity word", track(ProductAdded, `{"product_id":"p1","quantity":"two"}`),
			func(e Event) any { return e.Properties.Quantity }, 0, RewriteFieldDropped},
		{"position negative", track(ProductClicked, `{"product_id":"p1","position":-1}`),
			func(e Event) any { return e.Properties.Position }, 0, RewriteFieldDropped},
		{"position is a bool", track(ProductClicked, `{"product_id":"p1","position":true}`),
			func(e Event) any { return e.Properties.Position }, 0, RewriteFieldDropped},
		{"line item price negative", track(OrderCompleted, `{"order_id":"o1","products":[{"product_id":"p1","price":-3,"quantity":2}]}`),
			func(e Event) any { return e.Properties.Products }, []LineItem{{ProductID: "p1", Quantity: 2}}, RewriteFieldDropped},
		{"products is an object", track(OrderCompleted, `{"order_id":"o1","products":{"product_id":"p1"}}`),
			func(e Event) any { return len(e.Properties.Products) }, 0, RewriteFieldDropped},
		{"a line item is a string", track(OrderCompleted, `{"order_id":"o1","products":["p1",{"product_id":"p2"}]}`),
			func(e Event) any { return e.Properties.Products }, []LineItem{{ProductID: "p2"}}, RewriteFieldDropped},
		{"name is a number", track(ProductViewed, `{"product_id":"p1","name":42}`),
			func(e Event) any { return e.Properties.Name }, "", RewriteFieldDropped},
		{"currency is a number", track(OrderCompleted, `{"order_id":"o1","currency":840}`),
			func(e Event) any { return e.Properties.Currency }, "", RewriteFieldDropped},
		{"context is a string", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","context":"en-US","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Context }, Context{}, RewriteFieldDropped},
		{"locale is an object on a page call", `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","context":{"locale":{"lang":"en"}}}`,
			func(e Event) any { return e.Type }, TypePage, RewriteFieldDropped},
		{"bad properties of a page call are no rewrite", `{"type":"page","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"price":"x"}}`,
			func(e Event) any { return e.Type }, TypePage, 0},

		{"price with a dollar sign", track(ProductViewed, `{"product_id":"p1","price":"$19.99"}`),
			func(e Event) any { return e.Properties.Price }, 19.99, RewritePriceText},
		{"price with a decimal comma", track(ProductViewed, `{"product_id":"p1","price":"19,99"}`),
			func(e Event) any { return e.Properties.Price }, 19.99, RewritePriceText},
		{"price in euros", track(ProductViewed, `{"product_id":"p1","price":"1.299,50 €"}`),
			func(e Event) any { return e.Properties.Price }, 1299.5, RewritePriceText},
		{"price with a code", track(ProductViewed, `{"product_id":"p1","price":"USD 1,299.00"}`),
			func(e Event) any { return e.Properties.Price }, 1299.0, RewritePriceText},
		{"dollars group thousands with commas", track(ProductViewed, `{"product_id":"p1","price":"$1,299"}`),
			func(e Event) any { return e.Properties.Price }, 1299.0, RewritePriceText},
		{"French grouping", track(ProductViewed, "{\"product_id\":\"p1\",\"price\":\"1\u00a0299,90\u00a0€\"}"),
			func(e Event) any { return e.Properties.Price }, 1299.9, RewritePriceText},
		{"order total as text", track(OrderCompleted, `{"order_id":"o1","total":"£27.50"}`),
			func(e Event) any { return e.Properties.Revenue }, 27.5, RewritePriceText},
		{"a plain numeric string is no rewrite", track(ProductViewed, `{"product_id":"p1","price":"19.99"}`),
			func(e Event) any { return e.Properties.Price }, 19.99, 0},

		{"epoch milliseconds", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":1569888005123,"properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Timestamp }, time.Date(2019, 10, 1, 0, 0, 5, 123e6, time.UTC), RewriteEpochTime},
		{"epoch seconds", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":1569888005,"properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Timestamp }, time.Date(2019, 10, 1, 0, 0, 5, 0, time.UTC), RewriteEpochTime},
		{"epoch seconds with a fraction", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":1569888005.25,"properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Timestamp }, time.Date(2019, 10, 1, 0, 0, 5, 250e6, time.UTC), RewriteEpochTime},
		{"epoch milliseconds as a string", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","originalTimestamp":"1569888005123","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Timestamp }, time.Date(2019, 10, 1, 0, 0, 5, 123e6, time.UTC), RewriteEpochTime},

		{"snake_case name", track("product_viewed", `{"product_id":"p1"}`),
			func(e Event) any { return e.Event }, ProductViewed, RewriteEventName},
		{"lower-case name", track("order completed", `{"order_id":"o1"}`),
			func(e Event) any { return e.Event }, OrderCompleted, RewriteEventName},
		{"camelCase name", track("productAddedToWishlist", `{"product_id":"p1"}`),
			func(e Event) any { return e.Event }, ProductAddedWishlist, RewriteEventName},
		{"GA4 search", track("search", `{"search_term":"shoes"}`),
			func(e Event) any { return e.Event + "/" + e.Properties.Query }, ProductsSearched + "/shoes", RewriteEventName | RewriteGA4},
		{"GA4 purchase", track("purchase", `{"transaction_id":"T_1","value":30.5,"currency":"usd"}`),
			func(e Event) any { return [3]any{e.Event, e.Properties.OrderID, e.Properties.Revenue} }, [3]any{OrderCompleted, "T_1", 30.5}, RewriteEventName | RewriteGA4},
		{"GA4 select_promotion", track("select_promotion", `{"promotion_id":"ad-1","creative_name":"summer"}`),
			func(e Event) any { return e.Event + "/" + e.Properties.Creative }, PromotionClicked + "/summer", RewriteEventName | RewriteGA4},
		{"GA4 add_to_cart lifts its item", track("add_to_cart", `{"currency":"USD","value":7.77,"items":[{"item_id":"SKU_12345","item_name":"Stan and Friends Tee","item_brand":"Google","item_category":"Apparel","item_category2":"Adult","item_category3":"Shirts","price":7.77,"quantity":1}]}`),
			func(e Event) any { return e.Properties },
			Properties{ProductID: "SKU_12345", Name: "Stan and Friends Tee", Brand: "Google", Category: "Apparel.Adult.Shirts", Price: 7.77, Quantity: 1, Currency: "USD", Revenue: 7.77},
			RewriteEventName | RewriteGA4},
		{"GA4 view_item_list keeps its items", track("view_item_list", `{"item_list_id":"related","items":[{"item_id":"a","item_category":"Games"},{"item_id":"b"}]}`),
			func(e Event) any { return [2]any{e.Properties.ListID, e.Properties.Products} },
			[2]any{"related", []LineItem{{ProductID: "a", Category: "Games"}, {ProductID: "b"}}}, RewriteEventName | RewriteGA4},
		{"spec fields win over GA4's", track(OrderCompleted, `{"order_id":"o1","transaction_id":"T_1"}`),
			func(e Event) any { return e.Properties.OrderID }, "o1", 0},

		{"category with slashes", track(ProductViewed, `{"product_id":"p1","category":"Electronics/Audio/Headphones"}`),
			func(e Event) any { return e.Properties.Category }, "Electronics.Audio.Headphones", RewriteCategoryPath},
		{"category with > and spaces", track(ProductViewed, `{"product_id":"p1","category":" Home & Garden > Kitchen >  Knives "}`),
			func(e Event) any { return e.Properties.Category }, "Home & Garden.Kitchen.Knives", RewriteCategoryPath},
		{"category with pipes and a blank level", track(ProductViewed, `{"product_id":"p1","category":"Beauty||Hair Care"}`),
			func(e Event) any { return e.Properties.Category }, "Beauty.Hair Care", RewriteCategoryPath},
		{"line item category", track(OrderCompleted, `{"order_id":"o1","products":[{"product_id":"p1","category":"Toys/Games"}]}`),
			func(e Event) any { return e.Properties.Products[0].Category }, "Toys.Games", RewriteCategoryPath},
		{"single level", track(ProductViewed, `{"product_id":"p1","category":"Games"}`),
			func(e Event) any { return e.Properties.Category }, "Games", 0},
		{"dotted path", track(ProductViewed, `{"product_id":"p1","category":"electronics.audio.headphone"}`),
			func(e Event) any { return e.Properties.Category }, "electronics.audio.headphone", 0},

		{"no messageId", `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.MessageID }, "adshift-sha256-a50412f6d2808716dae33b0bbc36b9d3", RewriteMessageID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustDecode(t, tt.payload)
			if got := tt.part(e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			if e.Rewrites != tt.rw {
				t.Errorf("rewrites %q, want %q", e.Rewrites, tt.rw)
			}
			assertReencodes(t, e)
		})
	}
}

// A missing messageId is a hash of the payload: the same bytes give the same id, other bytes
// another, and the head, the event and an event handed over decoded all get one.
func TestDecodeEventContentID(t *testing.T) {
	a := `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`
	b := `{"type":"track","event":"Product Viewed","userId":"u1","timestamp":"2019-10-01T00:00:01Z","properties":{"product_id":"p1"}}`
	ea, eb, again := mustDecode(t, a), mustDecode(t, b), mustDecode(t, a)
	if ea.MessageID != again.MessageID || ea.MessageID == eb.MessageID || len(ea.MessageID) != len(ContentIDPrefix)+32 {
		t.Errorf("ids %q, %q, %q: want one per payload, stable", ea.MessageID, again.MessageID, eb.MessageID)
	}
	ev := Event{Type: TypeTrack, Event: "product_viewed", UserID: "u1", Timestamp: ea.Timestamp,
		Properties: Properties{ProductID: "p1", Category: "A / B"}}
	ev2 := ev
	if err := CheckEvent(&ev, Limits{}); err != nil {
		t.Fatal(err)
	}
	if err := CheckEvent(&ev2, Limits{}); err != nil {
		t.Fatal(err)
	}
	want := RewriteMessageID | RewriteEventName | RewriteCategoryPath
	if ev.MessageID == "" || ev.MessageID != ev2.MessageID || ev.Event != ProductViewed || ev.Properties.Category != "A.B" || ev.Rewrites != want {
		t.Errorf("CheckEvent made %+v, want a stable id, the spec name, a dotted path and rewrites %v", ev, want)
	}
}

func TestParsePriceText(t *testing.T) {
	f := func(in string, want float64, ok bool) {
		t.Helper()
		got, gotOK := parsePriceText([]byte(in))
		if gotOK != ok || ok && got != want {
			t.Errorf("parsePriceText(%q) = %v, %v; want %v, %v", in, got, gotOK, want, ok)
		}
	}
	f("$19.99", 19.99, true)
	f("19,99", 19.99, true)
	f("19,9", 19.9, true)
	f("€19,99", 19.99, true)
	f("19,99 EUR", 19.99, true)
	f("1.299,99", 1299.99, true)
	f("1,299.99", 1299.99, true)
	f("1,299,000", 1299000, true)
	f("1.299.000", 1299000, true)
	f("1 299", 1299, true)
	f("1'299.50", 1299.5, true)
	f("US$ 5", 5, true)
	f("£1,000", 1000, true)
	f("1,299", 0, false)   // a thousand, or one and a bit
	f("$19,99", 0, false)  // dollars group with commas: 19,99 is no grouping
	f("1,2,3", 0, false)   // groups must be three digits
	f("12,34.5", 0, false) // so must the one before the decimal point
	f("1.299,9,9", 0, false)
	f("-$5", 0, false)
	f("$-5", 0, false)
	f("abc", 0, false)
	f("19.99 $ 5", 0, false)
	f("$", 0, false)
	f("", 0, false)
	f("1,,299", 0, false)
	f("1234,567,890", 0, false)
}

// CheckEvent rewrites a copy's line items without touching the caller's.
func TestCheckEventKeepsCallersItems(t *testing.T) {
	orig := Event{Type: TypeTrack, Event: OrderCompleted, UserID: "u", MessageID: "m",
		Timestamp:  time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC),
		Properties: Properties{OrderID: "o", Products: []LineItem{{ProductID: "p", Category: "A/B"}}}}
	ev := orig
	if err := CheckEvent(&ev, Limits{}); err != nil {
		t.Fatal(err)
	}
	if ev.Properties.Products[0].Category != "A.B" || orig.Properties.Products[0].Category != "A/B" {
		t.Errorf("checked %q, caller's %q", ev.Properties.Products[0].Category, orig.Properties.Products[0].Category)
	}
}
