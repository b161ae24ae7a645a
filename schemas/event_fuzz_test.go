package schemas

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

var knownKinds = map[FailureKind]bool{
	MalformedJSON: true, InvalidUTF8: true, SchemaViolation: true, MissingUser: true, TimestampOutOfRange: true, TooLarge: true,
}

func FuzzDecodeEvent(f *testing.F) {
	for _, p := range roundTripPayloads(f) {
		f.Add(p)
	}
	for _, p := range []string{
		``, `null`, `[]`, `{}`, `{"a":[{"b":[1,-0.5e+3,true,false,null]}]}`, `{"x":"\ud83d\ude00\ud800\u0041"}`,
		track(ProductViewed, `{"product_id":"p1","price":"18.99","quantity":"2","position":"3"}`),
		track(OrderCompleted, `{"order_id":1,"total":27.5,"products":[{"sku":"a","price":1}]}`),
		track(ProductsSearched, `{"query":"shoes"}`),
		track(PromotionClicked, `{"promotion_id":"ad1","position":"top"}`),
		`{"event":"Product Viewed","anonymousId":"a","messageId":"m","originalTimestamp":"2019-10-01 00:00:00 UTC","properties":{"sku":9}}`,
		`{"type":"identify","userId":1,"messageId":"m","timestamp":"2019-10-01T00:00:00+05:30","traits":{}}`,
		track("purchase", `{"transaction_id":"T1","value":"1.299,50 €","items":[{"item_id":"a","item_category":"A","item_category2":"B / C","quantity":1.5}]}`),
		`{"type":"track","event":"product_viewed","userId":"u","timestamp":"1569888000","properties":{"product_id":"p","category":"A > B","price":"$1,299"}}`,
		"{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\",\"messageId\":\"\xc3\",\"timestamp\":1569888000.5}",
	} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEvent(data, Limits{})
		// Decoding into an event that held another one, through an intern that hands out its
		// own copies, gives the same event or the same failure.
		into := reusedEvent(t)
		errInto := DecodeEventInto(&into, data, Limits{}, (&internTable{}).intern)
		if (err == nil) != (errInto == nil) || err != nil && err.Error() != errInto.Error() {
			t.Fatalf("DecodeEvent: %v, DecodeEventInto: %v", err, errInto)
		}
		if err == nil {
			if len(into.Properties.Products) == 0 {
				into.Properties.Products = nil
			}
			if !reflect.DeepEqual(into, e) {
				t.Fatalf("DecodeEventInto read\n %+v\nDecodeEvent\n %+v", into, e)
			}
		}
		if err != nil {
			fail, ok := AsFailure(err)
			if !ok {
				t.Fatalf("error %v (%T) is not a *Failure", err, err)
			}
			if !knownKinds[fail.Kind] {
				t.Fatalf("unknown failure kind %q", fail.Kind)
			}
			if fail.Kind == MalformedJSON && json.Valid(data) && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
				t.Fatalf("valid JSON object rejected as malformed: %v", fail)
			}
			if fail.Kind != MalformedJSON && fail.Kind != TooLarge && !json.Valid(data) {
				t.Fatalf("invalid JSON failed as %v, want malformed_json", fail)
			}
			// JSON that is valid but for its encoding fails as invalid_utf8, before any check.
			if (fail.Kind == InvalidUTF8) != (fail.Kind != TooLarge && fail.Kind != MalformedJSON && !utf8.Valid(data)) {
				t.Fatalf("%v on a payload whose UTF-8 validity is %v", fail, utf8.Valid(data))
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("invalid JSON accepted as %+v", e)
		}
		if !utf8.Valid(data) {
			t.Fatalf("invalid UTF-8 accepted as %+v", e)
		}
		if e.User() == "" || e.MessageID == "" {
			t.Fatalf("accepted without user or messageId: %+v", e)
		}
		// Strings decode as encoding/json decodes them.
		var std map[string]any
		if err := json.Unmarshal(data, &std); err != nil {
			t.Fatalf("encoding/json rejects an accepted payload: %v", err)
		}
		if _, ok := std["messageId"]; !ok && !e.Rewrites.Has(RewriteMessageID) {
			t.Fatalf("no messageId, and none made: %+v", e)
		}
		for key, got := range map[string]string{"userId": e.UserID, "messageId": e.MessageID} {
			if s, ok := std[key].(string); ok && s != got {
				t.Fatalf("%s: encoding/json reads %q, DecodeEvent %q", key, s, got)
			}
		}
		assertReencodes(t, e)
	})
}

// browserPayload is the spec's Product Viewed as a browser tracker sends it: compact, with the
// context a browser adds.
func browserPayload(b *testing.B) []byte {
	b.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, readTestdata(b, "product_viewed.json")); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDecodeEvent decodes browserPayload.
func BenchmarkDecodeEvent(b *testing.B) {
	payload := browserPayload(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := DecodeEvent(payload, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventInto is BenchmarkDecodeEvent into one reused event, with every string
// already interned: what a stage that keeps no event pays per record.
func BenchmarkDecodeEventInto(b *testing.B) {
	payload := browserPayload(b)
	var tab internTable
	intern := tab.intern
	var ev Event
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if err := DecodeEventInto(&ev, payload, Limits{}, intern); err != nil {
			b.Fatal(err)
		}
	}
}
