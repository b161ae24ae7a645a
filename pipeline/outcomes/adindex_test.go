package outcomes

import (
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// An ad is kept exactly keep past its expiry (by the newest ad's creation time), and forgotten
// after; a full index prunes, so enough ads are put to make it.
func TestAdIndexKeepsAnAdUntilKeepPastItsExpiry(t *testing.T) {
	const keep = 8 * 24 * time.Hour
	f := func(past time.Duration, want bool) {
		t.Helper()
		x := newAdIndex(keep)
		x.put(schemas.Ad{AdID: "edge", Product: schemas.Product{ID: "p"}, CreatedAt: t0, ExpiresAt: t0})
		now := t0.Add(past)
		for i := range minPruneAt {
			x.put(schemas.Ad{AdID: "ad" + strconv.Itoa(i), CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		}
		if _, ok := x.get("edge"); ok != want {
			t.Errorf("ad expired %v before the newest: kept %v, want %v", past, ok, want)
		}
	}
	f(keep, true)
	f(keep+time.Second, false)
}

// A promotion naming only the ad takes the ad's product and its category, so a category-scope
// view credits an order of another product of that category.
func TestAttributorTakesTheCategoryFromTheAd(t *testing.T) {
	x := newAdIndex(8 * 24 * time.Hour)
	x.put(schemas.Ad{AdID: "a1", Product: schemas.Product{ID: "p1", Category: "cat-q"}, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)})
	a := newAttributor(Config{ViewScope: ScopeCategory}, x)
	a.impression("u", touch{eventID: "i1", adID: "a1", at: t0})
	if _, rule, ok := a.attribute("u", orderOf(t0.Add(time.Hour), "q2")); !ok || rule != schemas.AttributionView {
		t.Errorf("order in the ad's category: credited %v by %q, want a view", ok, rule)
	}
}

// The stage keeps an ad for the longer window plus the lateness past its expiry: with the
// defaults, an ad expired 7 days and 30 minutes before the newest is still known (an order
// waiting out its hour of lateness may yet be credited to a click on it).
func TestStageKeepsAdsForTheWindowPlusLateness(t *testing.T) {
	s, _ := newTestStage(t, &pipelinetest.RowWriter{})
	c := DefaultConfig()
	s.ads.put(schemas.Ad{AdID: "edge", Product: schemas.Product{ID: "p"}, CreatedAt: t0, ExpiresAt: t0})
	now := t0.Add(c.ClickWindow + c.Lateness/2)
	for i := range minPruneAt {
		s.ads.put(schemas.Ad{AdID: "ad" + strconv.Itoa(i), CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	}
	if _, ok := s.ads.get("edge"); !ok {
		t.Error("an ad inside the click window plus lateness was forgotten")
	}
}
