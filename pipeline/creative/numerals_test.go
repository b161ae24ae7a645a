package creative

import (
	"testing"

	"github.com/adshift/adshift/schemas"
)

func TestChineseNumber(t *testing.T) {
	f := func(s string, want float64, wantOK bool) {
		t.Helper()
		got, ok := chineseNumber(s)
		if got != want || ok != wantOK {
			t.Errorf("chineseNumber(%q) = %g, %v, want %g, %v", s, got, ok, want, wantOK)
		}
	}
	f("九十九", 99, true)
	f("十二", 12, true)
	f("一百二十", 120, true)
	f("两千", 2000, true)
	f("一万五千", 15000, true)
	f("八五", 85, true)
	f("五", 5, true)
	f("", 0, false)
	f("九x", 0, false)
}

func TestEnglishNumberValue(t *testing.T) {
	f := func(s string, want float64, wantOK bool) {
		t.Helper()
		got, ok := englishNumberValue(s)
		if got != want || ok != wantOK {
			t.Errorf("englishNumberValue(%q) = %g, %v, want %g, %v", s, got, ok, want, wantOK)
		}
	}
	f("ninety-nine", 99, true)
	f("a hundred and twenty", 120, true)
	f("two thousand five hundred", 2500, true)
	f("Twenty", 20, true)
	f("a", 0, false)
	f("lots", 0, false)
}

func TestOneEdit(t *testing.T) {
	f := func(a, b string, want bool) {
		t.Helper()
		if got := oneEdit(a, b); got != want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", a, b, got, want)
		}
	}
	f("samsung", "samsnug", true) // swapped
	f("samsung", "samsumg", true) // changed
	f("samsung", "samsun", true)  // dropped
	f("samsung", "samssung", true)
	f("samsung", "sumsnug", false)
	f("logitech", "logitek", false)
}

// FuzzGuardCheck holds the guard to never panicking on an answer, whatever its bytes.
func FuzzGuardCheck(f *testing.F) {
	for _, s := range []string{"The b\u200be s t phone ＄９９", "九块九 八五折 百分之二十", "\xff\xfe", "Samsnug i Phone", "b  e  s  t", "顶·级"} {
		f.Add(s)
	}
	g := Guard{}.WithBrands([]string{"Samsung", "Logitech", "华为"})
	p := schemas.Product{ID: "p", Title: "Galaxy A50", Brand: "Samsung", Price: 199, ListPrice: 249, Currency: "USD"}
	f.Fuzz(func(t *testing.T, s string) {
		g.Check(schemas.Creative{Headline: s, Body: s, CTA: s, Locale: LocaleZH}, p)
	})
}
