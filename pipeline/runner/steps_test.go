package runner

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

var day = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

// views are n Product Viewed events of user, a minute apart from at, message ids prefixed by
// user.
func views(user string, at time.Time, n int) []schemas.Event {
	var out []schemas.Event
	for i := range n {
		out = append(out, schemas.Event{Type: schemas.TypeTrack, Event: schemas.ProductViewed, UserID: user,
			MessageID: fmt.Sprint(user, "-", i), Timestamp: at.Add(time.Duration(i) * time.Minute),
			Properties: schemas.Properties{ProductID: "p1", Category: "electronics.smartphone", Brand: "samsung", Price: 199, Currency: "USD"}})
	}
	return out
}

func newFull(t *testing.T) *Runner {
	t.Helper()
	cc := creatives.DefaultConfig()
	chooser, err := strategy.NewAssigner(cc.Strategy)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewCatalog([]schemas.Product{
		{ID: "p1", Title: "Galaxy phone", Brand: "samsung", Category: "electronics.smartphone", Price: 199, Currency: "USD"},
	})
	oc := outcomes.DefaultConfig()
	r, err := New(t.Context(), Config{
		Features:  features.DefaultConfig(),
		Creatives: &Creatives{Config: cc, Catalog: cat, Generator: creative.NewTemplate(cc.Guard.WithBrands(cat.Brands())), Chooser: chooser},
		Outcomes:  &oc,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Shifts gives the shifts a step-by-step run publishes, whatever the batching: 167 shoppers'
// third views each make a first profile, the last of them alone in a batch after the first
// 500 events.
func TestShiftsIsTheRunsShifts(t *testing.T) {
	var events []schemas.Event
	for u := range 167 {
		events = append(events, views(fmt.Sprint("u", u), day.Add(time.Duration(u)*time.Minute), 3)...)
	}
	r, err := New(t.Context(), Config{Features: features.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range events {
		step, err := r.Run(t.Context(), events[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range step.Shifts {
			want = append(want, sh.User)
		}
	}
	if err := r.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(want) != 167 || want[166] != "u166" {
		t.Fatalf("the run made %d shifts, want one per shopper", len(want))
	}
	var got []string
	if err := Shifts(t.Context(), Config{Features: features.DefaultConfig()}, events, func(sh schemas.Shift) {
		got = append(got, sh.User)
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Shifts gave %d shifts, the run %d; last %q", len(got), len(want), got[len(got)-1:])
	}
}

// Every ad and outcome is landed, however many: two shoppers' ads are two ads rows, their
// impression and click two event rows; an order still waiting out its lateness is written when
// the runner closes; a step reports only its own dead letters.
func TestEveryAdAndOutcomeLands(t *testing.T) {
	r := newFull(t)
	var ads []schemas.Ad
	step, err := r.Run(t.Context(), append(views("a", day, 3), views("b", day, 3)...))
	if err != nil {
		t.Fatal(err)
	}
	ads = append(ads, step.Ads...)
	step, err = r.Run(t.Context(), append(views("c", day.Add(time.Hour), 3), views("d", day.Add(time.Hour), 3)...))
	if err != nil {
		t.Fatal(err)
	}
	ads = append(ads, step.Ads...)
	if len(ads) != 4 || len(step.Shifts) != 2 {
		t.Fatalf("%d ads, %d shifts in the second step, want 4 ads and 2 shifts", len(ads), len(step.Shifts))
	}
	if got := len(r.Rows().Ads); got != 4 {
		t.Errorf("%d ads rows for 4 ads", got)
	}

	old := views("a", time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), 1)
	if step, err = r.Run(t.Context(), old); err != nil || len(step.Failures) != 1 {
		t.Fatalf("an event from 1999: %v, dead letters %v", err, step.Failures)
	}
	if step, err = r.Run(t.Context(), views("a", day.Add(2*time.Hour), 1)); err != nil || len(step.Failures) != 0 {
		t.Fatalf("a good event after a bad one: %v, dead letters %v, want none", err, step.Failures)
	}

	ad := ads[0]
	outcome := func(name, id string, at time.Duration, props schemas.Properties) {
		t.Helper()
		ev := schemas.Event{Type: schemas.TypeTrack, Event: name, UserID: ad.User, MessageID: id,
			Timestamp: ad.CreatedAt.Add(at), Properties: props}
		if err := r.Outcome(t.Context(), &ev); err != nil {
			t.Fatal(err)
		}
	}
	promo := schemas.Properties{PromotionID: ad.AdID, ProductID: ad.Product.ID}
	outcome(schemas.PromotionViewed, "v", time.Minute, promo)
	outcome(schemas.PromotionClicked, "c", 2*time.Minute, promo)
	outcome(schemas.OrderCompleted, "o", 3*time.Minute, schemas.Properties{OrderID: "o1", Revenue: 199, Currency: "USD",
		Products: []schemas.LineItem{{ProductID: ad.Product.ID, Price: 199, Quantity: 1}}})
	kinds := func() []string {
		var out []string
		for _, e := range r.Rows().Events {
			out = append(out, e.Kind)
		}
		return out
	}
	if got := kinds(); !slices.Equal(got[:2], []string{schemas.Impression, schemas.Click}) {
		t.Fatalf("event rows %q, want the impression and the click", got)
	}
	if err := r.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := kinds(); !slices.Equal(got, []string{schemas.Impression, schemas.Click, schemas.Conversion}) {
		t.Fatalf("event rows after Close %q, want the conversion too", got)
	}
}

// Mutants left alive on purpose, as no behaviour depends on them: the partition numbers the
// in-memory stages open (one partition each, no Kafka), shiftsBatch (batching does not change
// what the features stage publishes, as TestShiftsIsTheRunsShifts shows), calling the
// creatives stage with no shifts (it has nothing to do), and collecting Close errors when they
// are nil (errors.Join drops nils; no in-memory sink fails).
