package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

const (
	// segmentSample is Segment JSON lines over BigBasket products, categories written as
	// Segment trackers write them ("Beauty & Hygiene/Hair Care"); see data/sample/README.md.
	segmentSample = "../../data/sample/segment-bigbasket.jsonl"
	bigBasketFile = "../../../shared/data/bigbasket/BigBasket_Products_9col.csv"
	rees46Sample  = "../../data/sample/rees46-sample.csv"
)

// shippedDataset is a dataset adshift ships or documents, with the catalogue it is paired with.
type shippedDataset struct {
	name, format, file       string
	catalogFormat, catalog   string
	wrongFormat              string // a format the file is not in
	groups                   bool   // the catalogue has no categories: train a model with interest groups first
	currency                 string // every ad's product currency ("" = the price is unknown)
	minAds                   int
	categoryNamedLikeTracker string // a stream category, spelled as the tracker spells it, that must get ads
}

// shippedDatasets pairs each dataset with its catalogue, as the README does.
func shippedDatasets(t *testing.T) []shippedDataset {
	return []shippedDataset{
		{name: "rees46", format: dataset.FormatREES46, file: rees46Sample, catalogFormat: dataset.FormatREES46, catalog: rees46Sample,
			wrongFormat: dataset.FormatTaobao, currency: "USD", minAds: 50},
		{name: "taobao", format: dataset.FormatTaobao, file: taobaoFile, catalogFormat: dataset.FormatTaobao, catalog: taobaoFile,
			wrongFormat: dataset.FormatREES46, currency: "", minAds: 1000},
		{name: "online-retail", format: dataset.FormatOnlineRetail, file: retailDays(t, 3), catalogFormat: dataset.CatalogOnlineRetail, catalog: onlineRetailCatalog,
			wrongFormat: dataset.FormatSegment, groups: true, currency: "GBP", minAds: 5},
		{name: "segment", format: dataset.FormatSegment, file: segmentSample, catalogFormat: dataset.CatalogBigBasket, catalog: bigBasketFile,
			wrongFormat: dataset.FormatREES46, currency: "INR", minAds: 20, categoryNamedLikeTracker: "Beauty & Hygiene/Hair Care"},
	}
}

// Every shipped dataset, replayed as the README says with its catalogue into the running
// pipeline, makes ads: under 1% of its events are late, the ads are for catalogue products in
// the catalogue's currency, and their copy shows no price the product lacks. The same file under
// a wrong --format exits non-zero and says why.
func TestEveryShippedDatasetMakesAds(t *testing.T) {
	for _, d := range shippedDatasets(t) {
		t.Run(d.name, func(t *testing.T) {
			t.Run("wrong format", func(t *testing.T) { replayWrongFormatExits(t, d) })
			replayMakesAds(t, d)
		})
	}
}

func replayWrongFormatExits(t *testing.T, d shippedDataset) {
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"replay", "--format", d.wrongFormat, "--file", d.file})
	err := root.ExecuteContext(t.Context())
	// The reason names the format asked for: a header that is not its own, or rows none of which
	// it could read.
	if code := exitCode(err); code == exitOK || err == nil || !strings.Contains(err.Error(), d.wrongFormat) {
		t.Fatalf("replay --format %s of %s: exit %d, %v\n%s", d.wrongFormat, d.file, code, err, out.String())
	}
}

func replayMakesAds(t *testing.T, d shippedDataset) {
	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Catalog.Format, a.cfg.Catalog.Path = d.catalogFormat, d.catalog
	if d.groups {
		a.cfg.Features.Model = trainGroups(t, d)
	}
	catalogue, _, err := dataset.LoadCatalog(d.catalogFormat, d.catalog)
	if err != nil {
		t.Fatal(err)
	}
	inCatalogue := map[string]bool{}
	for _, p := range catalogue {
		inCatalogue[p.ID] = true
	}
	stop := startRun(t, a, []string{features.Name, creatives.Name})
	defer stop()

	var out, errOut bytes.Buffer
	if err := a.replay(t.Context(), d.format, d.file, mustSpeed(t, "max"), &out, &errOut); err != nil {
		t.Fatalf("replay: %v\n%s", err, errOut.String())
	}
	var sent int
	if _, err := fmt.Sscanf(out.String(), "replayed %d events", &sent); err != nil || sent == 0 {
		t.Fatalf("replay summary %q", out.String())
	}
	waitFor(t, "the features stage to read every event", 180*time.Second, func() bool {
		return recordsProcessed(t, a, features.Name) >= float64(sent)
	})
	waitFor(t, "the creatives stage to read every shift", 180*time.Second, func() bool {
		shifts := endOffsets(t, brokers, a.cfg.Topics.Shifts.Name)
		return shifts > 0 && recordsProcessed(t, a, creatives.Name) >= float64(shifts)
	})
	shifts := endOffsets(t, brokers, a.cfg.Topics.Shifts.Name)
	late := lateEvents(t, a)
	if late >= 0.01*float64(sent) {
		t.Errorf("%.0f of %d events dead-lettered as late_event, want under 1%%", late, sent)
	}

	var ads []schemas.Ad
	forCategory := 0
	waitFor(t, "ads on ads.ready", 30*time.Second, func() bool {
		return endOffsets(t, brokers, a.cfg.Topics.Ads.Name) >= int64(d.minAds)
	})
	for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil {
			t.Fatalf("ads.ready holds a record that is no ad: %v", err)
		}
		ads = append(ads, ad)
		copy := ad.Creative.Headline + " " + ad.Creative.Body + " " + ad.Creative.CTA
		switch {
		case !inCatalogue[ad.Product.ID]:
			t.Errorf("ad %s for product %s, which is not in the catalogue", ad.AdID, ad.Product.ID)
		case ad.Product.Currency != d.currency:
			t.Errorf("ad %s: product %+v, want currency %q", ad.AdID, ad.Product, d.currency)
		case d.currency == "" && (ad.Product.Price != 0 || strings.ContainsAny(copy, "0123456789$¥元")):
			t.Errorf("ad %s for a product without a price: price %v, copy %q", ad.AdID, ad.Product.Price, copy)
		}
		if d.categoryNamedLikeTracker != "" && strings.HasPrefix(ad.Product.Category, "beauty_hygiene.hair_care") {
			forCategory++
		}
	}
	t.Logf("%s: %d events, %.0f late, %d shifts, %d ads, e.g. %q", d.name, sent, late, shifts, len(ads), adCopy(ads))
	if len(ads) < d.minAds {
		t.Errorf("%d ads from %d shifts, want at least %d", len(ads), shifts, d.minAds)
	}
	if d.categoryNamedLikeTracker != "" && forCategory == 0 {
		t.Errorf("no ad for a %q interest among %d ads", d.categoryNamedLikeTracker, len(ads))
	}
}

// trainGroups trains an interest model with groups on d's events, for a catalogue without
// categories.
func trainGroups(t *testing.T, d shippedDataset) string {
	t.Helper()
	model := filepath.Join(t.TempDir(), d.name+".model")
	var log bytes.Buffer
	if err := runTrain(t.Context(), features.DefaultConfig(), trainOptions{format: d.format, file: d.file, out: model}, &log, io.Discard); err != nil {
		t.Fatalf("train: %v\n%s", err, log.String())
	}
	return model
}

func adCopy(ads []schemas.Ad) string {
	if len(ads) == 0 {
		return ""
	}
	return ads[0].Creative.Headline + " / " + ads[0].Creative.Body
}
