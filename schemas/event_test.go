package schemas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// track returns a valid track call for event with the given properties object.
func track(event, props string) string {
	return `{"type":"track","event":"` + event + `","userId":"u1","messageId":"m1",` +
		`"timestamp":"2019-10-01T00:00:00Z","properties":` + props + `}`
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecode(t *testing.T, payload string) Event {
	t.Helper()
	e, err := DecodeEvent([]byte(payload), Limits{})
	if err != nil {
		t.Fatalf("DecodeEvent(%s): %v", payload, err)
	}
	return e
}

func TestDecodeEventSpecExamples(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts.UTC()
	}
	tests := []struct {
		file string
		want Event
	}{
		{"product_viewed.json", Event{
			Type: TypeTrack, Event: ProductViewed,
			UserID: "019mr8mf4r", AnonymousID: "507f191e810c19729de860ea",
			MessageID: "ajs-next-69d5a5bb4b5c4d37b8fdbcfa7a0e0a77",
			Timestamp: at("2019-10-01T00:00:02.385Z"),
			Context:   Context{Locale: "en-US"},
			Properties: Properties{
				ProductID: "507f1f77bcf86cd799439011", SKU: "G-32", Name: "Monopoly: 3rd Edition",
				Brand: "Hasbro", Category: "Games", Price: 18.99, Currency: "USD", Quantity: 1,
				Position: 3, URL: "https://www.example.com/product/path", Revenue: 18.99,
			},
		}},
		{"order_completed.json", Event{
			Type: TypeTrack, Event: OrderCompleted, UserID: "019mr8mf4r",
			MessageID: "022bb90c-bbac-11e4-8dfc-aa07a5b093db",
			Timestamp: at("2019-10-01T00:14:37Z"),
			Context:   Context{Locale: "de-DE"},
			Properties: Properties{
				OrderID: "50314b8e9bcf000000000000", Revenue: 25, Currency: "EUR",
				Products: []LineItem{
					{ProductID: "507f1f77bcf86cd799439011", SKU: "45790-32", Name: "Monopoly: 3rd Edition", Category: "Games", Price: 19, Quantity: 1},
					{ProductID: "505bd76785ebb509fc183733", SKU: "46493-32", Name: "Uno Card Game", Category: "Games", Price: 3, Quantity: 2},
				},
			},
		}},
		{"products_searched.json", Event{
			Type: TypeTrack, Event: ProductsSearched, AnonymousID: "a1b2c3d4-0000-4000-8000-00000000cafe",
			MessageID: "rudder-7f3c2a", Timestamp: at("2019-10-01T00:05:11Z"),
			Context: Context{Locale: "zh-CN"}, Properties: Properties{Query: "蓝牙耳机 降噪"},
		}},
		{"product_list_viewed.json", Event{
			Type: TypeTrack, Event: ProductListViewed, UserID: "1515915625",
			MessageID: "jitsu-01HBX4M5TQ", Timestamp: at("2019-10-01T00:01:40Z"),
			Properties: Properties{
				ListID: "hot_deals_1", Category: "Deals",
				Products: []LineItem{
					{ProductID: "5100816", SKU: "45790-32", Name: "Monopoly: 3rd Edition", Category: "Games", Price: 19},
					{ProductID: "46493-32", SKU: "46493-32", Name: "Uno Card Game", Category: "Games", Price: 3},
				},
			},
		}},
		{"promotion_viewed.json", Event{
			Type: TypeTrack, Event: PromotionViewed, UserID: "019mr8mf4r", MessageID: "ajs-6f1e0b2c",
			Timestamp: at("2019-10-01T00:10:00Z"),
			Properties: Properties{
				PromotionID: "ad-3f9a1c0d2e", Creative: "top_banner_2", Name: "75% store-wide shoe sale",
			},
		}},
		{"page.json", Event{
			Type: TypePage, AnonymousID: "507f191e810c19729de860ea", MessageID: "ajs-page-1",
			Timestamp: at("2019-10-01T00:00:00Z"), Context: Context{Locale: "en-GB"},
		}},
		{"identify.json", Event{
			Type: TypeIdentify, UserID: "019mr8mf4r", AnonymousID: "507f191e810c19729de860ea",
			MessageID: "ajs-identify-1", Timestamp: at("2019-10-01T00:00:01Z"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := DecodeEvent(readTestdata(t, tt.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDecodeEventFailures(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		kind    FailureKind
		field   string
	}{
		{"empty", ``, MalformedJSON, ""},
		{"not json", `userId=u1&event=Product+Viewed`, MalformedJSON, ""},
		{"array", `[` + track(ProductViewed, `{"product_id":"p1"}`) + `]`, MalformedJSON, ""},
		{"string", `"Product Viewed"`, MalformedJSON, ""},
		{"null", `null`, MalformedJSON, ""},
		{"truncated", track(ProductViewed, `{"product_id":"p1"}`)[:60], MalformedJSON, ""},
		{"trailing garbage", track(ProductViewed, `{"product_id":"p1"}`) + `}`, MalformedJSON, ""},
		{"two objects", track(ProductViewed, `{"product_id":"p1"}`) + "\n" + track(ProductViewed, `{"product_id":"p1"}`), MalformedJSON, ""},
		{"trailing comma", `{"type":"track","event":"Product Viewed",}`, MalformedJSON, ""},
		{"single quotes", `{'type':'track'}`, MalformedJSON, ""},
		{"leading zero", track(ProductViewed, `{"product_id":"p1","price":018}`), MalformedJSON, ""},
		{"NaN literal", track(ProductViewed, `{"product_id":"p1","price":NaN}`), MalformedJSON, ""},
		{"bad escape", track(ProductViewed, `{"product_id":"p\x1"}`), MalformedJSON, ""},
		{"raw newline in string", track(ProductViewed, "{\"product_id\":\"p\n1\"}"), MalformedJSON, ""},
		{"syntax error after a schema error", `{"properties":"oops","type":"track",`, MalformedJSON, ""},
		{"syntax error after invalid UTF-8", "{\"type\":\"track\",\"event\":\"Caf\xe9\",", MalformedJSON, ""},

		{"invalid UTF-8 in a name", track(ProductViewed, "{\"product_id\":\"p1\",\"brand\":\"Caf\xe9\"}"), InvalidUTF8, ""},
		{"invalid UTF-8 in an id", track(ProductViewed, "{\"product_id\":\"p\xff1\"}"), InvalidUTF8, ""},
		{"invalid UTF-8 in a field adshift skips", track(ProductViewed, "{\"product_id\":\"p1\",\"variant\":[\"\xc3\x28\"]}"), InvalidUTF8, ""},
		{"invalid UTF-8 beats a schema error", "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"\xed\xa0\x80\",\"timestamp\":\"x\"}", InvalidUTF8, ""},
		{"price dropped, product_id required", track(ProductViewed, `{"price":"abc","product_id":[1]}`), SchemaViolation, "properties.product_id"},
		{"product_id dropped, then required", track(ProductViewed, `{"product_id":{"id":1},"price":"abc"}`), SchemaViolation, "properties.product_id"},
		{"messageId is an object", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":{"id":"m"},"timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, SchemaViolation, "messageId"},
		{"timestamp is a bool", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":true,"properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"timestamp epoch too large", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":1569888000000000,"properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"timestamp epoch zero", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":0,"properties":{"product_id":"p1"}}`, TimestampOutOfRange, "timestamp"},
		{"timestamp epoch before 2000", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"0946684799","properties":{"product_id":"p1"}}`, TimestampOutOfRange, "timestamp"},

		{"properties is a string", track(ProductViewed, `"p1"`), SchemaViolation, "properties"},
		{"product_id is fractional", track(ProductViewed, `{"product_id":12.5}`), SchemaViolation, "properties.product_id"},
		{"product_id is an array", track(ProductViewed, `{"product_id":["p1"]}`), SchemaViolation, "properties.product_id"},
		{"event is a number", `{"type":"track","event":7,"userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`, SchemaViolation, "event"},
		{"userId is an object", `{"type":"track","event":"Product Viewed","userId":{"id":"u1"},"messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, SchemaViolation, "userId"},
		{"type is a number", `{"type":1,"event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, SchemaViolation, "type"},
		{"unknown type", `{"type":"purchase","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"order_id":"o1"}}`, SchemaViolation, "type"},
		{"no type and no event", `{"userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`, SchemaViolation, "type"},
		{"track without event", `{"type":"track","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{}}`, SchemaViolation, "event"},

		{"no user", `{"type":"track","event":"Product Viewed","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, MissingUser, "userId"},
		{"blank users", `{"type":"track","event":"Product Viewed","userId":"","anonymousId":null,"messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, MissingUser, "userId"},
		{"page without user", `{"type":"page","name":"Home","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`, MissingUser, "userId"},

		{"no timestamp", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"timestamp unparseable", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"yesterday","properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"timestamp impossible date", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-02-29T00:00:00Z","properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"bad timestamp does not fall back", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"soon","originalTimestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`, SchemaViolation, "timestamp"},
		{"originalTimestamp unparseable", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","originalTimestamp":"01/10/2019","properties":{"product_id":"p1"}}`, SchemaViolation, "originalTimestamp"},
		{"timestamp before 2000", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"1970-01-01T00:00:00Z","properties":{"product_id":"p1"}}`, TimestampOutOfRange, "timestamp"},
		{"originalTimestamp before 2000", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","originalTimestamp":"1999-12-31T23:59:59.999Z","properties":{"product_id":"p1"}}`, TimestampOutOfRange, "originalTimestamp"},

		{"viewed without product", track(ProductViewed, `{"name":"Monopoly","price":18.99}`), SchemaViolation, "properties.product_id"},
		{"clicked with blank product", track(ProductClicked, `{"product_id":"","sku":""}`), SchemaViolation, "properties.product_id"},
		{"added without product", track(ProductAdded, `{}`), SchemaViolation, "properties.product_id"},
		{"wishlist without product", track(ProductAddedWishlist, `{"wishlist_id":"w1"}`), SchemaViolation, "properties.product_id"},
		{"viewed without properties", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z"}`, SchemaViolation, "properties.product_id"},
		{"search without query", track(ProductsSearched, `{"query":""}`), SchemaViolation, "properties.query"},
		{"promotion viewed without id", track(PromotionViewed, `{"creative":"top_banner_2"}`), SchemaViolation, "properties.promotion_id"},
		{"promotion clicked without id", track(PromotionClicked, `{}`), SchemaViolation, "properties.promotion_id"},
		{"order without id", track(OrderCompleted, `{"revenue":25}`), SchemaViolation, "properties.order_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := DecodeEvent([]byte(tt.payload), Limits{})
			if err == nil {
				t.Fatalf("accepted: %+v", e)
			}
			f, ok := AsFailure(err)
			if !ok {
				t.Fatalf("error %v (%T) is not a *Failure", err, err)
			}
			if f.Kind != tt.kind || f.Field != tt.field {
				t.Errorf("got %s on %q (%v), want %s on %q", f.Kind, f.Field, f, tt.kind, tt.field)
			}
			if !reflect.DeepEqual(e, Event{}) {
				t.Errorf("a rejection returned a non-zero event: %+v", e)
			}
		})
	}
}

func TestDecodeEventTooLarge(t *testing.T) {
	payload := readTestdata(t, "product_viewed.json")
	f := func(lim Limits, size int, want FailureKind) {
		t.Helper()
		in := payload
		if pad := size - len(payload); pad > 0 {
			// Pad inside the object so that only the size can make it fail.
			in = []byte(`{"padding":"` + strings.Repeat("x", pad-13) + `",` + string(payload[1:]))
		}
		if len(in) != size {
			t.Fatalf("built %d bytes, want %d", len(in), size)
		}
		_, err := DecodeEvent(in, lim)
		var got FailureKind
		if err != nil {
			f, _ := AsFailure(err)
			got = f.Kind
		}
		if got != want {
			t.Errorf("%d bytes with MaxBytes %d: got %q (%v), want %q", size, lim.MaxBytes, got, err, want)
		}
	}
	f(Limits{}, 64<<10, "")
	f(Limits{}, 64<<10+1, TooLarge)
	f(Limits{MaxBytes: 2048}, 2048, "")
	f(Limits{MaxBytes: 2048}, 2049, TooLarge)
	f(Limits{MaxBytes: 100 << 10}, 80<<10, "")
	// Size is checked before parsing: a huge non-JSON payload is TooLarge, not MalformedJSON.
	if _, err := DecodeEvent([]byte(strings.Repeat("{", 70<<10)), Limits{}); err == nil || err.(*Failure).Kind != TooLarge {
		t.Errorf("70 KiB of garbage: got %v, want too_large", err)
	}
}

func TestDecodeEventTimeRange(t *testing.T) {
	payload := func(ts string) []byte {
		return []byte(`{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"` + ts + `","properties":{"product_id":"p1"}}`)
	}
	lim := Limits{
		MinTime: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC),
		MaxTime: time.Date(2019, 10, 2, 0, 0, 0, 0, time.UTC),
	}
	f := func(ts string, lim Limits, want FailureKind) {
		t.Helper()
		_, err := DecodeEvent(payload(ts), lim)
		var got FailureKind
		if err != nil {
			got = err.(*Failure).Kind
		}
		if got != want {
			t.Errorf("%s: got %q (%v), want %q", ts, got, err, want)
		}
	}
	f("2019-10-01T00:00:00Z", lim, "")
	f("2019-10-02T00:00:00Z", lim, "")
	f("2019-09-30T23:59:59.999Z", lim, TimestampOutOfRange)
	f("2019-10-02T00:00:00.001Z", lim, TimestampOutOfRange)
	f("2019-10-02T01:00:00+02:00", lim, "") // 23:00 UTC on the 1st
	f("2017-11-25T00:00:00Z", Limits{}, "")
	f("2000-01-01T00:00:00Z", Limits{}, "")
	f("1999-12-31T23:59:59Z", Limits{}, TimestampOutOfRange)
	f("2100-01-01T00:00:00Z", Limits{}, "") // no upper bound by default
}

func TestDecodeEventTimestampFormats(t *testing.T) {
	want := time.Date(2019, 10, 1, 0, 20, 5, 0, time.UTC)
	f := func(ts string, want time.Time) {
		t.Helper()
		e := mustDecode(t, `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"`+ts+`","properties":{"product_id":"p1"}}`)
		if !e.Timestamp.Equal(want) || e.Timestamp.Location() != time.UTC {
			t.Errorf("%s: got %v, want %v in UTC", ts, e.Timestamp, want)
		}
	}
	f("2019-10-01T00:20:05Z", want)
	f("2019-10-01T00:20:05.123Z", want.Add(123*time.Millisecond))
	f("2019-10-01T00:20:05.123456789Z", want.Add(123456789))
	f("2019-10-01T00:20:05.1234567891234Z", want.Add(123456789)) // beyond nanoseconds: truncated
	f("2019-10-01T02:20:05+02:00", want)
	f("2019-09-30T19:20:05-05:00", want)
	f("2019-10-01T05:50:05+0530", want)
	f("2019-10-01T08:20:05+08", want)
	f("2019-10-01T00:20:05", want)        // no zone: UTC
	f("2019-10-01 00:20:05", want)        // space for T
	f("2019-10-01 00:20:05 UTC", want)    // REES46's event_time
	f("2019-10-01 00:20:05.000000", want) // Python's str(datetime)
	f("2019-10-01 00:20:05+00:00", want)  // Python's isoformat with a space
	f("2019-10-01 00:20:05 +0000", want)  // Ruby's Time#to_s
	f("2019-10-01t00:20:05z", want)       // RFC 3339 allows lower case
	f("2016-02-29T00:00:00Z", time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC))

	// Fallback to originalTimestamp when timestamp is absent or null.
	e := mustDecode(t, `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":null,"originalTimestamp":"2019-10-01T00:20:05Z","properties":{"product_id":"p1"}}`)
	if !e.Timestamp.Equal(want) {
		t.Errorf("originalTimestamp fallback: got %v, want %v", e.Timestamp, want)
	}

	bad := []string{
		"", "2019-10-01", "2019-10-01T00:20", "2019-13-01T00:00:00Z", "2019-10-32T00:00:00Z",
		"2019-10-01T24:00:00Z", "2019-10-01T00:60:00Z", "2019-10-01T00:00:60Z", "2019-10-01T00:00:00.Z",
		"2019-10-01T00:00:00+24:00", "2019-10-01T00:00:00+0:00", "2019-10-01T00:00:00 ", "2019-10-01T00:00:00PST",
		"2019-10-01T00:00:00Zjunk", "156988920", "15698892051", "2019/10/01 00:00:00", "+2019-10-01T00:00:00Z",
	}
	for _, ts := range bad {
		_, err := DecodeEvent([]byte(`{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"`+ts+`","properties":{"product_id":"p1"}}`), Limits{})
		if f, ok := AsFailure(err); !ok || f.Kind != SchemaViolation || f.Field != "timestamp" {
			t.Errorf("%q: got %v, want a schema violation on timestamp", ts, err)
		}
	}
}

func TestDecodeEventNormalises(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    func(e Event) any // the part of the event under test
		wantVal any
	}{
		{"userId as a number", `{"type":"track","event":"Product Viewed","userId":1515915625,"messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.User() }, "1515915625"},
		{"anonymousId only", `{"type":"track","event":"Product Viewed","anonymousId":"anon-7","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.User() }, "anon-7"},
		{"userId beats anonymousId", `{"type":"track","event":"Product Viewed","anonymousId":"anon-7","userId":"u9","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.User() }, "u9"},
		{"blank userId falls to anonymousId", `{"type":"track","event":"Product Viewed","anonymousId":"anon-7","userId":"","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.User() }, "anon-7"},
		{"missing type with an event is track", `{"event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Type + "/" + e.Event }, "track/Product Viewed"},
		{"screen call decodes without event", `{"type":"screen","name":"Cart","event":"Cart","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"price":{"bad":true}}}`,
			func(e Event) any { return [2]any{e.Type + "/" + e.Event, e.Properties} }, [2]any{"screen/", Properties{}}},
		{"unknown event decodes", track("Coupon Entered", `{"coupon_id":"MAYDEALS","order_id":"o1"}`),
			func(e Event) any { return e.Event + "/" + e.Properties.OrderID }, "Coupon Entered/o1"},
		{"product_id as a number", track(ProductViewed, `{"product_id":5100816}`),
			func(e Event) any { return e.Properties.ProductID }, "5100816"},
		{"sku fills product_id", track(ProductViewed, `{"sku":"G-32"}`),
			func(e Event) any { return e.Properties.ProductID + "/" + e.Properties.SKU }, "G-32/G-32"},
		{"sku as a number", track(ProductAdded, `{"sku":4579032}`),
			func(e Event) any { return e.Properties.ProductID }, "4579032"},
		{"product_id beats sku", track(ProductViewed, `{"sku":"G-32","product_id":"p1"}`),
			func(e Event) any { return e.Properties.ProductID }, "p1"},
		{"order_id as a number", track(OrderCompleted, `{"order_id":50314}`),
			func(e Event) any { return e.Properties.OrderID }, "50314"},
		{"promotion_id as a number", track(PromotionClicked, `{"promotion_id":77}`),
			func(e Event) any { return e.Properties.PromotionID }, "77"},
		{"price as a string", track(ProductViewed, `{"product_id":"p1","price":" 18.99 "}`),
			func(e Event) any { return e.Properties.Price }, 18.99},
		{"price blank string is absent", track(ProductViewed, `{"product_id":"p1","price":""}`),
			func(e Event) any { return e.Properties.Price }, 0.0},
		{"price null is absent", track(ProductViewed, `{"product_id":"p1","price":null}`),
			func(e Event) any { return e.Properties.Price }, 0.0},
		{"price with exponent", track(ProductViewed, `{"product_id":"p1","price":1.899E1}`),
			func(e Event) any { return e.Properties.Price }, 18.99},
		{"negative zero price", track(ProductViewed, `{"product_id":"p1","price":-0.0}`),
			func(e Event) any { return e.Properties.Price }, 0.0},
		{"quantity as a string", track(ProductAdded, `{"product_id":"p1","quantity":"3"}`),
			func(e Event) any { return e.Properties.Quantity }, 3},
		{"quantity as a whole float", track(ProductAdded, `{"product_id":"p1","quantity":2.0}`),
			func(e Event) any { return e.Properties.Quantity }, 2},
		{"position as a string", track(ProductClicked, `{"product_id":"p1","position":"4"}`),
			func(e Event) any { return e.Properties.Position }, 4},
		{"position as a number", track(ProductClicked, `{"product_id":"p1","position":4}`),
			func(e Event) any { return e.Properties.Position }, 4},
		{"position as a slot name", track(PromotionViewed, `{"promotion_id":"ad1","position":"home_banner_top"}`),
			func(e Event) any { return e.Properties.Position }, 0},
		{"revenue beats total and value", track(OrderCompleted, `{"order_id":"o1","value":10,"revenue":25,"total":27.5}`),
			func(e Event) any { return e.Properties.Revenue }, 25.0},
		{"total when no revenue", track(OrderCompleted, `{"order_id":"o1","value":10,"total":"27.50"}`),
			func(e Event) any { return e.Properties.Revenue }, 27.5},
		{"value when no revenue or total", track(OrderCompleted, `{"order_id":"o1","value":10}`),
			func(e Event) any { return e.Properties.Revenue }, 10.0},
		{"null revenue falls to total", track(OrderCompleted, `{"order_id":"o1","revenue":null,"total":27.5}`),
			func(e Event) any { return e.Properties.Revenue }, 27.5},
		{"currency upper-cased", track(OrderCompleted, `{"order_id":"o1","currency":"gbp"}`),
			func(e Event) any { return e.Properties.Currency }, "GBP"},
		{"line item sku fills product_id", track(OrderCompleted, `{"order_id":"o1","products":[{"sku":"85123A","price":"2.55","quantity":"6"}]}`),
			func(e Event) any { return e.Properties.Products }, []LineItem{{ProductID: "85123A", SKU: "85123A", Price: 2.55, Quantity: 6}}},
		{"null line items are dropped", track(OrderCompleted, `{"order_id":"o1","products":[null,{"product_id":"p1"}]}`),
			func(e Event) any { return e.Properties.Products }, []LineItem{{ProductID: "p1"}}},
		{"locale kept", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","context":{"ip":"1.2.3.4","locale":"zh-CN","traits":{"a":[1,2,{"b":null}]}},"properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.Context.Locale }, "zh-CN"},
		{"escapes decoded", track(ProductViewed, `{"product_id":"p1","name":"Caf\u00e9 \"Noir\" \ud83d\ude00\/\t"}`),
			func(e Event) any { return e.Properties.Name }, "Café \"Noir\" 😀/\t"},
		{"escaped keys match", `{"type":"track","event":"Product Viewed","user\u0049d":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1"}}`,
			func(e Event) any { return e.UserID }, "u1"},
		{"lone surrogate replaced", track(ProductViewed, `{"product_id":"p1","brand":"a\ud800b"}`),
			func(e Event) any { return e.Properties.Brand }, "a\uFFFDb"},
		{"last duplicate key wins", track(ProductViewed, `{"product_id":"p1","product_id":"p2"}`),
			func(e Event) any { return e.Properties.ProductID }, "p2"},
		{"last properties object wins", `{"type":"track","event":"Product Viewed","userId":"u1","messageId":"m1","timestamp":"2019-10-01T00:00:00Z","properties":{"product_id":"p1","price":5},"properties":{"product_id":"p2"}}`,
			func(e Event) any { return e.Properties }, Properties{ProductID: "p2"}},
		{"unknown fields of any shape skipped", track(ProductViewed, `{"product_id":"p1","variant":{"size":[1,2.5e3,-0,true,false,null,"x"]},"image_url":"https://x/y.jpg"}`),
			func(e Event) any { return e.Properties.ProductID }, "p1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.want(mustDecode(t, tt.payload))
			if !reflect.DeepEqual(got, tt.wantVal) {
				t.Errorf("got %#v, want %#v", got, tt.wantVal)
			}
		})
	}
}

// roundTripPayloads are the accepted inputs the round-trip test and the fuzz seeds share.
func roundTripPayloads(t testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		out = append(out, readTestdata(t, filepath.Base(f)))
	}
	out = append(out,
		[]byte(track(OrderCompleted, `{"order_id":50314,"value":"10.5","currency":"cny","products":[{"sku":7,"quantity":"2"}]}`)),
		[]byte(`{"event":"Product Added","userId":42,"messageId":7,"originalTimestamp":"2019-10-01 00:20:05.5 +0530","properties":{"sku":"G-32","price":"-0","position":"slot"}}`),
		[]byte(track(ProductViewed, "{\"product_id\":\"p\\u00ff1\",\"name\":\"\\ud83d\\ude00 <b>&amp;</b>\"}")),
		[]byte(`{"type":"track","event":"view_item","anonymousId":"a","timestamp":1569888000123,"properties":{"currency":"EUR",`+
			`"items":[{"item_id":"SKU_1","item_name":"Tee","item_category":"Apparel","item_category2":"Men / Shirts","price":"19,99","quantity":1}]}}`),
	)
	return out
}

func TestDecodeEventRoundTrip(t *testing.T) {
	for _, payload := range roundTripPayloads(t) {
		assertRoundTrip(t, payload)
	}
}

// assertReencodes checks that e, encoded with encoding/json, decodes back equal with nothing
// left to rewrite, and returns the encoding.
func assertReencodes(t *testing.T, e Event) []byte {
	t.Helper()
	enc, err := json.Marshal(e)
	if err != nil {
		t.Fatalf("encode %+v: %v", e, err)
	}
	again, err := DecodeEvent(enc, Limits{})
	if err != nil {
		t.Fatalf("decoding the encoded event %s: %v", enc, err)
	}
	if again.Rewrites != 0 {
		t.Fatalf("the encoded event %s was rewritten again: %v", enc, again.Rewrites)
	}
	e.Rewrites = 0
	if !reflect.DeepEqual(again, e) {
		t.Fatalf("round trip through %s changed the event:\n got %+v\nwant %+v", enc, again, e)
	}
	return enc
}

// assertRoundTrip checks that an accepted payload's Event, encoded with encoding/json, is read
// back equal by both DecodeEvent and encoding/json.
func assertRoundTrip(t *testing.T, payload []byte) {
	t.Helper()
	e, err := DecodeEvent(payload, Limits{})
	if err != nil {
		t.Fatalf("DecodeEvent(%q): %v", payload, err)
	}
	enc := assertReencodes(t, e)
	var std Event
	if err := json.Unmarshal(enc, &std); err != nil {
		t.Fatalf("encoding/json rejects %s: %v", enc, err)
	}
	e.Rewrites = 0
	if !reflect.DeepEqual(std, e) {
		t.Fatalf("encoding/json reads %s differently:\n got %+v\nwant %+v", enc, std, e)
	}
}

// internTable interns every string it is given.
type internTable struct {
	strs  map[string]string
	calls int
}

func (t *internTable) intern(b []byte) string {
	t.calls++
	if s, ok := t.strs[string(b)]; ok {
		return s
	}
	if t.strs == nil {
		t.strs = map[string]string{}
	}
	s := string(b)
	t.strs[s] = s
	return s
}

// reusedEvent is an event with every field set, as DecodeEventInto finds its destination after
// an earlier record.
func reusedEvent(t testing.TB) Event {
	t.Helper()
	e, err := DecodeEvent([]byte(`{"type":"track","event":"Order Completed","userId":"old-user","anonymousId":"old-anon",
		"messageId":"old-m","timestamp":"2019-10-01T00:00:00Z","context":{"locale":"de-DE"},
		"properties":{"order_id":"o","revenue":3,"product_id":"old-p","sku":"old-s","name":"n","brand":"b",
		"category":"c","price":1,"currency":"EUR","quantity":2,"position":3,"url":"u","query":"q","list_id":"l",
		"promotion_id":"pr","creative":"cr","products":[{"product_id":"a","price":1},{"sku":"b","category":"x.y"}]}}`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// DecodeEventInto overwrites everything an earlier event left, reuses its line items' array,
// takes the strings it keeps from intern, and once they are interned allocates nothing.
func TestDecodeEventInto(t *testing.T) {
	for _, payload := range append(roundTripPayloads(t), []byte(track(ProductViewed, `{"product_id":"p1"}`)),
		[]byte(`{"type":"page","userId":"u","messageId":"m","timestamp":"2019-10-01T00:00:00Z","properties":{"products":[{}]}}`)) {
		want, err := DecodeEvent(payload, Limits{})
		if err != nil {
			t.Fatalf("DecodeEvent(%s): %v", payload, err)
		}
		got := reusedEvent(t)
		items := &got.Properties.Products[:1][0]
		tab := &internTable{}
		if err := DecodeEventInto(&got, payload, Limits{}, tab.intern); err != nil {
			t.Fatalf("DecodeEventInto(%s): %v", payload, err)
		}
		if len(want.Properties.Products) > 0 && &got.Properties.Products[0] != items {
			t.Errorf("%s: line items in a new array, want the destination's reused", payload)
		}
		if len(got.Properties.Products) == 0 {
			got.Properties.Products = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("DecodeEventInto(%s) =\n %+v\nwant\n %+v", payload, got, want)
		}
		if want.UserID != "" && tab.strs[want.UserID] != want.UserID {
			t.Errorf("%s: user %q did not come from intern", payload, want.UserID)
		}
	}

	// Failures are DecodeEvent's.
	for _, payload := range []string{`{"broken`, `{"type":"track","event":"Product Viewed"}`,
		track(ProductViewed, `{"product_id":true,"price":"x"}`)} {
		ev := reusedEvent(t)
		_, want := DecodeEvent([]byte(payload), Limits{})
		if err := DecodeEventInto(&ev, []byte(payload), Limits{}, nil); err == nil || err.Error() != want.Error() {
			t.Errorf("DecodeEventInto(%s) = %v, want %v", payload, err, want)
		}
	}

	payload := []byte(track(OrderCompleted, `{"order_id":"o1","currency":"usd","products":[{"product_id":"p1","brand":"b","category":"a.b","price":"3"}]}`))
	tab := &internTable{}
	intern := tab.intern
	var ev Event
	if err := DecodeEventInto(&ev, payload, Limits{}, intern); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := DecodeEventInto(&ev, payload, Limits{}, intern); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("DecodeEventInto with every string interned: %v allocations, want 0", n)
	}
}
