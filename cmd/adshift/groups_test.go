package main

import (
	"io"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// An order is scored once per group it buys, in line order, each part with its lines and an id
// of its own; an event of one group, and one with its own category, stay whole.
func TestPerCategory(t *testing.T) {
	line := func(id, cat string) schemas.LineItem {
		return schemas.LineItem{ProductID: id, Category: cat, Quantity: 1}
	}
	order := schemas.Event{Type: schemas.TypeTrack, Event: schemas.OrderCompleted, MessageID: "m1", Properties: schemas.Properties{
		OrderID: "536365", Products: []schemas.LineItem{line("a1", "light holder"), line("b1", "hot water"), line("a2", "light holder")},
	}}
	single := schemas.Event{Type: schemas.TypeTrack, Event: schemas.OrderCompleted, MessageID: "m2", Properties: schemas.Properties{
		OrderID: "536366", Products: []schemas.LineItem{line("c1", "hand warmer"), line("c2", "hand warmer")},
	}}
	got := perCategory([]schemas.Event{order, single})
	if len(got) != 3 {
		t.Fatalf("%d events, want 3", len(got))
	}
	f := func(ev schemas.Event, id string, products ...string) {
		t.Helper()
		var ids []string
		for _, it := range ev.Properties.Products {
			ids = append(ids, it.ProductID)
		}
		if ev.MessageID != id || len(ids) != len(products) || (len(ids) > 0 && ids[0] != products[0]) || ev.Properties.OrderID == "" {
			t.Errorf("event %s with %v, want %s with %v", ev.MessageID, ids, id, products)
		}
	}
	f(got[0], "m1#0", "a1", "a2")
	f(got[1], "m1#1", "b1")
	f(got[2], "m2", "c1", "c2")
	if _, err := evalCategories(nil, "brand", "", 0, io.Discard); err == nil {
		t.Error("--by brand accepted")
	}
}
