package outcomes

import (
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

func TestAttributorKeepsTheLatestTouchByEventTime(t *testing.T) {
	a := newAttributor(7*24*time.Hour, 24*time.Hour)
	// Read out of order: the later click wins whichever arrives last, so replays agree.
	a.click("u", touch{eventID: "clk:late", adID: "ad-2", at: t0.Add(time.Hour)})
	a.click("u", touch{eventID: "clk:early", adID: "ad-1", at: t0})
	got, rule, ok := a.attribute("u", t0.Add(2*time.Hour))
	if !ok || rule != schemas.AttributionClick || got.eventID != "clk:late" {
		t.Errorf("attribute = %+v %q %v, want the later click", got, rule, ok)
	}
	// An order exactly at the window's edge is still credited; a nanosecond later it is not.
	if _, _, ok := a.attribute("u", t0.Add(time.Hour+7*24*time.Hour)); !ok {
		t.Error("order at the edge of the click window not attributed")
	}
	if _, _, ok := a.attribute("u", t0.Add(time.Hour+7*24*time.Hour+1)); ok {
		t.Error("order past the click window attributed")
	}
}

func TestAttributorForgetsShoppersOutsideTheWindows(t *testing.T) {
	a := newAttributor(7*24*time.Hour, 24*time.Hour)
	for i := range minPruneAt {
		a.impression("old"+strconv.Itoa(i), touch{eventID: "imp", adID: "ad", at: t0})
	}
	a.click("clicker", touch{eventID: "clk", adID: "ad", at: t0})
	a.impression("fresh", touch{eventID: "imp", adID: "ad", at: t0.Add(2 * 24 * time.Hour)})
	a.prune()
	if len(a.users) != 2 {
		t.Fatalf("%d shoppers tracked after prune, want the clicker (7-day window) and the fresh viewer", len(a.users))
	}
	if _, rule, ok := a.attribute("clicker", t0.Add(3*24*time.Hour)); !ok || rule != schemas.AttributionClick {
		t.Error("pruning lost a click still inside its window")
	}
}
