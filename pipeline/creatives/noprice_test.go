package creatives

import (
	"context"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// A product with no price (a Taobao record) gets an ad whose copy names no price; the ad keeps
// the record's price of 0 and empty currency, which mean "unknown".
func TestStageAdvertisesProductsWithoutAPrice(t *testing.T) {
	batch := []pipeline.Record{shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", "")}
	out := &pipelinetest.Emitter{}
	s, p := newTestStage(t, creative.NewTemplate(creative.Guard{}), out)
	s.ranker = catalog.NewRanker(catalog.NewCatalog([]schemas.Product{
		{ID: "2268318", Category: "electronics.audio.headphone", Brand: "sony"},
	}), catalog.RankConfig{})
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatalf("a product without a price stopped the partition: %v", err)
	}
	if len(out.Records()) != 1 || count(s, resultAd) != 1 {
		t.Fatalf("emitted %d, ads %v, generate_error %v; want one ad", len(out.Records()), count(s, resultAd), count(s, resultGenerateError))
	}
	ad, err := schemas.DecodeAd(out.Records()[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	copy := ad.Creative.Headline + " " + ad.Creative.Body
	if ad.Product.Price != 0 || ad.Product.Currency != "" || strings.ContainsAny(copy, "0123456789$") {
		t.Errorf("ad for a product without a price: product %+v, copy %q", ad.Product, copy)
	}
}
