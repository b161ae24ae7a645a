package dataset

import (
	"errors"
	"io"
	"slices"

	"github.com/adshift/adshift/schemas"
)

// ReadAll reads a whole dataset into memory, in event-time order with file order breaking ties
// (so a shopper's events keep their order), and counts the rows that could not be mapped by
// reason. It is for offline work — evaluation, simulation, previews — over samples that fit in
// memory; replay streams with Open instead.
func ReadAll(format, path string) ([]schemas.Event, Skips, error) {
	r, err := Open(format, path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var events []schemas.Event
	skips, err := each(r, func(ev schemas.Event) { events = append(events, ev) })
	if err != nil {
		return nil, nil, err
	}
	slices.SortStableFunc(events, func(a, b schemas.Event) int { return a.Timestamp.Compare(b.Timestamp) })
	return events, skips, nil
}

// each reads r to its end, calling fn with every event, and counts by reason the rows it could
// not map.
func each(r Reader, fn func(schemas.Event)) (Skips, error) {
	skips := Skips{}
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return skips, nil
		}
		var rowErr *RowError
		if errors.As(err, &rowErr) {
			skips[rowErr.Reason]++
			continue
		}
		if err != nil {
			return nil, err
		}
		fn(ev)
	}
}
