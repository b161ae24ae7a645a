package creative

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/adshift/adshift/schemas"
)

var (
	// percent is a percentage in digits or words, or a discount written as 折 in digits or
	// Chinese numerals (8折 = 20% off, 八五折 = 15% off, 五折 = half price).
	percent = regexp.MustCompile(`(?i)(\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b|pct\b)|(\d{1,2}(?:\.\d)?)\s?折|([一二三四五六七八九]{1,2})折|百分之([零〇一二两三四五六七八九十百]+)`)
	// spelledPercent is a percentage in words: "twenty percent".
	spelledPercent = regexp.MustCompile(`(?i)(` + englishNumber.String()[4:] + `)\s*(?:percent|per cent)\b`)
	// halfPrice is a discount of a half, in words.
	halfPrice = regexp.MustCompile(`(?i)\bhalf[- ]?(?:price|off)\b|\b50/50\b|半价|对折`)
	// promotions are offers a record must state for copy to make them.
	promotions = regexp.MustCompile(`(?i)\bfree[- ](?:shipping|delivery|postage|gift|returns)\b|\bships? (?:for )?free\b|\bbogo\b|\bbuy (?:one|1),? get (?:one|1)\b|\b2[- ]for[- ]1\b|\b(?:for free|at no cost|costs nothing)\b|包邮|免运费|免邮|买一送一|买一赠一|满\d+减\d+|送赠品|赠品|免费送|免费领`)
)

// discountViolations flags every discount and offer the record does not imply: percentages and
// 折 other than the list price's discount, half price, free shipping and the like.
func discountViolations(field string, t *copyText, p schemas.Product) []Violation {
	var vs []Violation
	text, lower := t.folded, t.lower
	// Cheap tests guard each regular expression: most copy states no discount. Every percentage
	// has a sign or word for it after the digits.
	if t.digits > 0 && (strings.Contains(text, "%") || strings.Contains(lower, "percent") || strings.Contains(lower, "per cent") ||
		strings.Contains(lower, "pct")) || strings.Contains(text, "折") || strings.Contains(text, "百分之") {
		for _, m := range percent.FindAllStringSubmatch(text, -1) {
			if m[1] == "100" || m[4] == "百" {
				continue // an absolute claim, flagged as one
			}
			if off, ok := discountShown(m); !ok || !sameDiscount(off, p) {
				vs = append(vs, discountViolation(field, m[0], p))
			}
		}
	}
	if strings.Contains(lower, "per") {
		for _, m := range spelledPercent.FindAllStringSubmatch(text, -1) {
			if v, ok := englishNumberValue(m[1]); ok && v != 100 && !sameDiscount(v/100, p) {
				vs = append(vs, discountViolation(field, m[0], p))
			}
		}
	}
	if containsAny(lower, "half", "50/50", "半价", "对折") {
		for _, m := range halfPrice.FindAllString(text, -1) {
			if !sameDiscount(0.5, p) {
				vs = append(vs, discountViolation(field, m, p))
			}
		}
	}
	// Every offer has one of these.
	if containsAny(lower, "free", "bogo", "buy", "cost", "2 for", "2-for", "邮", "运费", "买一", "满", "赠", "免费") {
		if m := promotions.FindString(text); m != "" && !offerInRecord(m, p) {
			vs = append(vs, Violation{RulePrice, field, fmt.Sprintf("offer %q the record does not state", m)})
		}
	}
	return vs
}

func discountViolation(field, shown string, p schemas.Product) Violation {
	return Violation{RulePrice, field, fmt.Sprintf("discount %q, the record implies %s", shown, discountText(p))}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// offerInRecord reports whether the record's title states the offer copy makes, in either
// language: "Free Shipping" in the title grounds 包邮 in the copy.
func offerInRecord(offer string, p schemas.Product) bool {
	title := strings.ToLower(foldCopy(p.Title))
	kind := offerKind(offer)
	for _, m := range promotions.FindAllString(title, -1) {
		if m == strings.ToLower(offer) || kind != "" && offerKind(m) == kind {
			return true
		}
	}
	return false
}

// offerKind names what an offer gives, so the same offer matches across languages; "" for an
// offer only its own words state.
func offerKind(offer string) string {
	o := strings.ToLower(offer)
	switch {
	case strings.Contains(o, "ship"), strings.Contains(o, "deliver"), strings.Contains(o, "postage"),
		strings.Contains(o, "邮"), strings.Contains(o, "运费"):
		return "free shipping"
	case strings.Contains(o, "bogo"), strings.Contains(o, "get"), strings.Contains(o, "买一"), strings.Contains(o, "2"):
		return "buy one get one"
	case strings.Contains(o, "gift"), strings.Contains(o, "赠品"):
		return "free gift"
	}
	return ""
}

// discountShown reads a percentage match as the share taken off the price: "20%" -> 0.20,
// "8折" -> 0.20, "85折" and "八五折" -> 0.15, "百分之二十" -> 0.20.
func discountShown(m []string) (float64, bool) {
	switch {
	case m[1] != "":
		v, err := strconv.ParseFloat(m[1], 64)
		return v / 100, err == nil
	case m[2] != "":
		v, err := strconv.ParseFloat(m[2], 64)
		if !strings.Contains(m[2], ".") && v >= 10 {
			v /= 10
		}
		return 1 - v/10, err == nil
	case m[3] != "":
		v, ok := chineseNumber(m[3])
		if v >= 10 {
			v /= 10
		}
		return 1 - v/10, ok
	default:
		v, ok := chineseNumber(m[4])
		return v / 100, ok
	}
}

// Discount is the share of the list price the product's price takes off, 0 when the record has
// no list price above the price.
func Discount(p schemas.Product) float64 {
	if p.ListPrice <= p.Price || p.ListPrice <= 0 {
		return 0
	}
	return 1 - p.Price/p.ListPrice
}

// sameDiscount reports whether a discount stated in copy is the record's, to the whole percent
// (copy rounds "23.4%" to "23%"; 折 to the tenth).
func sameDiscount(off float64, p schemas.Product) bool {
	d := Discount(p)
	return d > 0 && (int(off*100+0.5) == int(d*100+0.5) || int(off*100+0.5) == int(d*100))
}

func discountText(p schemas.Product) string {
	if d := Discount(p); d > 0 {
		return fmt.Sprintf("%.0f%% off", d*100)
	}
	return "no discount"
}
