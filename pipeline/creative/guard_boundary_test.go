package creative

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// Mutants of this package left alive on purpose, as no behaviour changes: thrice switching to
// its map at 64 or 65 words (the same counts either way); asciiLower's fast path (ToLower of
// plain ASCII is the identity); FindAllString's -1 as -2 (every negative n means all), and so in
// discount.go's percentages; a word's start of -1 as -2 in foldConfusables and asciiWords (only
// its sign is read); isASCIIWord's >= utf8.RuneSelf as > (0x80 is a continuation byte, never the
// byte after an ASCII letter); joins' r < 0x80 as <= (U+0080 is a control character, neither
// letter nor digit); mayLink's gates&gateLink != 0 as != 1 (gateLink is no bit 1, so the cheap
// test only opens more often and the link expression still decides).

// rules returns field/rule of every violation of c against p, shown to shopperIDs, sorted.
func rules(g Guard, c schemas.Creative, p schemas.Product, shopperIDs ...string) []string {
	var got []string
	for _, v := range g.CheckFor(c, p, shopperIDs...) {
		got = append(got, v.Field+"/"+v.Rule)
	}
	slices.Sort(got)
	return got
}

func TestGuardRulesAtTheirEdges(t *testing.T) {
	kettle := schemas.Product{ID: "k", Title: "Electric Kettle", Brand: "Acme", Category: "appliances.kitchen.kettle", Price: 199, Currency: "USD"}
	sale := kettle
	sale.Price, sale.ListPrice = 80, 100                                                                                // 20% off
	tea := schemas.Product{ID: "t", Title: "绿茶", Category: "beverages.tea", Price: 85, ListPrice: 100, Currency: "CNY"} // 15% off
	fullTea := tea
	fullTea.ListPrice = 0
	f := func(p schemas.Product, headline, body, cta string, ids []string, want ...string) {
		t.Helper()
		got := rules(Guard{}, schemas.Creative{Headline: headline, Body: body, CTA: cta}, p, ids...)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Check(%q, %q, %q) = %v, want %v", headline, body, cta, got, want)
		}
	}
	// At most one exclamation mark in the creative, wherever they are.
	f(kettle, "Electric Kettle", "Fast. Quiet!", "Shop now", nil)
	f(kettle, "Electric Kettle", "Fast! Quiet!", "Shop now", nil, "body/exclamation")
	f(kettle, "Electric Kettle", "Fast! Quiet.", "Shop now!", nil, "body/exclamation")
	// Doubled punctuation at the very end; a word three times in any case.
	f(kettle, "Electric Kettle", "Fast and quiet.", "Shop now..", nil, "cta/repetition")
	f(kettle, "Electric Kettle", "Cosy mornings, cosy evenings, Cosy kitchen.", "Shop now", nil, "body/repetition")
	// A comma after the price is no thousands separator.
	f(kettle, "Electric Kettle", "Just $199, 30 days to return it.", "Shop now", nil)
	// Percentages in words are discounts like any other.
	f(kettle, "Electric Kettle", "Twenty percent off today.", "Shop now", nil, "body/ungrounded_price")
	f(sale, "Electric Kettle", "Twenty percent off today.", "Shop now", nil)
	f(sale, "Electric Kettle", "Thirty percent off today.", "Shop now", nil, "body/ungrounded_price")
	// 折 in Chinese numerals: 八五折 is 15% off, 八折 20%.
	f(tea, "绿茶", "现在八五折。", "立即购买", nil)
	f(tea, "绿茶", "现在八折。", "立即购买", nil, "body/ungrounded_price")
	f(fullTea, "绿茶", "现在八五折。", "立即购买", nil, "body/ungrounded_price")
	// A phone number after a phone word, from five digits.
	f(kettle, "Electric Kettle", "Call 12345 to order.", "Shop now", nil, "body/personal_data")
	// A postcode is an address, a UK one with its two digits alone.
	f(kettle, "Electric Kettle", "Collect it at SW1A 1AA.", "Shop now", nil, "body/personal_data")
	f(kettle, "Electric Kettle", "Collect it at SW1A 1AA, not M2 8GB.", "Shop now", nil, "body/personal_data")
	// A chip and its memory are no postcode.
	laptop := schemas.Product{ID: "m", Title: "MacBook Air M2 8GB", Brand: "Apple", Category: "electronics.laptop", Price: 999, Currency: "USD"}
	f(laptop, "MacBook Air", "MacBook Air M2 8GB, fast and light.", "Shop now", nil)
	f(laptop, "MacBook Air", "MacBook Air M2 8GB 256GB SSD.", "Shop now", nil)
	// Entities at their longest are markup: five digits, eight letters.
	f(kettle, "Electric Kettle", "A kettle &#12345; for you.", "Shop now", nil, "body/markup")
	f(kettle, "Electric Kettle", "A kettle &thetasym; for you.", "Shop now", nil, "body/markup")
	// A web address whose only dot comes before a z.
	f(kettle, "Electric Kettle", "Also sold at www.zalando today.", "Shop now", nil, "body/markup")
	// A shopper id starting with a digit is theirs.
	f(kettle, "Electric Kettle", "Made for 7kat at home.", "Shop now", []string{"7kat"}, "body/personal_data")
	f(kettle, "Electric Kettle", "Made for you at home.", "Shop now", []string{"7kat"})
}

func TestOneEditOutsideASCII(t *testing.T) {
	f := func(a, b string, want bool) {
		t.Helper()
		if got := oneEdit(a, b); got != want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got := oneEdit(b, a); got != want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", b, a, got, want)
		}
	}
	f("Nestlé", "Nestlè", true)    // one letter changed
	f("Nestlé", "Nestlée", true)   // one added at the end
	f("Nestlé", "Nesstlé", true)   // one added inside
	f("Nestlé", "Netslé", true)    // two neighbours swapped
	f("Nestlé", "Nestlé", false)   // the same
	f("Nestlé", "Nstleé", false)   // two apart
	f("Nestlé", "Nesltè", false)   // a swap and a change
	f("Nestlé", "Nestléxx", false) // two added
	f("Nestlé", "Xestlè", false)   // two changed
}

func TestRawIDAndCapsAtTheirLengths(t *testing.T) {
	lamp := schemas.Product{ID: "1234", Title: "LED Lava Lamp", Category: "home.lighting.lamp", Price: 20, Currency: "USD"}
	f := func(body string, want ...string) {
		t.Helper()
		got := rules(Guard{}, schemas.Creative{Headline: "Lava Lamp", Body: body, CTA: "Shop now"}, lamp)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Check(body %q) = %v, want %v", body, got, want)
		}
	}
	// An id of four digits is the product's id in copy.
	f("Order 1234 today.", "body/"+RuleRawID)
	f("A warm glow for any room.")
	// A title word of three letters may be written in capitals, one of four may not.
	f("An LED glow for any room.")
	f("A LAVA glow for any room.", "body/"+RuleCaps)
}

func TestCapitalsAsTheTitleWritesThem(t *testing.T) {
	f := func(title, body string, want ...string) {
		t.Helper()
		p := schemas.Product{ID: "p", Title: title, Category: "home.lighting.lamp", Price: 20, Currency: "USD"}
		if got := rules(Guard{}, schemas.Creative{Headline: "Lamp", Body: body, CTA: "Shop now"}, p); !slices.Equal(got, want) {
			t.Errorf("title %q, body %q: %v, want %v", title, body, got, want)
		}
	}
	// A short title word in capitals ("UFO") may be written so; a longer one is shouting even
	// where the title shouts it.
	f("UFO Lamp", "A UFO glow for any room.")
	f("LAVA Lamp", "A LAVA glow for any room.", "body/"+RuleCaps)
}

func TestAHundredPercentIsNoDiscount(t *testing.T) {
	shirt := schemas.Product{ID: "s", Title: "Oxford Shirt", Category: "apparel.shirt", Price: 30, Currency: "USD"}
	got := rules(Guard{}, schemas.Creative{Headline: "Oxford Shirt", Body: "Soft 100% cotton weave.", CTA: "Shop now"}, shirt)
	for _, r := range got {
		if r == "body/"+RulePrice {
			t.Errorf("100%% cotton read as a discount: %v", got)
		}
	}
}
