package features

import (
	"testing"
	"time"
)

// The hourly audit counts follow tumbling hours of event time on real dates: an event at the last
// millisecond of an hour and one at the first of the next fall in different hours, a late event
// of the hour before still counts there, and older ones count nowhere.
func TestHourlyCountsTumblingHours(t *testing.T) {
	at := func(s string) int64 {
		t.Helper()
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts.UnixMilli()
	}
	var h hourly
	check := func(what string, hour uint32, cur, prev uint16) {
		t.Helper()
		if h.hour != hour || h.cur != cur || h.prev != prev {
			t.Fatalf("%s: hour %d cur %d prev %d, want hour %d cur %d prev %d", what, h.hour, h.cur, h.prev, hour, cur, prev)
		}
	}
	// 2019-10-01T10:00Z is 18170 days and 10 hours after 1970-01-01.
	const ten = 18170*24 + 10
	h.add(at("2019-10-01T10:00:00Z"))
	check("first event", ten, 1, 0)
	h.add(at("2019-10-01T10:59:59.999Z"))
	check("same hour, last millisecond", ten, 2, 0)
	h.add(at("2019-10-01T11:00:00Z"))
	check("next hour, first millisecond", ten+1, 1, 2)
	h.add(at("2019-10-01T10:30:00Z"))
	check("late event of the hour before", ten+1, 1, 3)
	h.add(at("2019-10-01T09:59:59.999Z"))
	check("event two hours old", ten+1, 1, 3)
	h.add(at("2019-10-01T11:15:00Z"))
	check("current hour again", ten+1, 2, 3)
	h.add(at("2019-10-01T13:00:00Z"))
	check("two hours on: the hour before had nothing", ten+3, 1, 0)
	h.add(at("2019-10-02T00:00:00Z"))
	check("the next day", ten+14, 1, 0)
}

// Counts saturate at 65535 instead of wrapping to 0.
func TestHourlyCountsSaturate(t *testing.T) {
	h := hourly{hour: 100, cur: 0xfffe, prev: 0xfffe}
	base := int64(100) * hourMillis
	for range 3 {
		h.add(base + 1)
		h.add(base - 1)
	}
	if h.cur != 0xffff || h.prev != 0xffff {
		t.Fatalf("cur %d prev %d, want both 65535", h.cur, h.prev)
	}
}
