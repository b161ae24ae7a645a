package outcomes

import (
	"context"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
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
//   - hold's "if e.MessageID == \"\"": the same, the decoder has filled it;
//   - due's "lateness < 0" vs "<= 0": withDefaults turns a lateness of 0 into 1h, so it is never 0;
//   - the ad index pruning when len < pruneAt instead of >=: pruning more often keeps exactly the
//     ads inside keep, so lookups answer the same (TestAdIndexKeepsAnAdUntilKeepPastItsExpiry);
//   - the ad index keeping max(lateness, 0) vs max(lateness, 1ns): one nanosecond of retention.

// A tracker that sends one product flat (product_id on the order, no products list) still has
// its order credited to a click on that product, with the order's revenue whole.
func TestStageCreditsAFlatSingleProductOrder(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, p := newTestStage(t, w)
	if err := p.Process(context.Background(), []pipeline.Record{
		viewed(1, "u1", "m1", "ad-1", t0),
		clicked(2, "u1", "m2", "ad-1", t0.Add(time.Minute)),
		event(3, schemas.OrderCompleted, "u1", "m3", t0.Add(time.Hour), map[string]any{"order_id": "o-1", "currency": "USD",
			"revenue": 12.5, "product_id": "p-ad-1", "price": 12.5, "quantity": 1}),
	}); err != nil {
		t.Fatal(err)
	}
	rows := events(t, p, w)
	if len(rows) != 3 || describe(rows[2]) != "conversion conv:o-1 ad=ad-1 p-ad-1 imp=imp:m1 last_click 12.5USD" {
		t.Errorf("rows %+v, want the flat order credited to the click", rows)
	}
}
