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
	`([$€£¥₹￥]|\b(?:USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD|Rs\.?))\s?` + amount +
		`|` + amount + `\s?(?:(USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD)\b|(元|块))`)

// priceMention is an amount written as a price, with the currency its marker names.
type priceMention struct {
	amount   float64
	currency string // the marker as written: "$", "USD", "元" …
}

// priceMentions returns every amount in s that looks like a price.
func priceMentions(s string) []priceMention {
	var out []priceMention
	for _, m := range priceLike.FindAllStringSubmatch(s, -1) {
		num, cur := m[2], m[1]
		if num == "" {
			num, cur = m[3], m[4]+m[5]
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(num, ",", ""), 64)
		if err == nil {
			out = append(out, priceMention{amount: v, currency: cur})
		}
	}
	return out
}

// pricesIn returns every amount in s that looks like a price.
func pricesIn(s string) []float64 {
	var out []float64
	for _, m := range priceMentions(s) {
		out = append(out, m.amount)
	}
	return out
}

// markerCurrencies are the ISO codes a price marker may stand for.
var markerCurrencies = map[string][]string{
	"$": {"USD", "AUD", "CAD", "NZD", "SGD", "HKD"}, "€": {"EUR"}, "£": {"GBP"}, "₹": {"INR"},
	"Rs": {"INR"}, "Rs.": {"INR"}, "¥": {"CNY", "JPY"}, "￥": {"CNY", "JPY"}, "元": {"CNY"}, "块": {"CNY"},
	"RMB": {"CNY"},
}

// sameCurrency reports whether a price marker written in copy can stand for the currency of the
// record. A record with no currency matches any marker.
func sameCurrency(marker, currency string) bool {
	currency = strings.ToUpper(currency)
	if currency == "" || strings.EqualFold(marker, currency) {
		return true
	}
	for _, c := range markerCurrencies[marker] {
		if c == currency {
			return true
		}
	}
	return false
}

// samePrice reports whether a price shown in copy is the catalogue price, to the cent.
func samePrice(shown, price float64) bool {
	return math.Round(shown*100) == math.Round(price*100)
}
