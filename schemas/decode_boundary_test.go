package schemas

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func event(ts string) string {
	return `{"type":"identify","userId":"u1","messageId":"m1","timestamp":"` + ts + `"}`
}

// A zone offset's minutes run to 59 and its hours to 23, each at its end.
func TestZoneOffsetBounds(t *testing.T) {
	f := func(ts string, want time.Time) {
		t.Helper()
		e, err := DecodeEvent([]byte(event(ts)), Limits{})
		if want.IsZero() {
			if err == nil {
				t.Errorf("%s read as %v, want refused", ts, e.Timestamp)
			}
			return
		}
		if err != nil || !e.Timestamp.Equal(want) {
			t.Errorf("%s: %v, %v; want %v", ts, e.Timestamp, err, want)
		}
	}
	oct1 := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	f("2019-10-01T23:59:00+23:59", oct1)
	f("2019-10-01T05:59:00+0559", oct1)
	f("2019-10-01T00:00:00+05:60", time.Time{})
	f("2019-10-01T00:00:00+0560", time.Time{})
	f("2019-10-01T00:00:00+24:00", time.Time{})
}

// A source header's partition is an int32 and its offset an int64, neither negative.
func TestParseSourceBounds(t *testing.T) {
	f := func(v string, ok bool) {
		t.Helper()
		if _, _, _, got := ParseSource([]byte(v)); got != ok {
			t.Errorf("ParseSource(%q) ok = %v, want %v", v, got, ok)
		}
	}
	f("clickstream/"+strconv.Itoa(math.MaxInt32)+"/"+strconv.FormatInt(math.MaxInt64, 10), true)
	f("clickstream/2147483648/1", false)
	f("clickstream/-1/1", false)
	f("clickstream/1/-1", false)
	f("clickstream/1/9223372036854775808", false)
	f("/1/1", false)
	f("clickstream/1", false)
	topic, part, off, ok := ParseSource(AppendSource(nil, "clickstream", 7, 42))
	if !ok || topic != "clickstream" || part != 7 || off != 42 {
		t.Errorf("AppendSource read back as %q %d %d %v", topic, part, off, ok)
	}
}

// GA4's items are the spec's products, and the read is noted.
func TestGA4ItemsAreNoted(t *testing.T) {
	e, err := DecodeEvent([]byte(track(OrderCompleted, `{"order_id":"o","items":[{"product_id":"a","price":2,"quantity":1}]}`)), Limits{})
	if err != nil || len(e.Properties.Products) != 1 || !e.Rewrites.Has(RewriteGA4) {
		t.Fatalf("items: %+v, rewrites %v, %v", e.Properties.Products, e.Rewrites, err)
	}
	e, err = DecodeEvent([]byte(track(OrderCompleted, `{"order_id":"o","products":[{"product_id":"a","price":2,"quantity":1}]}`)), Limits{})
	if err != nil || len(e.Properties.Products) != 1 || e.Rewrites.Has(RewriteGA4) {
		t.Fatalf("products: %+v, rewrites %v, %v", e.Properties.Products, e.Rewrites, err)
	}
}

// A batch's context is merged into each event's own, member by member, as valid JSON.
func TestBatchContextMergesEveryMember(t *testing.T) {
	batch := `{"batch":[{"type":"track","event":"Product Viewed","userId":"u","messageId":"m","timestamp":"2019-10-01T00:00:00Z","context":{"c":3}}],` +
		`"context":{"a":1,"b":2,"c":9}}`
	var s Splitter
	env, values, err := s.Split([]byte(batch), Limits{})
	if err != nil || env != SegmentBatch || len(values) != 1 {
		t.Fatalf("Split: %v, %v, %d events", env, err, len(values))
	}
	var ev struct{ Context map[string]int }
	if err := json.Unmarshal(values[0], &ev); err != nil {
		t.Fatalf("merged event %s: %v", values[0], err)
	}
	if ev.Context["a"] != 1 || ev.Context["b"] != 2 || ev.Context["c"] != 3 || len(ev.Context) != 3 {
		t.Errorf("merged context %v, want a and b from the batch, c the event's own", ev.Context)
	}
}

// A string that never ends is reported at the end of the input.
func TestUnterminatedStringOffset(t *testing.T) {
	_, err := DecodeEvent([]byte(`{"type":"track","event":"Product`), Limits{})
	if err == nil || !strings.Contains(err.Error(), "unterminated string at offset 32") {
		t.Errorf("unterminated string: %v, want it at offset 32", err)
	}
	_, err = DecodeEvent([]byte(`{"type":"track","event":"Pro\nduct`), Limits{})
	if err == nil || !strings.Contains(err.Error(), "unterminated string at offset 34") {
		t.Errorf("unterminated string with an escape: %v, want it at offset 34", err)
	}
}

// Mutants left alive on purpose, as no behaviour depends on them: unicodeEscape's length check
// at 2 or 3 (a lone "\u" has no hex digits either way), and epochTime's search for '.', 'e' or
// 'E' at index 0 or not (the decoder hands it numbers only, which start with a digit or '-').
