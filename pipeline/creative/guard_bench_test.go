package creative

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/catalog/catalogtest"
	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// BenchmarkGuardCheck is the guard's cost for one clean creative of each locale, the common
// case: everything is read and nothing is found. It judges the creative afresh every time, the
// record read once as a guard reads it (the memory of verdicts would answer a repeated question
// without judging).
func BenchmarkGuardCheck(b *testing.B) {
	p := schemas.Product{ID: "p", Title: "Galaxy A50 128 GB", Brand: "Samsung", Category: "electronics.smartphone",
		Price: 1299.5, ListPrice: 1499, Currency: "USD"}
	g := Guard{}.WithBrands([]string{"Samsung", "Apple", "Xiaomi", "Huawei", "Sony", "LG Electronics"})
	for _, c := range []struct {
		name string
		cr   schemas.Creative
	}{
		{"en", schemas.Creative{Headline: "Galaxy A50 for $1,299.50", Body: "A 6.4 inch screen and 128 GB to keep every photo, from Samsung. Now 13% off.", CTA: "Shop now", Locale: "en"}},
		{"zh", schemas.Creative{Headline: "Galaxy A50，仅需$1,299.50", Body: "看你最近在关注手机：6.4 英寸屏幕，128 GB 存储，三星出品，最新款。", CTA: "立即购买", Locale: "zh-CN"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.cr.Headline) + len(c.cr.Body) + len(c.cr.CTA)))
			gr := g.grounded.of(p)
			for b.Loop() {
				g.check(c.cr, gr, nil)
			}
		})
	}
}

// unguarded writes the creative the template would with no rule checked: the structure the hash
// picks, filled with the title, brand, leaf and price. It is the baseline of the guard's cost.
func unguarded(req Request) schemas.Creative {
	locale := NormLocale(req.Locale)
	structures := copyBook[locale][req.Arm]
	p := req.Product
	s := structures[int(seed.Hash(req.Shift.User, p.ID, req.Arm)%uint64(len(structures)))]
	leaf := genericLeaf[locale]
	if l := catalog.Leaf(p.Category); l != "" {
		leaf = l
	}
	facts := map[string]string{"{brand}": p.Brand, "{price}": FormatPrice(p.Price, p.Currency), "{leaf}": leaf}
	return schemas.Creative{
		Headline: fill(s.headline, p.Title, facts, DefaultHeadlineMax),
		Body:     fill(s.body, p.Title, facts, DefaultBodyMax),
		CTA:      fill(s.cta, p.Title, facts, DefaultCTAMax),
		Locale:   locale,
	}
}

// BenchmarkGuardCostPerCreative is what the guard costs a creative of real catalogue products in
// both locales: the template with its guard (names vetted, copy checked, and the stage's final
// check) against the same copy written with no rule checked, timed in the same loop. It reports
// the ratio as x_unguarded. Every creative is for another shopper, as every shift is: the guard
// never answers from its memory of verdicts but for the stage's check of the template's copy.
func BenchmarkGuardCostPerCreative(b *testing.B) {
	products := catalogtest.RealProducts(b, 200)
	brands := []string{"Samsung", "Apple", "Xiaomi", "Huawei", "Sony", "LG Electronics"}
	var g Guard
	var tmpl *Template
	var reqs []Request
	for i, p := range products {
		for _, loc := range []string{LocaleEN, LocaleZH} {
			reqs = append(reqs, Request{Shift: schemas.Shift{User: fmt.Sprint("u", i)}, Product: p, Arm: allArms[i%len(allArms)], Locale: loc})
		}
	}
	b.ReportAllocs()
	var guarded, plain time.Duration
	i := 0
	for b.Loop() {
		if i%len(reqs) == 0 {
			b.StopTimer()
			g = Guard{}.WithBrands(brands)
			tmpl = NewTemplate(g)
			b.StartTimer()
		}
		req := reqs[i%len(reqs)]
		req.Shift.User = strconv.Itoa(i)
		i++
		start := time.Now()
		_ = unguarded(req)
		mid := time.Now()
		c, _, err := tmpl.Generate(context.Background(), req)
		if err == nil {
			g.CheckRequest(c, req)
		}
		guarded += time.Since(mid)
		plain += mid.Sub(start)
	}
	b.ReportMetric(float64(guarded)/float64(plain), "x_unguarded")
	b.ReportMetric(float64(guarded.Nanoseconds())/float64(i), "ns/guarded")
	b.ReportMetric(float64(plain.Nanoseconds())/float64(i), "ns/unguarded")
}
