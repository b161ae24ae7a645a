package schemas

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// The head of an event is what DecodeEvent reads of it, and a payload DecodeEvent rejects is
// rejected the same way.
func TestDecodeEventHead(t *testing.T) {
	at := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	f := func(payload string, want EventHead) {
		t.Helper()
		got, err := DecodeEventHead([]byte(payload), Limits{})
		if err != nil || got != want {
			t.Errorf("DecodeEventHead(%s) = %+v, %v; want %+v", payload, got, err, want)
		}
		if ts, err := EventTime([]byte(payload), Limits{}); err != nil || !ts.Equal(want.Timestamp) {
			t.Errorf("EventTime(%s) = %v, %v; want %v", payload, ts, err, want.Timestamp)
		}
	}
	f(track(ProductViewed, `{"product_id":"p1"}`), EventHead{Type: TypeTrack, Event: ProductViewed, Timestamp: at})
	f(track("Coupon Entered", `{}`), EventHead{Type: TypeTrack, Timestamp: at})
	f(`{"type":"group","userId":"u1","messageId":"m","timestamp":"2019-10-01T02:00:00+02:00"}`, EventHead{Type: TypeGroup, Timestamp: at})
	f(`{"type":"track","event":"view_item","anonymousId":"a","timestamp":1569888000000,"properties":{"items":[{"item_id":"p1","price":"19,99"}]}}`,
		EventHead{Type: TypeTrack, Event: ProductViewed, Timestamp: at}) // GA4, no messageId, epoch milliseconds
	f(`{"type":"tr\u0061ck","event":"Order Completed","userId":"u1","messageId":"m","timestamp":"2019-10-01T00:00:00Z","properties":{"order_id":"o\"1","products":[{"sku":"s"}]}}`,
		EventHead{Type: TypeTrack, Event: OrderCompleted, Timestamp: at})

	for _, payload := range []string{
		`{"broken`,
		track(ProductViewed, `{"name":"no id"}`),
		`{"type":"fax","userId":"u1","messageId":"m","timestamp":"2019-10-01T00:00:05Z"}`,
		`{"type":"track","event":"Product Viewed","messageId":"m","timestamp":"2019-10-01T00:00:05Z","properties":{"product_id":"p"}}`,
		`{"type":"page","userId":"u1","messageId":"m","timestamp":"1999-12-31T23:59:59Z"}`,
		"{\"type\":\"page\",\"userId\":\"u\xff\",\"messageId\":\"m\",\"timestamp\":\"2019-10-01T00:00:00Z\"}",
		track("add_to_cart", `{"items":[{"item_name":"no id"}]}`),
	} {
		_, want := DecodeEvent([]byte(payload), Limits{})
		_, got := DecodeEventHead([]byte(payload), Limits{})
		if want == nil || !sameFailure(got, want) {
			t.Errorf("DecodeEventHead(%s) fails with %v, DecodeEvent with %v", payload, got, want)
		}
	}
}

// sameFailure reports whether a and b are failures of the same kind on the same field.
func sameFailure(a, b error) bool {
	fa, oka := AsFailure(a)
	fb, okb := AsFailure(b)
	return oka && okb && fa.Kind == fb.Kind && fa.Field == fb.Field
}

// The head of an event that lists no products costs one allocation, the event it is read into,
// however many strings the event holds.
func TestDecodeEventHeadAllocates(t *testing.T) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, readTestdata(t, "product_viewed.json")); err != nil {
		t.Fatal(err)
	}
	payload := buf.Bytes()
	if n := testing.AllocsPerRun(100, func() {
		if _, err := DecodeEventHead(payload, Limits{}); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("%v allocations per event, want 1", n)
	}
}

// DecodeEventHead agrees with DecodeEvent on every input: the same head, or a failure of the same
// kind on the same field.
func FuzzDecodeEventHead(f *testing.F) {
	for _, p := range roundTripPayloads(f) {
		f.Add(p)
	}
	for _, p := range []string{
		``, `{}`, `{"type":"alias","userId":"u","messageId":"m","timestamp":"2019-10-01T00:00:00Z"}`,
		track(PromotionClicked, `{"promotion_id":"ad1","position":"top"}`),
		track("?", `{}`),
		`{"type":"track","event":"Products Searched","anonymousId":"a","messageId":"m","originalTimestamp":"2019-10-01 00:00:00 UTC","properties":{"query":"\u00e9"}}`,
	} {
		f.Add([]byte(p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEvent(data, Limits{})
		h, errHead := DecodeEventHead(data, Limits{})
		if err != nil || errHead != nil {
			if !sameFailure(err, errHead) {
				t.Fatalf("DecodeEvent: %v, DecodeEventHead: %v", err, errHead)
			}
			return
		}
		if h.Type != e.Type || !h.Timestamp.Equal(e.Timestamp) || h.Timestamp.Location() != time.UTC {
			t.Fatalf("head %+v of event %+v", h, e)
		}
		if h.Event != "" && h.Event != e.Event {
			t.Fatalf("head names %q, the event %q", h.Event, e.Event)
		}
		if _, known := constant([]byte(e.Event)); known && h.Event != e.Event {
			t.Fatalf("head names %q, the event %q", h.Event, e.Event)
		}
	})
}

// BenchmarkDecodeEventHead is BenchmarkDecodeEvent for a stage that needs only the head: the
// archive, filing records by event time.
func BenchmarkDecodeEventHead(b *testing.B) {
	payload := browserPayload(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		if _, err := DecodeEventHead(payload, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
