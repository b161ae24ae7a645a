package features

import (
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// A purchase-only shopper: two orders make a profile of their lines' categories; a refund of
// one order's line takes that category out of the profile, adds none, and does not escalate.
func TestRefundRetractsInterest(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	part := &Partition{h.proc.(*processor)}
	order := func(at time.Duration, id string, cats ...string) []byte {
		p := schemas.Properties{OrderID: id, Currency: "GBP"}
		for _, c := range cats {
			p.Products = append(p.Products, schemas.LineItem{ProductID: "p-" + c, Category: c, Price: 2.55, Quantity: 6})
		}
		return track("17850", schemas.OrderCompleted, at, p)
	}
	h.process(order(0, "536365", "light holder", "hot water bottle"), order(time.Minute, "536366", "hand warmer"))
	top := part.TopCategories("17850", 5, Long)
	if !slices.Contains(top, "hot water bottle") || len(top) != 3 {
		t.Fatalf("profile of the two orders %q", top)
	}
	refund := track("17850", schemas.OrderRefunded, 2*time.Minute, schemas.Properties{OrderID: "C536367", Currency: "GBP",
		Products: []schemas.LineItem{{ProductID: "p-hot water bottle", Category: "hot water bottle", Price: 2.55, Quantity: 6},
			{ProductID: "p-never bought", Category: "never bought", Price: 1, Quantity: 1}}})
	h.process(refund)
	got := part.TopCategories("17850", 5, Long)
	if slices.Contains(got, "hot water bottle") || slices.Contains(got, "never bought") || len(got) != 2 {
		t.Fatalf("after refunding the hot water bottle the profile holds %q, want the other two", got)
	}
	for _, sh := range h.out.shifts(t) {
		if sh.Reason == schemas.ReasonIntentEscalation && sh.EventTime.Equal(t0.Add(2*time.Minute)) {
			t.Errorf("the refund escalated intent: %+v", sh)
		}
	}
}
