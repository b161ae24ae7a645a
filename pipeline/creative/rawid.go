package creative

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/adshift/adshift/schemas"
)

// rawID is an identifier from the shop's systems written into copy: a prefixed id
// ("taobao:1575622", "sku_12345", "item #4471") or a bare run of six to nine digits, which no
// shopper reads as anything but a code (longer runs are phone numbers).
var rawID = regexp.MustCompile(`(?i)\b[a-z][a-z0-9]*\s?[:#_/]\s?\d{4,}\b|\b(?:sku|id|item|product|category|cat|pid|spu)\s?(?:no\.?|#|:)?\s?\d{4,}\b|(?:^|[^\d.,])\d{6,9}(?:$|[^\d.,%])`)

// rawIDViolations flag the record's own id, its category's ids and every other raw identifier in
// folded copy. Prices are not ids: a digit run that is a price the record grounds is left to the
// price rule.
func rawIDViolations(field string, t *copyText, gr *grounding) []Violation {
	if t.run < 4 {
		return nil
	}
	text, p := t.folded, gr.p
	if id := strings.TrimSpace(p.ID); len(id) >= 4 && strings.ContainsFunc(id, unicode.IsDigit) && strings.Contains(text, id) {
		return []Violation{{RuleRawID, field, fmt.Sprintf("the product's id %q", id)}}
	}
	for _, m := range rawID.FindAllString(text, -1) {
		m = strings.Trim(m, " ()（）,，:：.。")
		if isPriceDigits(m, gr) || modelCode(m, text, p) {
			continue
		}
		return []Violation{{RuleRawID, field, fmt.Sprintf("raw id %q", m)}}
	}
	return nil
}

// isPriceDigits reports whether a bare digit run is the record's price or list price written
// without separators ("1299999" for a price of 1,299,999).
func isPriceDigits(m string, gr *grounding) bool {
	for _, r := range m {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return slices.Contains(gr.priceDigits, m)
}

// modelCode reports whether a digit run in text is part of a code the product's title gives with
// letters ("R130016", a refill's model number), written in text as the title writes it: a fact
// of the product, not the shop's id. The record's own id and its category ids are never model
// codes.
func modelCode(m, text string, p schemas.Product) bool {
	if m == p.ID || strings.Contains(p.Category, m) {
		return false
	}
	for _, w := range strings.FieldsFunc(p.Title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.Contains(w, m) && strings.ContainsFunc(w, unicode.IsLetter) && strings.Contains(text, w) {
			return true
		}
	}
	return false
}
