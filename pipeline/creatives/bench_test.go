package creatives

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// fixedCopy is the baseline generator: one creative that passes the guard for any product with
// no price in its copy, so the benchmark measures the stage around the generator.
type fixedCopy struct{}

func (fixedCopy) Generate(_ context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	c := schemas.Creative{Headline: "Take a look", Body: "Something new in your favourite aisle.", CTA: "See more", Locale: creative.LocaleEN}
	if creative.NormLocale(req.Locale) == creative.LocaleZH {
		c = schemas.Creative{Headline: "看看新品", Body: "你常逛的品类有新品了。", CTA: "去看看", Locale: creative.LocaleZH}
	}
	return c, schemas.GeneratorInfo{Kind: schemas.GeneratorTemplate, PromptVersion: "fixed"}, nil
}

// BenchmarkStage measures the creatives stage end to end (decode shifts, coalesce, pick a
// product, choose an arm, write and guard the copy, encode ads) over real catalogue records, in
// batches of 200 shifts of distinct shoppers. Run with -cpu 1 for ads/s per core; compare
// "template" with the "fixed-copy" baseline of the same run.
func BenchmarkStage(b *testing.B) {
	products := catalogtest.RealProducts(&testing.T{}, 600)
	cat := catalog.NewCatalog(products)
	var batches [][]pipeline.Record
	for i := 0; i < 6000; i += 200 {
		var batch []pipeline.Record
		for j := i; j < i+200; j++ {
			p := products[j%len(products)]
			sh := schemas.Shift{User: fmt.Sprintf("u%d", j), ProfileVersion: 1, EventTime: t0, Reason: schemas.ReasonNewInterest,
				Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: p.Category, Weight: 2}}, Brands: []schemas.Weighted{{Name: p.Brand, Weight: 1}},
					PriceBand: schemas.PriceBand{Min: p.Price / 2, Max: p.Price * 2, Currency: p.Currency}, Locale: []string{"en", "zh-CN"}[j%2]}}
			v, _ := json.Marshal(sh)
			batch = append(batch, pipeline.Record{Topic: "adshift.shifts", Offset: int64(j), Key: []byte(sh.User), Value: v})
		}
		batches = append(batches, batch)
	}
	for _, bc := range []struct {
		name string
		gen  creative.Generator
	}{{"fixed-copy", fixedCopy{}}, {"template", creative.NewTemplate(creative.Guard{}.WithBrands(cat.Brands()))}} {
		b.Run(bc.name, func(b *testing.B) {
			a, _ := strategy.NewAssigner(strategy.Config{Salt: "bench"})
			s, err := New(Config{}, pipeline.DefaultTopics(), cat, bc.gen, a, pipelinetest.Discard{}, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			p, _ := s.Open(context.Background(), "adshift.shifts", 0)
			b.ReportAllocs()
			ads, i := 0, 0
			start := time.Now()
			for b.Loop() {
				if i > 0 && i%len(batches) == 0 {
					// The batches come round again with the same offsets, which a processor
					// takes for a retry of what it applied: a new one serves them as new input.
					p, _ = s.Open(context.Background(), "adshift.shifts", 0)
				}
				if err := p.Process(context.Background(), batches[i%len(batches)]); err != nil {
					b.Fatal(err)
				}
				ads += len(batches[i%len(batches)])
				i++
			}
			b.ReportMetric(float64(ads)/time.Since(start).Seconds(), "ads/s")
			if got := count(s, resultAd); got < float64(ads)*0.9 {
				b.Fatalf("%v of %d shifts got an ad", got, ads)
			}
		})
	}
}
