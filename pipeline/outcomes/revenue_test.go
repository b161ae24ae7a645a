package outcomes

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

// By view-through in category scope an order is credited with its lines in the advertised
// category only: 2 × 10 of toys, not the 100 of books.
func TestCreditedRevenueInCategoryScope(t *testing.T) {
	p := schemas.Properties{Products: []schemas.LineItem{
		{ProductID: "t2", Category: "toys", Price: 10, Quantity: 2},
		{ProductID: "b1", Category: "books", Price: 100, Quantity: 1},
	}}
	o := order{at: t0, lines: p.Products}
	if got := creditedRevenue(p, o, touch{productID: "t1", category: "toys"}, ScopeCategory); got != 20 {
		t.Errorf("credited %v, want 20", got)
	}
	if got := creditedRevenue(p, o, touch{productID: "t1"}, ScopeCategory); got != 0 {
		t.Errorf("an ad of no known category credited %v, want 0", got)
	}
}

// Mutants no test can notice, and why:
//   - minPruneAt (1024) and the next prune threshold 2·(shoppers+orders): when pruning runs
//     changes memory, never a credit, since every lookup checks the windows itself;
//   - messageID's base 10: the decoder gives every event a message id (a content hash when the
//     tracker sent none), so the offset key is not reached from a record, and any base keeps
//     it unique;
//   - the ad index keeping max(lateness, 0) vs max(lateness, 1ns): one nanosecond of retention.
