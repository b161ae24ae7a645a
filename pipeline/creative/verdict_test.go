package creative

import (
	"slices"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// A verdict judged once is the verdict judged again, whatever the first caller did with its copy.
func TestVerdictIsJudgedOnce(t *testing.T) {
	g := Guard{}.WithBrands([]string{"Samsung"})
	p := schemas.Product{ID: "p", Title: "Galaxy A50", Brand: "Samsung", Price: 199, Currency: "USD"}
	c := schemas.Creative{Headline: "The BEST phone!!", Body: "Call 555-123-4567 for $99.", CTA: "Shop now", Locale: LocaleEN}
	first := g.CheckFor(c, p, "u1")
	if len(first) < 3 {
		t.Fatalf("want the claim, shouting, price and phone flagged, got %v", first)
	}
	want := slices.Clone(first)
	first[0].Rule = "changed"
	if again := g.CheckFor(c, p, "u1"); !slices.Equal(again, want) {
		t.Errorf("second verdict %v, want %v", again, want)
	}
	if fresh := (Guard{}).WithBrands([]string{"Samsung"}).CheckFor(c, p, "u1"); !slices.Equal(fresh, want) {
		t.Errorf("a fresh guard says %v, the remembered verdict %v", fresh, want)
	}
	named := schemas.Creative{Headline: "Galaxy A50", Body: "Made for u1-x", CTA: "Shop now", Locale: LocaleEN}
	if vs := g.CheckFor(named, p, "u1-x"); len(vs) == 0 {
		t.Error("the shopper's id passed")
	}
	if vs := g.CheckFor(named, p, "u2-y"); len(vs) != 0 {
		t.Errorf("another shopper's copy blocked: %v", vs)
	}
	if vs := (Guard{HeadlineMax: 5, grounded: g.grounded, brands: g.brands}).CheckFor(named, p, "u2-y"); len(vs) == 0 {
		t.Error("a tighter limit sharing the memory passed a long headline")
	}
}

func TestGuardSame(t *testing.T) {
	a := Guard{}.WithBrands([]string{"Samsung", "Logitech"})
	f := func(b Guard, want bool) {
		t.Helper()
		if got := a.Same(b); got != want {
			t.Errorf("Same(%+v) = %v, want %v", b, got, want)
		}
	}
	f(a, true)
	f(Guard{HeadlineMax: DefaultHeadlineMax}.WithBrands([]string{"Logitech", "Samsung"}), true)
	f(Guard{}.WithBrands([]string{"Samsung", "Logitech", "华为"}), false)
	f(Guard{}.WithBrands([]string{"Samsung"}), false)
	f(Guard{BodyMax: 90}.WithBrands([]string{"Samsung", "Logitech"}), false)
	f(Guard{}, false)
}

// A catalogue lists its brands in no order: guards built from two orders are the same.
func TestGuardSameWhateverTheBrandOrder(t *testing.T) {
	brands := []string{"Samsung", "Logitech", "Anker", "华为", "西湖", "Spigen", "Hanes"}
	a := Guard{}.WithBrands(brands)
	if !a.Same(Guard{}.WithBrands(reversed(brands))) {
		t.Error("the same brands in another order make another guard")
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
