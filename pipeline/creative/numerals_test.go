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
	// Each numeral read alone, and each digit before a unit.
	for i, r := range []rune("零一二三四五六七八九") {
		f(string(r), float64(i), true)
		if i > 0 {
			f(string(r)+"十", float64(i*10), true)
		}
	}
	f("〇", 0, true)
	f("两", 2, true)
	f("一〇八", 108, true)
	f("两百", 200, true)
	f("十", 10, true)
	f("三万", 30000, true)
	f("九千九百九十九", 9999, true)
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
	// Each number word alone, written as its value.
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	for i, w := range words {
		f(w, float64(i), true)
	}
	for i, w := range []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"} {
		f(w, float64(20+10*i), true)
		f(w+"-one", float64(21+10*i), true)
	}
	f("a thousand", 1000, true)
	f("hundred", 100, true)
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
