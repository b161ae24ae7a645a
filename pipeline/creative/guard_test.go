package creative

import (
	"slices"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestGuardCheck(t *testing.T) {
	phone := schemas.Product{ID: "p", Title: "Galaxy A50", Brand: "Samsung", Category: "electronics.smartphone", Price: 1299.5, Currency: "USD"}
	tea := schemas.Product{ID: "t", Title: "Green Tea", Category: "beverages.tea", Price: 199, Currency: "CNY"}
	f := func(p schemas.Product, headline, body, cta string, want ...string) {
		t.Helper()
		var got []string
		for _, v := range (Guard{}).Check(schemas.Creative{Headline: headline, Body: body, CTA: cta}, p) {
			got = append(got, v.Field+"/"+v.Rule)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Check(%q, %q, %q) = %v, want %v", headline, body, cta, got, want)
		}
	}
	// Clean copy in both locales, with the price written in the ways copy writes it.
	f(phone, "Galaxy A50 for $1,299.50", "Get the Galaxy A50 from Samsung at $1299.5, 128 GB.", "Shop now")
	f(phone, "Galaxy A50 at USD 1,299.50", "Galaxy A50: 6.4 inch screen, 1299.50 USD.", "Buy")
	f(tea, "Green Tea，仅需¥199", "精选绿茶，售价199元，每盒20包。", "立即购买")
	f(tea, "绿茶", "售价￥199.00。", "了解更多")

	// Empty fields.
	f(phone, "", "Galaxy A50 for $1,299.50.", "Shop now", "headline/empty")
	f(phone, "Galaxy A50", "   ", "", "body/empty", "cta/empty")

	// Length, in columns: CJK counts double.
	f(phone, "Galaxy A50 with a screen you will love to use", "ok", "Shop now", "headline/length")
	f(phone, "Galaxy A50", strings.Repeat("a", 126), "Shop now", "body/length")
	f(phone, "Galaxy A50", "ok", "Shop the Galaxy A50 today", "cta/length")
	f(tea, "绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶", "ok", "立即购买")                     // 20 wide = 40 columns, the limit
	f(tea, "绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿茶绿", "ok", "立即购买", "headline/length") // 21 wide = 42 columns
	f(tea, "绿茶", "ok", "立即购买立即购买立即购买", "cta/length")                 // 12 wide = 24 columns

	// Banned absolute claims, English (whole words, any case) and Chinese.
	f(phone, "The best Galaxy yet", "ok", "Shop now", "headline/banned_claim")
	f(phone, "Galaxy A50", "The #1 phone, guaranteed.", "Shop now", "body/banned_claim", "body/banned_claim")
	f(phone, "Galaxy A50", "100% genuine. Cheapest anywhere.", "Shop now", "body/banned_claim", "body/banned_claim")
	f(phone, "Galaxy A50", "Our bestseller, from Samsung.", "Shop now", "body/banned_claim") // best-selling, unproven
	f(phone, "Galaxy A50", "Better battery, from Samsung.", "Shop now")
	f(tea, "最好的绿茶", "ok", "立即购买", "headline/banned_claim")
	f(tea, "绿茶", "销量第一的绿茶", "立即购买", "body/banned_claim")
	f(tea, "绿茶", "ok", "国家级好茶", "cta/banned_claim")
	f(tea, "最佳绿茶", "ok", "立即购买", "headline/banned_claim")
	f(tea, "最新款绿茶", "第一次喝也顺口", "立即购买") // 最新, 第一次 claim nothing

	// No exclamation in the headline, ASCII or fullwidth; the body may have one.
	f(phone, "Galaxy A50!", "Yes!", "Shop now", "headline/exclamation")
	f(tea, "绿茶！", "ok", "立即购买", "headline/exclamation")

	// Every price shown is the product's price.
	f(phone, "Galaxy A50 for $999", "ok", "Shop now", "headline/ungrounded_price")
	f(phone, "Galaxy A50", "Was $1,499.00, now $1,299.50.", "Shop now", "body/ungrounded_price")
	f(phone, "Galaxy A50", "Only 1,199 USD.", "Shop now", "body/ungrounded_price")
	f(tea, "绿茶", "仅售99元", "立即购买", "body/ungrounded_price")
	f(tea, "绿茶 ¥ 19.9", "ok", "立即购买", "headline/ungrounded_price")

	// In every number form: bare after a price word, a currency's name, full-width, in words.
	f(phone, "Galaxy A50", "Only 1199.50 today.", "Shop now", "body/ungrounded_price")
	f(phone, "Galaxy A50", "Yours for 999 dollars.", "Shop now", "body/ungrounded_price")
	f(phone, "Galaxy A50", "Yours for nine hundred dollars.", "Shop now", "body/ungrounded_price")
	f(phone, "Galaxy A50 for ＄９９９", "ok", "Shop now", "headline/ungrounded_price")
	f(phone, "Galaxy A50 for ＄１,２９９.５０", "ok", "Shop now")
	f(phone, "Galaxy A50", "Just 2 left in blue.", "Shop now") // a count, not a price
	f(tea, "绿茶", "仅需九十九元", "立即购买", "body/ungrounded_price")
	f(tea, "绿茶", "只要一百九十九元", "立即购买")
	// Discounts and offers the record does not state.
	f(phone, "Galaxy A50", "Half price this week.", "Shop now", "body/ungrounded_price")
	f(phone, "Galaxy A50", "Free shipping on every order.", "Shop now", "body/ungrounded_price")
	f(tea, "绿茶五折", "ok", "立即购买", "headline/ungrounded_price")
	f(tea, "绿茶", "第二件半价，全国包邮", "立即购买", "body/ungrounded_price", "body/ungrounded_price")
	sale := schemas.Product{ID: "s", Title: "Linen Shirt, Free Shipping", Category: "apparel.shirt", Price: 40, ListPrice: 80, Currency: "USD"}
	f(sale, "Linen Shirt, half price", "Was $80, now $40: save $40. Free shipping.", "Shop now")
	f(sale, "亚麻衬衫五折", "包邮", "立即购买")
}

func TestGuardLimitsAreConfigurable(t *testing.T) {
	p := schemas.Product{ID: "p", Price: 1}
	c := schemas.Creative{Headline: "Twelve chars", Body: "ok", CTA: "Go"}
	if vs := (Guard{}).Check(c, p); len(vs) != 0 {
		t.Fatalf("default limits: %v", vs)
	}
	if vs := (Guard{HeadlineMax: 10}).Check(c, p); len(vs) != 1 || vs[0].Rule != RuleLength {
		t.Fatalf("headline limit 10: %v", vs)
	}
}

func TestWidth(t *testing.T) {
	f := func(s string, want int) {
		t.Helper()
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
	f("", 0)
	f("Shop now", 8)
	f("立即购买", 8)
	f("仅需¥199", 8)  // ¥ is narrow
	f("仅需￥199", 9)  // ￥ is fullwidth
	f("Tea…，好", 8)  // ellipsis narrow, fullwidth comma wide
	f("カタカナ한글", 12) // kana and hangul are wide
}

func TestTruncate(t *testing.T) {
	f := func(s string, cols int, want string) {
		t.Helper()
		got := truncate(s, cols)
		if got != want {
			t.Errorf("truncate(%q, %d) = %q, want %q", s, cols, got, want)
		}
		if Width(got) > cols {
			t.Errorf("truncate(%q, %d) = %q is %d columns", s, cols, got, Width(got))
		}
	}
	f("Green Tea", 20, "Green Tea")
	f("Garlic Oil - Vegetarian Capsule 500 mg", 26, "Garlic Oil - Vegetarian…")
	f("Supercalifragilistic", 10, "Supercali…")
	f("绿茶绿茶绿茶", 7, "绿茶绿…")
	f("abc", 0, "")
}

func TestFormatPrice(t *testing.T) {
	f := func(price float64, currency, want string) {
		t.Helper()
		got := FormatPrice(price, currency)
		if got != want {
			t.Errorf("FormatPrice(%g, %q) = %q, want %q", price, currency, got, want)
		}
		if ps := pricesIn(got); currency != "" && (len(ps) != 1 || !samePrice(ps[0], price)) {
			t.Errorf("the guard reads %q as %v", got, ps)
		}
	}
	f(220, "INR", "₹220")
	f(35.79, "usd", "$35.79")
	f(1299.5, "USD", "$1,299.50")
	f(1234567.891, "GBP", "£1,234,567.89")
	f(0.05, "EUR", "€0.05")
	f(199, "CNY", "¥199")
	f(35.5, "CHF", "CHF 35.50")
	f(12, "", "12")
}

func TestFoldCopy(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := foldCopy(in); got != want {
			t.Errorf("foldCopy(%q) = %q, want %q", in, got, want)
		}
	}
	f("Shop now", "Shop now")
	f("be\u200bst", "best")
	f("be\u00adst", "best")
	f("\u202etseb", "tseb")
	f("bеst", "best")         // Cyrillic е
	f("Привет", "Привет")     // a Russian word keeps its letters
	f("ｂｅｓｔ ＄９９", "best $99") // full-width
	f("b e s t buy", "best buy")
	f("F.R.E.E", "FREE")
	f("a b", "a b")
	f("最 佳", "最佳")
	f("頂級", "顶级")
	f("bad\xffutf8", "badutf8")
}

func TestGuardBrands(t *testing.T) {
	g := Guard{}.WithBrands([]string{"Samsung", "Logitech", "Huawei", "Anker"})
	phone := schemas.Product{ID: "p", Title: "Galaxy A50", Brand: "Samsung", Category: "electronics.smartphone", Price: 199, Currency: "USD"}
	f := func(p schemas.Product, body string, want int) {
		t.Helper()
		var got []Violation
		for _, v := range g.Check(schemas.Creative{Headline: "Shop", Body: body, CTA: "Shop now"}, p) {
			if v.Rule == RuleBrand {
				got = append(got, v)
			}
		}
		if len(got) != want {
			t.Errorf("%q: %d brand violations %v, want %d", body, len(got), got, want)
		}
	}
	f(phone, "The Galaxy A50 from Samsung, or SAMSUNG, or samsung.", 0)
	f(phone, "三星出品。", 0) // Samsung's own name in Chinese
	f(phone, "Faster than huawei.", 1)
	f(phone, "Faster than the iPhone.", 1)
	f(phone, "比苹果更快。", 1)
	f(phone, "From Samsnug.", 1)       // the own brand misspelt
	f(phone, "Pairs with Logitec.", 1) // another brand misspelt
	f(phone, "Ample storage for every photo.", 0)
	f(schemas.Product{ID: "c", Title: "Clear Case for iPhone 15", Category: "electronics.case", Price: 9, Currency: "USD"}, "Made for the iPhone 15.", 0)
	f(schemas.Product{ID: "j", Title: "Fuji Apple Juice", Category: "food.juice", Price: 3, Currency: "USD"}, "鲜榨苹果汁。", 0)
	f(schemas.Product{ID: "m", Title: "小米 1kg", Category: "food.grain", Price: 3, Currency: "CNY"}, "黄小米，熬粥香。", 0)
	if vs := (Guard{}).Check(schemas.Creative{Headline: "Shop", Body: "Better than an iPhone.", CTA: "Go"}, phone); len(vs) != 1 || vs[0].Rule != RuleBrand {
		t.Errorf("a guard with no catalogue brands still knows the well-known marks: %v", vs)
	}
}

// TestGuardRemembersNoShopper: the guard judges a creative once for every shopper it is shown
// to, but the copy may name none of them, whoever saw it first.
func TestGuardRemembersNoShopper(t *testing.T) {
	p := schemas.Product{ID: "p", Title: "Galaxy A50", Brand: "Samsung", Category: "electronics.smartphone", Price: 1299.5, Currency: "USD"}
	c := schemas.Creative{Headline: "Galaxy A50", Body: "Picked for shopper-4821: the Galaxy A50.", CTA: "Shop now", Locale: LocaleEN}
	g := Guard{}.WithBrands([]string{"Samsung"})
	f := func(shopper string, want ...string) {
		t.Helper()
		var got []string
		for _, v := range g.CheckFor(c, p, shopper) {
			got = append(got, v.Field+"/"+v.Rule)
		}
		if !slices.Equal(got, want) {
			t.Errorf("CheckFor(%q) = %v, want %v", shopper, got, want)
		}
	}
	f("u-1000")
	f("shopper-4821", "body/personal_data")
	f("u-1000")
	f("shopper-4821", "body/personal_data")
}
