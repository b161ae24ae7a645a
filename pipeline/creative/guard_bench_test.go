package creative

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

// BenchmarkGuardCheck is the guard's cost for one clean creative of each locale, the common
// case: everything is read and nothing is found.
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
			for b.Loop() {
				g.Check(c.cr, p)
			}
		})
	}
}
