package creative

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adshift/adshift/schemas"
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
// code or "Rs" and an optional space), right after it (an ISO code, a currency's name, 元 or
// 块), or when a price word comes before it ("only 89.95", "售价199"). Copy is folded first, so
// full-width digits and signs are read as ASCII ones.
const amount = `(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`

var (
	markerBefore = regexp.MustCompile(`(?i)(?:([$€£¥₹￥])|\b(US\$|USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD|Rs\.?))\s?$`)
	markerAfter  = regexp.MustCompile(`(?i)^\s?(?:(USD|EUR|GBP|INR|CNY|RMB|JPY|CHF|AUD|CAD|[$€£¥₹￥])|(dollars?|bucks|euros?|rupees?|yuan)\b|(元|块钱|块|美元|美金|欧元|英镑|卢比|人民币|日元))`)
	// priceWordBefore are the words a bare amount is a price after.
	priceWordBefore = regexp.MustCompile(`(?i)(?:\b(?:only|just|now|was|were|price[ds]?|priced at|costs?|pay|save|for|at|from|under|yours for)|售价|价格|价|仅需|仅售|只要|只需|低至|到手|原价|现价|特价|券后|秒杀|只卖|仅|才|立省|省|立减|减|直降|降)\s?[:：]?\s?$`)
	// wordCurrencies are the currencies a currency's name after an amount stands for.
	wordCurrencies = map[string]string{"dollar": "$", "dollars": "$", "bucks": "$", "euro": "€", "euros": "€",
		"rupee": "₹", "rupees": "₹", "yuan": "元", "美元": "USD", "美金": "USD", "欧元": "EUR", "英镑": "GBP",
		"卢比": "INR", "人民币": "元", "日元": "JPY", "块钱": "块"}
	// spelledPrice is an amount in words with a currency's name after it: "ninety-nine dollars".
	spelledPrice = regexp.MustCompile(`(?i)(` + englishNumber.String()[4:] + `)\s*(dollars?|bucks|euros?|rupees?|yuan)\b`)
	// chinesePrice is an amount in Chinese numerals with 元 or 块 after it: "九十九元", "九块九".
	chinesePrice = regexp.MustCompile(`([零〇一二两三四五六七八九十百千万]+)(元|块钱|块)([一二三四五六七八九])?`)
)

// priceMention is an amount written as a price, with the currency its marker names.
type priceMention struct {
	amount   float64
	currency string // the marker as written: "$", "USD", "元" …; "" for a bare amount after a price word
}

// priceMentions returns every amount in folded copy that is written as a price, in digits or in
// words.
func priceMentions(t *copyText) []priceMention {
	var out []priceMention
	s, lower := t.folded, t.lower
	if t.digits > 0 {
		out = digitPrices(s)
	}
	if strings.Contains(lower, "dollar") || strings.Contains(lower, "buck") || strings.Contains(lower, "euro") ||
		strings.Contains(lower, "rupee") || strings.Contains(lower, "yuan") {
		for _, m := range spelledPrice.FindAllStringSubmatch(s, -1) {
			if v, ok := englishNumberValue(m[1]); ok {
				out = append(out, priceMention{amount: v, currency: wordCurrencies[strings.ToLower(m[2])]})
			}
		}
	}
	if !strings.Contains(s, "元") && !strings.Contains(s, "块") {
		return out
	}
	for _, m := range chinesePrice.FindAllStringSubmatch(s, -1) {
		if v, ok := chineseNumber(m[1]); ok {
			if d, ok := chineseDigits[[]rune(m[3] + "零")[0]]; ok && m[3] != "" {
				v += d / 10
			}
			out = append(out, priceMention{amount: v, currency: wordCurrencies[m[2]] + strings.TrimSuffix(m[2], "块钱")})
		}
	}
	return out
}

// contextBytes is how much of the copy before and after an amount its marker or price word may
// take up.
const contextBytes = 24

// digitPrices are the amounts in digits that s writes as prices.
func digitPrices(s string) []priceMention {
	var out []priceMention
	for _, loc := range amounts(s) {
		before, after := s[max(0, loc[0]-contextBytes):loc[0]], s[loc[1]:min(len(s), loc[1]+contextBytes)]
		if loc[0] > 0 && (isWordByte(s[loc[0]-1]) && !currencyLetterEnd(before)) || percentAfter(after) {
			continue // part of a model number or a percentage
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(s[loc[0]:loc[1]], ",", ""), 64)
		if err != nil {
			continue
		}
		cur, ok := "", false
		if m := markerBeforeIn(before); m != nil {
			cur, ok = m[1]+m[2], true
			if cur == "US$" || strings.EqualFold(cur, "us$") {
				cur = "USD"
			}
		} else if m := markerAfter.FindStringSubmatch(after); m != nil {
			cur, ok = m[1]+m[3], true
			if w := wordCurrencies[strings.ToLower(m[2]+m[3])]; w != "" {
				cur = w
			}
			if cur == "块" && len(after) > len(m[0]) && '1' <= after[len(m[0])] && after[len(m[0])] <= '9' {
				v += float64(after[len(m[0])]-'0') / 10 // 9块9 = 9.90
			}
		} else if priceWordEnds(before) && (strings.Contains(s[loc[0]:loc[1]], ".") || !unitAfter(after)) {
			ok = true
		}
		if ok {
			out = append(out, priceMention{amount: v, currency: cur})
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == ','
}

// currencyLetterEnd reports whether before ends in a currency code glued to the amount ("USD99").
func currencyLetterEnd(before string) bool {
	return markerBeforeIn(before) != nil
}

// unitAfter reports whether a bare amount is followed by a word that makes it a count or a
// measure ("just 2 left", "now 3 colours", "仅3天") rather than a price.
func unitAfter(after string) bool {
	rest := strings.TrimLeft(after, " ")
	if rest == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if !unicode.IsLetter(r) {
		return false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(rest)
	}
	return !fillerWords[strings.ToLower(rest[:end])]
}

// fillerWords may follow a price without making it a count: "only 89 today".
var fillerWords = map[string]bool{"today": true, "now": true, "this": true, "until": true, "while": true,
	"each": true, "per": true, "at": true, "on": true, "with": true, "and": true, "only": true,
	"instead": true, "tonight": true, "for": true, "in": true, "all": true}

// pricesIn returns every amount in s that looks like a price.
func pricesIn(s string) []float64 {
	var out []float64
	for _, m := range priceMentions(readFolded(s)) {
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

// priceViolations flags every amount written as a price that the record does not hold: the
// price, the list price above it, or the saving between them; and a price in another currency.
func priceViolations(field string, t *copyText, p schemas.Product) []Violation {
	var vs []Violation
	for _, shown := range priceMentions(t) {
		switch {
		case shown.amount <= 0:
			vs = append(vs, Violation{RulePrice, field, "shows a price of 0"})
		case !PriceKnown(p):
			vs = append(vs, Violation{RulePrice, field, fmt.Sprintf("shows %g, the product has no known price", shown.amount)})
		case !groundedAmount(shown.amount, p):
			vs = append(vs, Violation{RulePrice, field,
				fmt.Sprintf("shows %g, product price is %s", shown.amount, FormatPrice(p.Price, p.Currency))})
		case shown.currency != "" && !sameCurrency(shown.currency, p.Currency):
			vs = append(vs, Violation{RulePrice, field,
				fmt.Sprintf("shows the price in %s, product price is in %s", shown.currency, p.Currency)})
		}
	}
	return vs
}

// groundedAmount reports whether an amount shown as a price follows from the record: its price,
// its list price when that is above the price ("was $1,499"), or the saving ("save $200").
func groundedAmount(v float64, p schemas.Product) bool {
	if samePrice(v, p.Price) {
		return true
	}
	return p.ListPrice > p.Price && (samePrice(v, p.ListPrice) || samePrice(v, p.ListPrice-p.Price))
}

// percentAfter reports whether an amount is a percentage or a 折 discount, which the discount
// rule judges.
func percentAfter(after string) bool {
	rest := strings.ToLower(strings.TrimLeft(after, " "))
	return strings.HasPrefix(rest, "%") || strings.HasPrefix(rest, "折") || strings.HasPrefix(rest, "percent") ||
		strings.HasPrefix(rest, "per cent") || strings.HasPrefix(rest, "pct")
}
