package features

import (
	"math"
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// summaryProfile is a profile with more leaves and brands than a summary of 2 lists, a parent
// category, and entries that no longer weigh anything on the short horizon.
func summaryProfile(n *names) *profile {
	p := &profile{stage: consider, currency: n.id("EUR"), locale: n.id("de-DE")}
	p.cats[0] = slot{id: n.id("electronics"), short: 9, long: 9}                 // a parent: never listed
	p.cats[1] = slot{id: n.id("electronics.audio") | leafBit, short: 3, long: 3} // heaviest leaf
	p.cats[2] = slot{id: n.id("electronics.video") | leafBit, short: 1, long: 8} // tied with books, named after it
	p.cats[3] = slot{id: n.id("books") | leafBit, short: 1, long: 1}             // tied with video, named first
	p.cats[4] = slot{id: n.id("garden") | leafBit, short: 0, long: 5}            // nothing on the short horizon
	p.cats[5] = slot{id: n.id("toys") | leafBit, short: 0.5, long: 0.5}          // beyond the top 3
	p.nCats = 6
	p.brands[0] = slot{id: n.id("sony"), short: 0.25, long: 1}
	p.brands[1] = slot{id: n.id("apple"), short: 0, long: 2}
	p.brands[2] = slot{id: n.id("bose"), short: 0.75, long: 1}
	p.nBrands = 3
	p.purchased[0], p.purchased[1], p.nPurchased = n.id("p2"), n.id("p1"), 2
	return p
}

// A summary lists the heaviest leaves and brands on the short horizon, heaviest first and by
// name among equals, normalised over what it keeps; parents and weightless entries are left out.
func TestSummary(t *testing.T) {
	n := newNames()
	p := summaryProfile(&n)
	var s schemas.Summary
	p.summary(&s, 3, &n)
	wantCats := []schemas.Weighted{{Name: "electronics.audio", Weight: 0.6}, {Name: "books", Weight: 0.2}, {Name: "electronics.video", Weight: 0.2}}
	if !slices.Equal(s.Categories, wantCats) {
		t.Errorf("categories %v, want %v", s.Categories, wantCats)
	}
	wantBrands := []schemas.Weighted{{Name: "bose", Weight: 0.75}, {Name: "sony", Weight: 0.25}}
	if !slices.Equal(s.Brands, wantBrands) {
		t.Errorf("brands %v, want %v", s.Brands, wantBrands)
	}
	if s.IntentStage != "consider" || s.Locale != "de-DE" || !slices.Equal(s.Purchased, []string{"p2", "p1"}) {
		t.Errorf("intent %q locale %q purchased %q, want consider, de-DE, [p2 p1]", s.IntentStage, s.Locale, s.Purchased)
	}
	if s.PriceBand != (schemas.PriceBand{}) {
		t.Errorf("price band %+v of a profile without prices", s.PriceBand)
	}

	// The top 1 is the heaviest alone, at weight 1.
	p.summary(&s, 1, &n)
	if want := []schemas.Weighted{{Name: "electronics.audio", Weight: 1}}; !slices.Equal(s.Categories, want) {
		t.Errorf("top 1 categories %v, want %v", s.Categories, want)
	}
	if want := []schemas.Weighted{{Name: "bose", Weight: 1}}; !slices.Equal(s.Brands, want) {
		t.Errorf("top 1 brands %v, want %v", s.Brands, want)
	}

	// An empty profile summarises to empty lists, not nil ones, once the arrays exist.
	var empty profile
	empty.summary(&s, 3, &n)
	if s.Categories == nil || len(s.Categories) != 0 || s.Brands == nil || len(s.Brands) != 0 || s.Purchased == nil || len(s.Purchased) != 0 {
		t.Errorf("empty profile: %+v", s)
	}
	if s.IntentStage != "browse" {
		t.Errorf("empty profile intent %q, want browse", s.IntentStage)
	}
}

// topLeaves ranks the leaves on either horizon, the lowest id among equals first.
func TestTopLeaves(t *testing.T) {
	n := newNames()
	p := summaryProfile(&n)
	names := func(ids []uint32) []string {
		var out []string
		for _, id := range ids {
			out = append(out, n.name(id))
		}
		return out
	}
	f := func(k int, h Horizon, want ...string) {
		t.Helper()
		if got := names(p.topLeaves(nil, k, h)); !slices.Equal(got, want) {
			t.Errorf("topLeaves(%d, %v) = %q, want %q", k, h, got, want)
		}
	}
	// electronics.video was interned before books: it has the lower id.
	f(3, Short, "electronics.audio", "electronics.video", "books")
	f(9, Short, "electronics.audio", "electronics.video", "books", "toys", "garden")
	f(2, Long, "electronics.video", "garden")
	f(0, Long)
	if got := p.topLeaves([]uint32{42}, 1, Short); !slices.Equal(got, []uint32{42, n.id("electronics.audio")}) {
		t.Errorf("topLeaves does not append: %v", got)
	}
}

// The price band is the heaviest octave on the short horizon, widened to the neighbouring
// octaves that weigh at least half as much, and the currency the prices came in.
func TestPriceBand(t *testing.T) {
	n := newNames()
	bucket := func(price float64) uint32 { return priceBucket(price) }
	f := func(name string, prices []slot, lo, hi float64) {
		t.Helper()
		p := profile{currency: n.id("USD")}
		p.nPrices = uint8(copy(p.prices[:], prices))
		got := p.priceBand(&n)
		if want := (schemas.PriceBand{Min: lo, Max: hi, Currency: "USD"}); got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
	}
	f("one octave", []slot{{id: bucket(20), short: 1}}, 16, 32)
	f("neighbour at half", []slot{{id: bucket(20), short: 1}, {id: bucket(40), short: 0.5}}, 16, 64)
	f("neighbour under half", []slot{{id: bucket(20), short: 1}, {id: bucket(40), short: 0.49}}, 16, 32)
	f("neighbours on both sides", []slot{{id: bucket(10), short: 0.6}, {id: bucket(20), short: 1}, {id: bucket(40), short: 0.7}}, 8, 64)
	f("heaviest last", []slot{{id: bucket(300), short: 0.2}, {id: bucket(20), short: 1}}, 16, 32)
	f("not next to the heaviest", []slot{{id: bucket(20), short: 1}, {id: bucket(80), short: 0.9}}, 16, 32)
	f("chained through a neighbour", []slot{{id: bucket(80), short: 0.9}, {id: bucket(20), short: 1}, {id: bucket(40), short: 0.6}}, 16, 128)
	f("below one", []slot{{id: bucket(0.3), short: 1}}, 0.25, 0.5)
	p := profile{}
	if got := p.priceBand(&n); got != (schemas.PriceBand{}) {
		t.Errorf("no prices: %+v", got)
	}
}

// Prices fall in octave buckets [2^b, 2^(b+1)); no usable price has no bucket.
func TestPriceBucket(t *testing.T) {
	f := func(price float64, lo, hi float64) {
		t.Helper()
		b := priceBucket(price)
		if b == 0 {
			t.Fatalf("price %v has no bucket", price)
		}
		if l, h := bucketRange(b); l != lo || h != hi {
			t.Errorf("price %v in [%v, %v), want [%v, %v)", price, l, h, lo, hi)
		}
	}
	f(1, 1, 2)
	f(1.999, 1, 2)
	f(2, 2, 4)
	f(31.99, 16, 32)
	f(32, 32, 64)
	f(0.5, 0.5, 1)
	f(math.MaxFloat64, math.Ldexp(1, priceBucketBias-1), math.Ldexp(1, priceBucketBias))
	f(math.SmallestNonzeroFloat64, math.Ldexp(1, -priceBucketBias+1), math.Ldexp(1, -priceBucketBias+2))
	for _, price := range []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		if b := priceBucket(price); b != 0 {
			t.Errorf("price %v has bucket %d, want none", price, b)
		}
	}
}
