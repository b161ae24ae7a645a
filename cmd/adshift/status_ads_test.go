package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

type failingEmitter struct{}

func (failingEmitter) Emit(context.Context, []pipeline.Record) error {
	return errors.New("broker down")
}

type acceptingEmitter struct{}

func (acceptingEmitter) Emit(context.Context, []pipeline.Record) error { return nil }

func testAd(t *testing.T, i int) []byte {
	t.Helper()
	created := time.Date(2019, 10, 1, 0, i, 0, 0, time.UTC)
	b, err := json.Marshal(schemas.Ad{
		AdID: fmt.Sprintf("ad-%d", i), User: "u1", ProfileVersion: 1,
		Product:   schemas.Product{ID: "1005115", Title: "Apple iPhone XR 64GB", Category: "electronics.smartphone", Price: 949, Currency: "USD", URL: "https://shop.example/p/1005115", ImageURL: "https://shop.example/i/1005115.jpg"},
		Creative:  schemas.Creative{Headline: "Your next iPhone XR", Body: "64 GB, in stock.", CTA: "Shop now", Locale: "en-US"},
		Strategy:  schemas.Strategy{Segment: "electronics", Arm: "value", Policy: "thompson", Propensity: 0.25, Experiment: "exp1", Group: schemas.GroupTreatment},
		Generator: schemas.GeneratorInfo{Kind: schemas.GeneratorTemplate, PromptVersion: "v1"},
		Reason:    schemas.ReasonNewInterest, CreatedAt: created, ExpiresAt: created.Add(24 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The page keeps the latest ads the broker acknowledged, newest first and no more than it shows,
// counts an ad it cannot read, and has no CTR section without ClickHouse.
func TestStatusKeepsTheLatestWrittenAds(t *testing.T) {
	ctx := t.Context()
	if err := newAdTap(failingEmitter{}, "ads.ready").Emit(ctx, []pipeline.Record{{Topic: "ads.ready", Value: testAd(t, 0)}}); err == nil {
		t.Fatal("the tap hid the producer's error")
	}
	tap := newAdTap(acceptingEmitter{}, "ads.ready")
	var recs []pipeline.Record
	for i := range latestAdsKept + 2 {
		recs = append(recs, pipeline.Record{Topic: "ads.ready", Value: testAd(t, i)})
	}
	recs = append(recs, pipeline.Record{Topic: "ads.ready", Value: []byte("{not an ad")},
		pipeline.Record{Topic: "adshift.shifts", Value: []byte("{}")})
	if err := tap.Emit(ctx, recs); err != nil {
		t.Fatal(err)
	}
	p := newStatusPage(prometheus.NewRegistry(), []string{"features"}, tap, "exp1", time.Now())
	v := p.view(ctx, time.Now())
	if len(v.Ads) != latestAdsKept || v.Ads[0].AdID != fmt.Sprintf("ad-%d", latestAdsKept+1) || v.Unreadable != 1 {
		t.Fatalf("%d ads, newest %q, %d unreadable; want %d, ad-%d, 1", len(v.Ads), v.Ads[0].AdID, v.Unreadable, latestAdsKept, latestAdsKept+1)
	}
	ad := v.Ads[0]
	if ad.Headline != "Your next iPhone XR" || ad.Product != "Apple iPhone XR 64GB" || ad.Price != 949 ||
		ad.LandingURL != "https://shop.example/p/1005115" || ad.ImageURL != "https://shop.example/i/1005115.jpg" || ad.Arm != "value" {
		t.Errorf("ad as the page shows it: %+v", ad)
	}
	if v.CTR != nil || len(v.Stages) != 1 || v.Stages[0].Stage != "features" {
		t.Errorf("without ClickHouse: ctr %+v, stages %+v", v.CTR, v.Stages)
	}
}

// Once a shopper is forgotten, the status page shows their ads no more.
func TestStatusDropsTheAdsOfForgottenShoppers(t *testing.T) {
	tap := newAdTap(acceptingEmitter{}, "ads.ready")
	tap.forgotten = pipeline.NewForgotten()
	if err := tap.Emit(t.Context(), []pipeline.Record{{Topic: "ads.ready", Value: testAd(t, 0)}}); err != nil {
		t.Fatal(err)
	}
	if n := len(tap.latest()); n != 1 {
		t.Fatalf("%d ads kept, want 1", n)
	}
	tap.forgotten.Add("u1")
	if ads := tap.latest(); len(ads) != 0 {
		t.Fatalf("the page still shows %d ads of the forgotten shopper", len(ads))
	}
}
