package creative

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// currencySymbols are the prefixes prices are written with; other currencies are written with
// their ISO code.
var currencySymbols = map[string]string{
	"USD": "$",
	"EUR": "€",
	"GBP": "£",
	"INR": "₹",
	"CNY": "¥",
	"JPY": "¥",
}

// FormatPrice writes a price the way creatives show it: the currency's symbol (or its ISO code
// and a space), thousands separated by commas, and cents only when there are any: "$1,299.99",
// "₹220", "CHF 35.50".
func FormatPrice(price float64, currency string) string {
	cents := int64(math.Round(price * 100))
	whole, frac := cents/100, cents%100
	var b strings.Builder
	code := strings.ToUpper(currency)
	if sym, ok := currencySymbols[code]; ok {
		b.WriteString(sym)
	} else if code != "" {
		b.WriteString(code)
		b.WriteByte(' ')
	}
	digits := strconv.FormatInt(whole, 10)
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != 0 {
		b.WriteByte('.')
		if frac < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatInt(frac, 10))
	}
	return b.String()
}

// A number looks like a price when a currency marker sits right before it (a symbol, or an ISO
// code or "Rs" and an optional space) or right after it (an ISO code, 元 or 块).
const amount = `(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`

var priceLike = regexp.MustCompile(
	`(?:[$€£¥₹￥]\s?|\b(?:USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD|Rs\.?)\s?)` + amount +
		`|` + amount + `\s?(?:(?:USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD)\b|元|块)`)

// pricesIn returns every amount in s that looks like a price.
func pricesIn(s string) []float64 {
	var out []float64
	for _, m := range priceLike.FindAllStringSubmatch(s, -1) {
		num := m[1]
		if num == "" {
			num = m[2]
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err == nil {
			out = append(out, v)
		}
	}
	return out
}

// samePrice reports whether a price shown in copy is the catalogue price, to the cent.
func samePrice(shown, price float64) bool {
	return math.Round(shown*100) == math.Round(price*100)
}
