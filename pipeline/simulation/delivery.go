package simulation

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// DeliveryConfig sets the behaviour of the shoppers a Delivery shows ads to.
type DeliveryConfig struct {
	AdsTopic         string             // read from
	ClickstreamTopic string             // write to
	ViewRate         float64            // share of ads that get shown
	ClickRate        map[string]float64 // click probability per arm once shown; DefaultClickRate for others
	DefaultClickRate float64
	ConvertRate      float64       // order probability after a click
	ShowDelay        time.Duration // event time of the impression after the ad's creation
	Seed             uint64
}

// DefaultDeliveryConfig favours the personal and value arms, so the report has something to show.
func DefaultDeliveryConfig() DeliveryConfig {
	return DeliveryConfig{
		AdsTopic:         "ads.ready",
		ClickstreamTopic: "clickstream",
		ViewRate:         0.9,
		ClickRate:        map[string]float64{"personal": 0.30, "value": 0.22, "quality": 0.15, "trend": 0.12, "urgency": 0.10, "baseline": 0.08},
		DefaultClickRate: 0.1,
		ConvertRate:      0.25,
		ShowDelay:        2 * time.Minute,
		Seed:             1,
	}
}

// DeliveryCounts is what a Delivery has done so far. Unreadable counts records on the ads topic that are
// no ad; they are shown to no one.
type DeliveryCounts struct {
	Ads, Impressions, Clicks, Orders, Unreadable int64
}

// Delivery is the simulated delivery system the demo and the end-to-end tests run: a
// pipeline.Stage on the ads topic, described in the package documentation. Its counters are safe to read while it runs.
type Delivery struct {
	cfg                        DeliveryConfig
	out                        pipeline.Emitter
	ads, views, clicks, orders atomic.Int64
	unreadable                 atomic.Int64
	last                       atomic.Int64 // unix nanos of the last ad handled
}

var _ pipeline.Stage = (*Delivery)(nil)

// NewDelivery returns a Delivery that writes shoppers' reactions through out.
func NewDelivery(cfg DeliveryConfig, out pipeline.Emitter) *Delivery {
	return &Delivery{cfg: cfg, out: out}
}

// Name implements pipeline.Stage.
func (d *Delivery) Name() string { return "delivery-demo" }

// Topics implements pipeline.Stage.
func (d *Delivery) Topics() []string { return []string{d.cfg.AdsTopic} }

// Open implements pipeline.Stage; the delivery keeps no partition state.
func (d *Delivery) Open(context.Context, string, int32) (pipeline.Processor, error) { return d, nil }

// Close implements pipeline.Processor.
func (d *Delivery) Close(context.Context) error { return nil }

// Counts returns what was delivered so far.
func (d *Delivery) Counts() DeliveryCounts {
	return DeliveryCounts{Ads: d.ads.Load(), Impressions: d.views.Load(), Clicks: d.clicks.Load(), Orders: d.orders.Load(), Unreadable: d.unreadable.Load()}
}

// LastAd returns the wall time the last ad was handled, zero before the first.
func (d *Delivery) LastAd() time.Time {
	if n := d.last.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Process implements pipeline.Processor: it shows every ad of the batch and emits the reactions.
func (d *Delivery) Process(ctx context.Context, batch []pipeline.Record) error {
	var recs []pipeline.Record
	var ads, views, clicks, orders, unreadable int64
	for _, rec := range batch {
		ad, err := schemas.DecodeAd(rec.Value)
		if err != nil {
			unreadable++
			continue
		}
		ads++
		evs := d.react(ad)
		for _, ev := range evs {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode %s for ad %s: %w", ev.Event, ad.AdID, err)
			}
			recs = append(recs, pipeline.Record{Topic: d.cfg.ClickstreamTopic, Key: []byte(ad.User), Value: b, Timestamp: ev.Timestamp})
			switch ev.Event {
			case schemas.PromotionViewed:
				views++
			case schemas.PromotionClicked:
				clicks++
			case schemas.OrderCompleted:
				orders++
			}
		}
	}
	if err := d.out.Emit(ctx, recs); err != nil {
		return err
	}
	d.ads.Add(ads)
	d.unreadable.Add(unreadable)
	d.views.Add(views)
	d.clicks.Add(clicks)
	d.orders.Add(orders)
	d.last.Store(time.Now().UnixNano())
	return nil
}

// react draws what the shopper does with one ad.
func (d *Delivery) react(ad schemas.Ad) []schemas.Event {
	if d.draw(ad.AdID, "view") >= d.cfg.ViewRate {
		return nil
	}
	shown := ad.CreatedAt.Add(d.cfg.ShowDelay)
	promo := func(name, kind string, at time.Time) schemas.Event {
		return schemas.Event{
			Type: "track", Event: name, UserID: ad.User, MessageID: kind + ":" + ad.AdID, Timestamp: at,
			Context:    schemas.Context{Locale: ad.Creative.Locale},
			Properties: schemas.Properties{PromotionID: ad.AdID, ProductID: ad.Product.ID, Creative: ad.Strategy.Arm, Name: ad.Creative.Headline},
		}
	}
	evs := []schemas.Event{promo(schemas.PromotionViewed, "view", shown)}
	rate, ok := d.cfg.ClickRate[ad.Strategy.Arm]
	if !ok {
		rate = d.cfg.DefaultClickRate
	}
	if d.draw(ad.AdID, "click") >= rate {
		return evs
	}
	clicked := shown.Add(30 * time.Second)
	evs = append(evs, promo(schemas.PromotionClicked, "click", clicked))
	if d.draw(ad.AdID, "order") >= d.cfg.ConvertRate {
		return evs
	}
	p := ad.Product
	return append(evs, schemas.Event{
		Type: "track", Event: schemas.OrderCompleted, UserID: ad.User, MessageID: "order:" + ad.AdID,
		Timestamp: clicked.Add(5 * time.Minute),
		Properties: schemas.Properties{
			OrderID: "demo-" + ad.AdID, Revenue: p.Price, Currency: p.Currency,
			Products: []schemas.LineItem{{ProductID: p.ID, Name: p.Title, Brand: p.Brand, Category: p.Category, Price: p.Price, Quantity: 1}},
		},
	})
}

// draw returns a uniform number in [0,1) fixed by (seed, ad id, what).
func (d *Delivery) draw(adID, what string) float64 {
	return seed.Unit(strconv.FormatUint(d.cfg.Seed, 10), adID, what)
}
