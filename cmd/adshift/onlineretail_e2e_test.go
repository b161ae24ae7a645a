package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// The UCI Online Retail invoices of December 2010 a file a day, and the catalogue derived from
// them; see /work/shared/data/README.md (CC BY 4.0).
const (
	onlineRetailDays    = "../../../shared/data/online-retail/by-day"
	onlineRetailCatalog = "../../../shared/data/online-retail/products_catalog_derived.csv"
)

// retailDays links the first n days of Online Retail into a folder of their own.
func retailDays(t *testing.T, n int) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(onlineRetailDays, "*.csv"))
	if err != nil || len(files) < n {
		t.Fatalf("online retail days: %v (%d files)", err, len(files))
	}
	dir := t.TempDir()
	for _, f := range files[:n] {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(dir, filepath.Base(f))); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A shop without a category tree, end to end: a model trained on a few days of Online Retail
// learns interest groups from titles and invoices; run, with that model and the Online Retail
// catalogue, turns the same days replayed into Kafka into shifts over the groups and ads on
// ads.ready, each for a catalogue product placed in a group, priced in GBP, in readable copy.
func TestOnlineRetailEndToEnd(t *testing.T) {
	days := retailDays(t, 3)
	model := filepath.Join(t.TempDir(), "retail.model")
	var trained bytes.Buffer
	if err := runTrain(t.Context(), features.DefaultConfig(), trainOptions{format: dataset.FormatOnlineRetail, file: days, out: model}, &trained, &trained); err != nil {
		t.Fatalf("train: %v\n%s", err, trained.String())
	}
	m, err := readInterest(model)
	if err != nil {
		t.Fatal(err)
	}
	groups := m.Groups()
	if groups.Len() < 5 {
		t.Fatalf("model with %d interest groups:\n%s", groups.Len(), trained.String())
	}
	isGroup := map[string]bool{}
	for _, n := range groups.Names() {
		isGroup[n] = true
	}

	a := testApp(t)
	brokers := onEmbeddedBroker(t, a)
	a.cfg.Features.Model = model
	a.cfg.Catalog.Format, a.cfg.Catalog.Path = dataset.CatalogOnlineRetail, onlineRetailCatalog
	a.cfg.Features.AllowedLateness = 24 * time.Hour
	stop := startRun(t, a, []string{rekey.Name, features.Name, creatives.Name})
	defer stop()

	var out bytes.Buffer
	if err := a.replay(t.Context(), dataset.FormatOnlineRetail, days, mustSpeed(t, "max"), &out, io.Discard); err != nil {
		t.Fatalf("replay: %v", err)
	}
	catalogue, _, err := dataset.LoadCatalog(dataset.CatalogOnlineRetail, onlineRetailCatalog)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]schemas.Product{}
	for _, p := range catalogue {
		byID[p.ID] = p
	}

	// Ads stop arriving once every shift is served.
	var ads []schemas.Ad
	var shifts int
	waitFor(t, "an ad for every shift on ads.ready", 120*time.Second, func() bool {
		before := len(ads)
		ads = ads[:0]
		for _, r := range readAll(t, brokers, a.cfg.Topics.Ads.Name) {
			ad, err := schemas.DecodeAd(r.Value)
			if err != nil {
				t.Fatalf("ads.ready holds a record that is no ad: %v", err)
			}
			ads = append(ads, ad)
		}
		shifts = len(readAll(t, brokers, a.cfg.Topics.Shifts.Name))
		return len(ads) > 0 && len(ads) == before && len(ads) == shifts
	})
	if len(ads) < 5 {
		t.Fatalf("%d ads from %d shifts of three days of orders", len(ads), shifts)
	}
	for _, ad := range ads {
		p, ok := byID[ad.Product.ID]
		switch {
		case !ok:
			t.Errorf("ad %s for product %s, which is not in the catalogue", ad.AdID, ad.Product.ID)
		case ad.Product.Title != p.Title || ad.Product.Currency != "GBP" || ad.Product.Price != p.Price:
			t.Errorf("ad %s: product %+v, the catalogue has %+v", ad.AdID, ad.Product, p)
		case !isGroup[ad.Product.Category]:
			t.Errorf("ad %s: product %s in %q, no group of the model", ad.AdID, p.ID, ad.Product.Category)
		}
		copy := ad.Creative.Headline + " " + ad.Creative.Body
		if ad.Creative.Headline == "" || shouting(copy) {
			t.Errorf("ad %s: copy %q is not readable", ad.AdID, copy)
		}
		if ad.InterestModel != m.Version() {
			t.Errorf("ad %s: interest model %q, want %q", ad.AdID, ad.InterestModel, m.Version())
		}
	}
	t.Logf("%d ads, e.g. %q for %s (%s, £%.2f)", len(ads), ads[0].Creative.Headline+" / "+ads[0].Creative.Body,
		ads[0].Product.Title, ads[0].Product.Category, ads[0].Product.Price)
}

// shouting reports copy with a run of three or more upper-case words, as the warehouse
// descriptions are written.
func shouting(copy string) bool {
	run := 0
	for _, w := range strings.Fields(copy) {
		letters := strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				return r
			}
			return -1
		}, w)
		if len(letters) > 1 && strings.ToUpper(letters) == letters {
			if run++; run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// A catalogue with no category at all and no model with groups is refused with a message that
// says how to get groups; with such a model, every product is placed in one of its groups.
func TestCatalogWithoutCategoriesNeedsGroups(t *testing.T) {
	a := testApp(t)
	a.cfg.Catalog.Format, a.cfg.Catalog.Path = dataset.CatalogOnlineRetail, onlineRetailCatalog
	if _, err := a.catalogProducts(); err == nil || !strings.Contains(err.Error(), "adshift train") || !strings.Contains(err.Error(), "features.model") {
		t.Fatalf("a catalogue without categories and no model: %v", err)
	}
	model := filepath.Join(t.TempDir(), "retail.model")
	var log bytes.Buffer
	if err := runTrain(t.Context(), features.DefaultConfig(), trainOptions{format: dataset.FormatOnlineRetail, file: retailDays(t, 2), out: model}, &log, &log); err != nil {
		t.Fatalf("train: %v\n%s", err, log.String())
	}
	a.cfg.Features.Model = model
	products, err := a.catalogProducts()
	if err != nil {
		t.Fatal(err)
	}
	placed := 0
	for _, p := range products {
		if p.Category != "" {
			placed++
		}
	}
	// Two days of invoices saw a fraction of the products; the rest are placed by their titles.
	if placed < len(products)*9/10 {
		t.Fatalf("%d of %d catalogue products placed in a group", placed, len(products))
	}
	t.Logf("%d of %d catalogue products placed in a group", placed, len(products))
}
