package simulation

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

func ads(n int, arm string) []pipeline.Record {
	var out []pipeline.Record
	for i := range n {
		ad := schemas.Ad{
			AdID: fmt.Sprintf("%s-%d", arm, i), User: fmt.Sprintf("u%d", i),
			Product:   schemas.Product{ID: "p1", Title: "Phone", Category: "electronics.smartphone", Price: 199.99, Currency: "USD"},
			Creative:  schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"},
			Strategy:  schemas.Strategy{Arm: arm, Group: schemas.GroupTreatment},
			CreatedAt: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC),
		}
		b, err := json.Marshal(ad)
		if err != nil {
			panic(err)
		}
		out = append(out, pipeline.Record{Topic: "ads.ready", Offset: int64(i), Key: []byte(ad.User), Value: b})
	}
	return out
}

// What shoppers do follows the configured rates per arm, is written back as valid Segment events
// keyed by user, and is the same on a redelivery.
func TestDeliveryReactsPerArmAndRepeatably(t *testing.T) {
	cfg := DefaultDeliveryConfig()
	cfg.ClickRate = map[string]float64{"personal": 0.5, "value": 0.05}
	run := func() ([]pipeline.Record, DeliveryCounts) {
		out := &pipelinetest.Emitter{}
		d := NewDelivery(cfg, out)
		batch := append(ads(2000, "personal"), ads(2000, "value")...)
		batch = append(batch, pipeline.Record{Topic: "ads.ready", Value: []byte("not an ad")})
		if err := d.Process(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		return out.Records(), d.Counts()
	}
	recs, counts := run()
	if counts.Ads != 4000 || counts.Unreadable != 1 {
		t.Fatalf("counts %+v, want 4000 ads and 1 unreadable", counts)
	}
	clicks := map[string]int{}
	for _, r := range recs {
		ev, err := schemas.DecodeEvent(r.Value, schemas.Limits{})
		if err != nil {
			t.Fatalf("delivery wrote an event the pipeline rejects: %v\n%s", err, r.Value)
		}
		if string(r.Key) != ev.User() || r.Topic != "clickstream" {
			t.Fatalf("event for %s keyed %q on %s", ev.User(), r.Key, r.Topic)
		}
		if ev.Event == schemas.PromotionClicked {
			clicks[ev.Properties.Creative]++
		}
	}
	// Clicks per shown ad: 0.9 shown × rate, within a few standard errors.
	for arm, rate := range cfg.ClickRate {
		got := float64(clicks[arm]) / 2000
		if want := cfg.ViewRate * rate; got < want-0.04 || got > want+0.04 {
			t.Errorf("%s: click share %.3f, want about %.3f", arm, got, want)
		}
	}
	again, _ := run()
	same := func(a, b pipeline.Record) bool { return string(a.Value) == string(b.Value) }
	if !slices.EqualFunc(recs, again, same) {
		t.Error("a redelivered batch draws different reactions")
	}
}
