package franz

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func TestEventTime(t *testing.T) {
	event := time.Date(2019, 10, 1, 0, 2, 3, 456_789_000, time.FixedZone("CST", 8*3600))
	written := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := func(r *kgo.Record, want time.Time) {
		t.Helper()
		if got := EventTime(r); !got.Equal(want) {
			t.Errorf("EventTime(headers %v, timestamp %v) = %v, want %v", r.Headers, r.Timestamp, got, want)
		}
	}
	h := EventTimeHeader(event)
	if string(h.Value) != "2019-09-30T16:02:03.456Z" {
		t.Errorf("header value %q, want UTC to the millisecond", h.Value)
	}
	f(&kgo.Record{Timestamp: written, Headers: []kgo.RecordHeader{{Key: "x"}, h}}, event.Truncate(time.Millisecond))
	f(&kgo.Record{Timestamp: written}, written)
	f(&kgo.Record{Timestamp: written, Headers: []kgo.RecordHeader{{Key: HeaderEventTime, Value: []byte("yesterday")}}}, written)
}
