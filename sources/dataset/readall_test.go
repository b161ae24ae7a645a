package dataset

import (
	"testing"
)

// The Taobao sample is in shopper order, not time order: ReadAll returns every event of every
// shopper, in event-time order.
func TestReadAllOrdersByEventTime(t *testing.T) {
	events, skips, err := ReadAll(FormatTaobao, taobaoFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 84475 || skips.Total() != 0 {
		t.Fatalf("read %d events and %d skips, want 84475 and 0", len(events), skips.Total())
	}
	for i := 1; i < len(events); i++ {
		if events[i].Timestamp.Before(events[i-1].Timestamp) {
			t.Fatalf("event %d at %v comes after one at %v", i, events[i].Timestamp, events[i-1].Timestamp)
		}
	}
	shoppers := map[string]bool{}
	for _, ev := range events {
		shoppers[ev.User()] = true
	}
	if len(shoppers) != 815 {
		t.Errorf("%d shoppers, want 815", len(shoppers))
	}

	if _, _, err := ReadAll("nosuchformat", taobaoFile); err == nil {
		t.Error("ReadAll of an unknown format succeeded")
	}
}
