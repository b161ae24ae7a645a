package simulation

import (
	"errors"
	"strings"
	"time"

	"github.com/adshift/adshift/schemas"
)

// world is the dataset as the simulated shoppers live it: every event in event-time order, and
// each shopper's events, so what a shopper does after an impression can be looked up.
type world struct {
	events  []schemas.Event
	byUser  map[string][]int // indices into events, ascending
	pos     []int            // pos[i]: where events[i] sits in byUser of its shopper
	badRows map[string]int   // rows the reader could not map, by reason
}

// newWorld indexes a dataset's events, in event-time order, by shopper.
func newWorld(events []schemas.Event, skips map[string]int) (*world, error) {
	if len(events) == 0 {
		return nil, errors.New("no events")
	}
	w := &world{events: events, byUser: map[string][]int{}, badRows: skips}
	w.pos = make([]int, len(w.events))
	for i, ev := range w.events {
		u := ev.User()
		w.pos[i] = len(w.byUser[u])
		w.byUser[u] = append(w.byUser[u], i)
	}
	return w, nil
}

// Match grades of an ad's product against a shopper's behaviour, best last.
const (
	matchOther = iota
	matchSegment
	matchCategory
	matchProduct
)

// match grades the ad's product against what the shopper of event i does from event i on, up
// to lookahead after it.
func (w *world) match(i int, p schemas.Product, lookahead time.Duration) int {
	cat := strings.ToLower(strings.TrimSpace(p.Category))
	root := rootOf(cat)
	end := w.events[i].Timestamp.Add(lookahead)
	best := matchOther
	idx := w.byUser[w.events[i].User()]
	for _, j := range idx[w.pos[i]:] {
		ev := &w.events[j]
		if ev.Timestamp.After(end) {
			break
		}
		for _, it := range items(ev) {
			c := strings.ToLower(strings.TrimSpace(it.Category))
			switch {
			case it.ProductID == p.ID:
				return matchProduct
			case c == cat && cat != "":
				best = max(best, matchCategory)
			case root != "" && rootOf(c) == root:
				best = max(best, matchSegment)
			}
		}
	}
	return best
}

// items are the products an event is about: its own product, or an order's line items.
func items(ev *schemas.Event) []schemas.LineItem {
	if len(ev.Properties.Products) > 0 {
		return ev.Properties.Products
	}
	if ev.Properties.ProductID == "" {
		return nil
	}
	return []schemas.LineItem{{ProductID: ev.Properties.ProductID, Category: ev.Properties.Category}}
}

// rootOf is the most general level of a dotted category path.
func rootOf(category string) string {
	root, _, _ := strings.Cut(category, ".")
	return strings.TrimSpace(root)
}

// orders reports whether the shopper of event i really orders a product of p's segment after
// event i, within window.
func (w *world) orders(i int, p schemas.Product, window time.Duration) bool {
	root := rootOf(strings.ToLower(strings.TrimSpace(p.Category)))
	at := w.events[i].Timestamp
	idx := w.byUser[w.events[i].User()]
	for _, j := range idx[w.pos[i]+1:] {
		ev := &w.events[j]
		if ev.Timestamp.Sub(at) > window {
			break
		}
		if ev.Event != schemas.OrderCompleted || !ev.Timestamp.After(at) {
			continue
		}
		for _, it := range items(ev) {
			if root != "" && rootOf(strings.ToLower(strings.TrimSpace(it.Category))) == root {
				return true
			}
		}
	}
	return false
}
