package runner

import (
	"fmt"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// Decoded events go through features, creatives and outcomes: a shopper's views make a shift,
// the shift an ad, the ad an ads row, and an impression of it an impression row; an event the
// decoder would reject is dead-lettered.
func TestRunThroughTheStages(t *testing.T) {
	t0 := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)
	r := newFull(t)
	var events []schemas.Event
	for i := range 12 {
		events = append(events, schemas.Event{Type: schemas.TypeTrack, Event: schemas.ProductViewed, UserID: "u1",
			MessageID: fmt.Sprint("m", i), Timestamp: t0.Add(time.Duration(i) * time.Minute),
			Properties: schemas.Properties{ProductID: "p1", Category: "electronics.smartphone", Brand: "samsung", Price: 199, Currency: "USD"}})
	}
	var shifts, failures int
	var ads []schemas.Ad
	for i := range events {
		step, err := r.Run(t.Context(), events[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		shifts += len(step.Shifts)
		failures += len(step.Failures)
		ads = append(ads, step.Ads...)
	}
	if shifts == 0 || len(ads) == 0 || failures != 0 {
		t.Fatalf("%d shifts, %d ads, %d dead letters from 12 views", shifts, len(ads), failures)
	}
	old := events[0]
	old.MessageID, old.Timestamp = "old", time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	step, err := r.Run(t.Context(), []schemas.Event{old})
	if err != nil || len(step.Failures) != 1 || step.Failures[0] != string(schemas.TimestampOutOfRange) {
		t.Fatalf("an event from 1999: %v, dead letters %v", err, step.Failures)
	}

	ad := ads[0]
	view := schemas.Event{Type: schemas.TypeTrack, Event: schemas.PromotionViewed, UserID: "u1", MessageID: "v1",
		Timestamp: ad.CreatedAt.Add(time.Minute), Properties: schemas.Properties{PromotionID: ad.AdID, ProductID: ad.Product.ID}}
	if err := r.Outcome(t.Context(), &view); err != nil {
		t.Fatal(err)
	}
	rows := r.Rows()
	if len(rows.Ads) != len(ads) || len(rows.Events) != 1 || rows.Events[0].Kind != schemas.Impression || rows.Events[0].AdID != ad.AdID {
		t.Fatalf("rows: %d ads (want %d), events %+v", len(rows.Ads), len(ads), rows.Events)
	}
	if err := r.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}
