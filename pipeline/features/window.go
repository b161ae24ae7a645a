package features

import "math"

// hourMillis is one hour of event time.
const hourMillis = 60 * 60 * 1000

// hourly counts a shopper's interest events in tumbling hours of event time, for audit: the
// current hour and the one before. Late events within the allowed lateness still land in the
// hour they belong to; counts saturate at 65535.
type hourly struct {
	hour      uint32 // hours since 1970-01-01 of cur
	cur, prev uint16
}

func (h *hourly) add(t int64) {
	hr := uint32(t / hourMillis)
	switch {
	case hr == h.hour:
		h.cur = inc(h.cur)
	case hr == h.hour+1:
		h.hour, h.prev, h.cur = hr, h.cur, 1
	case hr > h.hour:
		h.hour, h.prev, h.cur = hr, 0, 1
	case hr+1 == h.hour:
		h.prev = inc(h.prev)
	}
}

// inc adds one to a count unless it is saturated (c+1 of a uint16 wraps to 0 at the top).
func inc(c uint16) uint16 {
	if c == math.MaxUint16 {
		return c
	}
	return c + 1
}
