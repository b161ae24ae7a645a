package creatives

import (
	"context"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// A product with no price (a Taobao record) gets no ad: the template refuses it, the stage
// counts the shift as no_price, and the partition goes on.
func TestStageCountsProductsWithoutAPrice(t *testing.T) {
	batch := []pipeline.Record{shiftRecord(t, 1, "u1", 1, "electronics.audio.headphone", "sony", "")}
	out := &pipelinetest.Emitter{}
	s, p := newTestStage(t, creative.NewTemplate(creative.Guard{}), out)
	s.ranker = catalog.NewRanker(catalog.NewCatalog([]schemas.Product{
		{ID: "2268318", Category: "electronics.audio.headphone", Brand: "sony"},
	}), catalog.RankConfig{})
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatalf("a product without a price stopped the partition: %v", err)
	}
	if len(out.Acked) != 0 || count(s, resultNoPrice) != 1 || count(s, resultGenerateError) != 0 {
		t.Errorf("emitted %d, no_price %v, generate_error %v; want no ad and one no_price", len(out.Acked), count(s, resultNoPrice), count(s, resultGenerateError))
	}
}
