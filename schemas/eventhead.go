package schemas

import "time"

// EventHead is what a stage that files or routes clickstream records needs of an event: its call
// type, its name when it is one adshift reads, and its time.
type EventHead struct {
	Type      string    // one of the Type constants
	Event     string    // the name when the decoder knows it as a constant (every name adshift reads), else ""
	Timestamp time.Time // UTC
}

// DecodeEventHead decodes the head of one Segment event. It reads and checks data exactly as
// DecodeEvent does, and fails exactly when DecodeEvent fails, with a *Failure of the same kind on
// the same field, but copies no string of the payload: an event that lists no products costs one
// allocation, the event it is read into.
func DecodeEventHead(data []byte, lim Limits) (EventHead, error) {
	var ev Event
	if err := DecodeEventInto(&ev, data, lim, presence); err != nil {
		return EventHead{}, err
	}
	h := EventHead{Type: ev.Type, Event: ev.Event, Timestamp: ev.Timestamp}
	if h.Event == present {
		h.Event = ""
	}
	return h, nil
}

// EventTime returns the time of one Segment event: DecodeEvent's Timestamp, or its failure.
func EventTime(data []byte, lim Limits) (time.Time, error) {
	h, err := DecodeEventHead(data, lim)
	return h.Timestamp, err
}

// presence stands in for every string an event keeps that is not a constant: the checks on an
// event only ask whether such a string is empty, so its text need not be copied.
func presence(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return present
}

// present is the text presence gives a non-empty string.
const present = "?"
