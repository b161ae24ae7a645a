package outcomes

import (
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

const day = 24 * time.Hour

// step is one input to an attributor: an impression ("imp"), click ("clk") or order ("ord").
type step struct {
	kind    string
	id      string // event id, or order id
	ad      string
	product string   // the advertised product (impressions, clicks)
	order   []string // the ordered products (orders)
	at      time.Duration
}

func TestAttribution(t *testing.T) {
	// f feeds steps in order and checks the credit of the last one, an order: the credited
	// touch's id and impression, and the rule ("" = not attributed).
	f := func(name string, steps []step, wantID, wantImp, wantRule string) {
		t.Helper()
		a := newAttributor(Config{ClickWindow: 7 * day, ViewWindow: day, ViewScope: ScopeAny}, nil)
		var got touch
		var rule string
		for _, s := range steps {
			tc := touch{eventID: s.id, adID: s.ad, productID: s.product, at: t0.Add(s.at)}
			switch s.kind {
			case "imp":
				a.impression("u", tc)
			case "clk":
				a.click("u", tc)
			case "ord":
				got, rule, _ = a.attribute("u", orderOf(t0.Add(s.at), s.order...))
			}
		}
		if got.eventID != wantID || got.impressionID != wantImp || rule != wantRule {
			t.Errorf("%s: credited %q (impression %q) by %q, want %q (impression %q) by %q",
				name, got.eventID, got.impressionID, rule, wantID, wantImp, wantRule)
		}
	}
	imp := func(id, ad, product string, at time.Duration) step { return step{"imp", id, ad, product, nil, at} }
	clk := func(id, ad, product string, at time.Duration) step { return step{"clk", id, ad, product, nil, at} }
	ord := func(at time.Duration, products ...string) step { return step{"ord", "o", "", "", products, at} }

	f("last click on the ordered product",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", time.Minute), ord(3*day, "p1")},
		"c1", "i1", schemas.AttributionClick)
	f("a later click on another product does not take the credit",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", time.Minute),
			imp("i2", "a2", "p2", time.Hour), clk("c2", "a2", "p2", 2*time.Hour), ord(3*day, "p9", "p1")},
		"c1", "i1", schemas.AttributionClick)
	f("of two clicks on ordered products the later wins",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", time.Minute),
			imp("i2", "a2", "p2", time.Hour), clk("c2", "a2", "p2", 2*time.Hour), ord(3*day, "p1", "p2")},
		"c2", "i2", schemas.AttributionClick)
	f("a click on another product falls back to the last view within a day",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", time.Minute), ord(2*time.Hour, "p7")},
		"i1", "i1", schemas.AttributionView)
	f("click exactly at the edge of its 7-day window",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", 0), ord(7*day, "p1")},
		"c1", "i1", schemas.AttributionClick)
	f("click a nanosecond past its window, view too old",
		[]step{imp("i1", "a1", "p1", 0), clk("c1", "a1", "p1", 0), ord(7*day+1, "p1")},
		"", "", "")
	f("view exactly at the edge of its 1-day window",
		[]step{imp("i1", "a1", "p1", 0), ord(day, "p5")},
		"i1", "i1", schemas.AttributionView)
	f("view past its window",
		[]step{imp("i1", "a1", "p1", 0), ord(day+1, "p1")},
		"", "", "")
	f("a click without an impression earns nothing",
		[]step{clk("c1", "a1", "p1", 0), ord(time.Hour, "p1")},
		"", "", "")
	f("a click whose impression came later in event time is not paired",
		[]step{imp("i1", "a1", "p1", time.Hour), clk("c1", "a1", "p1", 0), ord(3*day, "p1")},
		"", "", "")
	f("a click naming no product earns nothing; the view still may",
		[]step{imp("i1", "a1", "", 0), clk("c1", "a1", "", time.Minute), ord(time.Hour, "p1")},
		"i1", "i1", schemas.AttributionView)
	f("touches after the order get no credit",
		[]step{imp("i1", "a1", "p1", 2*time.Hour), clk("c1", "a1", "p1", 3*time.Hour), ord(time.Hour, "p1")},
		"", "", "")
	f("the latest touch by event time wins whatever the arrival order",
		[]step{imp("i1", "a1", "p1", 0), clk("late", "a1", "p1", time.Hour), clk("early", "a1", "p1", time.Minute), ord(2*time.Hour, "p1")},
		"late", "i1", schemas.AttributionClick)
	f("a click that arrives after a later one still credits an order between them",
		[]step{imp("i1", "a1", "p1", 0), clk("after", "a1", "p1", 3*time.Hour), clk("before", "a1", "p1", time.Minute), ord(2*time.Hour, "p1")},
		"before", "i1", schemas.AttributionClick)
	f("a click whose impression arrives after it is paired by event time",
		[]step{clk("c1", "a1", "p1", time.Minute), imp("i1", "a1", "p1", 0), ord(time.Hour, "p1")},
		"c1", "i1", schemas.AttributionClick)
}

func orderOf(at time.Time, products ...string) order {
	o := order{at: at}
	for _, p := range products {
		o.lines = append(o.lines, schemas.LineItem{ProductID: p, Category: "cat-" + p[:1]})
	}
	return o
}

func TestViewThroughScope(t *testing.T) {
	f := func(scope string, ordered []string, want bool) {
		t.Helper()
		a := newAttributor(Config{ViewScope: scope}, nil)
		a.impression("u", touch{eventID: "i1", adID: "a1", productID: "p1", category: "cat-p", at: t0})
		_, rule, ok := a.attribute("u", orderOf(t0.Add(time.Hour), ordered...))
		if ok != want || (ok && rule != schemas.AttributionView) {
			t.Errorf("scope %q, order of %v: credited %v by %q, want %v", scope, ordered, ok, rule, want)
		}
	}
	f("", []string{"p1"}, true) // the default is product
	f("", []string{"p2"}, false)
	f(ScopeProduct, []string{"q9", "p1"}, true)
	f(ScopeCategory, []string{"p2"}, true) // cat-p
	f(ScopeCategory, []string{"q9"}, false)
	f(ScopeAny, []string{"q9"}, true)
}

// prunedCrowd is an attributor of 7 days' clicks and a day's views after enough shoppers viewed
// an ad at t0 to prune (one of them also clicking it), and one more viewed it at fresh.
func prunedCrowd(fresh time.Time) *attributor {
	a := newAttributor(Config{ClickWindow: 7 * day, ViewWindow: day}, nil)
	for i := range minPruneAt {
		a.impression("old"+strconv.Itoa(i), touch{eventID: "imp", adID: "ad", productID: "p", at: t0})
	}
	a.impression("clicker", touch{eventID: "imp", adID: "ad", productID: "p", at: t0})
	a.click("clicker", touch{eventID: "clk", adID: "ad", productID: "p", at: t0})
	a.impression("fresh", touch{eventID: "imp", adID: "ad", productID: "p", at: fresh})
	a.prune()
	return a
}

func TestAttributorForgetsShoppersOutsideTheWindows(t *testing.T) {
	a := prunedCrowd(t0.Add(8 * day))
	if len(a.users) != 1 {
		t.Fatalf("%d shoppers tracked after prune, want only the fresh viewer", len(a.users))
	}
	a = prunedCrowd(t0.Add(2 * day))
	if _, rule, ok := a.attribute("clicker", order{at: t0.Add(3 * day), lines: []schemas.LineItem{{ProductID: "p"}}}); !ok || rule != schemas.AttributionClick {
		t.Error("pruning lost a click still inside its window")
	}
	// A click may still pair with an impression 2 days old, so impressions outlive the view window.
	if _, kind := a.click("old1", touch{eventID: "clk2", adID: "ad", productID: "p", at: t0.Add(2 * day)}); kind != clickPaired {
		t.Errorf("a click 2 days after its impression: %v, want paired", kind)
	}
}

func TestNegativeLatenessAttributesOnArrival(t *testing.T) {
	a := newAttributor(Config{Lateness: -1}, nil)
	a.advance(t0)
	if !a.due(t0) {
		t.Error("with a negative lateness an order as new as the watermark still waits")
	}
	b := newAttributor(Config{}, nil)
	b.advance(t0.Add(59 * time.Minute))
	if b.due(t0) {
		t.Error("with the default 1h lateness an order 59 minutes behind the watermark was released")
	}
}
