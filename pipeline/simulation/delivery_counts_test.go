package simulation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// With every rate at 1 each ad is shown, clicked and ordered, at the configured delays; the
// counts say so. With rates at 0 nothing happens.
func TestDeliveryAtCertainRates(t *testing.T) {
	cfg := DefaultDeliveryConfig()
	cfg.ViewRate, cfg.ClickRate, cfg.DefaultClickRate, cfg.ConvertRate = 1, nil, 1, 1
	out := &pipelinetest.Emitter{}
	d := NewDelivery(cfg, out)
	if err := d.Process(t.Context(), ads(50, "value")); err != nil {
		t.Fatal(err)
	}
	if c := d.Counts(); c != (DeliveryCounts{Ads: 50, Impressions: 50, Clicks: 50, Orders: 50}) {
		t.Errorf("counts %+v", c)
	}
	created := time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC).Add(cfg.ShowDelay)
	want := map[string]time.Time{schemas.PromotionViewed: created, schemas.PromotionClicked: created.Add(30 * time.Second),
		schemas.OrderCompleted: created.Add(30*time.Second + 5*time.Minute)}
	kinds := map[string]int{}
	for _, r := range out.Records() {
		ev, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		kinds[ev.Event]++
		if !ev.Timestamp.Equal(want[ev.Event]) {
			t.Errorf("%s at %v, want %v", ev.Event, ev.Timestamp, want[ev.Event])
		}
	}
	if len(kinds) != 3 || kinds[schemas.PromotionViewed] != 50 || kinds[schemas.PromotionClicked] != 50 || kinds[schemas.OrderCompleted] != 50 {
		t.Errorf("events %v", kinds)
	}

	cfg.ViewRate = 0
	none := &pipelinetest.Emitter{}
	d = NewDelivery(cfg, none)
	if err := d.Process(t.Context(), ads(50, "value")); err != nil {
		t.Fatal(err)
	}
	if c := d.Counts(); c != (DeliveryCounts{Ads: 50}) || len(none.Records()) != 0 {
		t.Errorf("nothing shown: counts %+v, %d events", c, len(none.Records()))
	}
}

// failing is an Emitter whose writes fail.
type failing struct{}

func (failing) Emit(context.Context, []pipeline.Record) error { return errBroker }

var errBroker = errors.New("broker down")

// A failed write is returned and counts nothing, so a retry of the batch is not counted twice.
func TestDeliveryEmitFailure(t *testing.T) {
	d := NewDelivery(DefaultDeliveryConfig(), failing{})
	if err := d.Process(t.Context(), ads(10, "value")); !errors.Is(err, errBroker) {
		t.Fatalf("error %v", err)
	}
	if c := d.Counts(); c != (DeliveryCounts{}) || !d.LastAd().IsZero() {
		t.Errorf("counts %+v after a failed write", c)
	}
}
