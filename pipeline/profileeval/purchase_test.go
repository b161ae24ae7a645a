package profileeval

import (
	"context"
	"testing"

	"github.com/adshift/adshift/pipeline/features"
)

func TestNextPurchaseCategoryByHand(t *testing.T) {
	//                index  0  1  2  3   4
	u := handShopper("A  B  C  D   E", 0, 1, 2, 23, 26)
	u.buy = []bool{false, true, false, true, true} // B, D and E went to the cart
	for i := range u.tally {
		u.tally[i] = make([]tally, 2)
	}
	e := &evaluator{users: map[string]*shopper{"u": u}, shoppers: []*shopper{u}, shifts: []evalShift{
		// At 0 h the next day holds B and D (E, at 26 h, is too late): the first predictor's
		// first guess is bought, the second names none of them.
		{user: "u", at: 0, ranks: [][]string{{"D", "B", "A"}, {"A", "C", "E"}}},
		// Before the guard: not ranked, not scored.
		{user: "u", at: 1},
		// At 2 h: D and E (26 h is a day after 2 h, just). E is the first's third guess.
		{user: "u", at: 2, ranks: [][]string{{"C", "A", "E", "D"}, {"D"}}},
		// At 26 h nothing follows: nothing to hit, not scored.
		{user: "u", at: 4, ranks: [][]string{{"E"}, {"E"}}},
	}}
	e.scorePurchases()
	got := u.tally[purchaseTask]
	want := []tally{{n: 2, at1: 1, at3: 2, at10: 2, rr: 1 + 1.0/3}, {n: 2, at1: 1, at3: 1, at10: 1, rr: 1}}
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("predictor %d: %+v, want %+v", p, got[p], want[p])
		}
	}
	if tasks[purchaseTask].name != "next_purchase_category" {
		t.Fatalf("task %d is %s", purchaseTask, tasks[purchaseTask].name)
	}
}

// On real data, next_purchase_category scores the shifts after the guard that a cart add or an
// order followed within the day: some, and no more than there were shifts.
func TestNextPurchaseCategoryOnShifts(t *testing.T) {
	events := read(t, "taobao", taobao)
	r, err := Evaluate(context.Background(), features.DefaultConfig(), events, Options{Confirm: 5, Resamples: 20, TrainShare: 0.7})
	if err != nil {
		t.Fatal(err)
	}
	task, shifts := r.Tasks["next_purchase_category"], r.Triggers.Shift.Ads
	if task.Scored == 0 || task.Scored > shifts {
		t.Fatalf("scored %d shifts of %d", task.Scored, shifts)
	}
	// A shopper buys more often what it was just looking at than what everyone looks at.
	if last, pop := task.Predictors["last_category"], task.Predictors["popular"]; last.HitAt3 <= pop.HitAt3 {
		t.Errorf("last_category hit@3 %.3f not above popular's %.3f at shifts", last.HitAt3, pop.HitAt3)
	}
	t.Logf("next_purchase_category: %d of %d shifts scored", task.Scored, shifts)
}

// With Orders, the parts of the order a shift fired at (the same instant) are not its next
// purchase: the shopper's next order is, however far ahead.
func TestNextPurchaseIsTheNextOrder(t *testing.T) {
	//                index  0  1  2  3
	u := handShopper("A  B  C  D", 0, 0, 50, 60)
	u.buy = []bool{true, true, true, true} // an order in A and B at 0 h, then C at 50 h, D at 60 h
	for i := range u.tally {
		u.tally[i] = make([]tally, 1)
	}
	shifts := []evalShift{{user: "u", at: 0, ranks: [][]string{{"B", "D", "C"}}}}
	for _, c := range []struct {
		orders bool
		want   tally
	}{{false, tally{n: 1, at1: 1, at3: 1, at10: 1, rr: 1}}, {true, tally{n: 1, at3: 1, at10: 1, rr: 1.0 / 3}}} {
		u.tally[purchaseTask][0] = tally{}
		e := &evaluator{users: map[string]*shopper{"u": u}, shoppers: []*shopper{u}, shifts: shifts, orders: c.orders}
		e.scorePurchases()
		if got := u.tally[purchaseTask][0]; got != c.want {
			t.Errorf("orders %v: %+v, want %+v", c.orders, got, c.want)
		}
	}
}
