package creative

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adshift/adshift/schemas"
)

// Guard rules, as named in Violation.Rule and in the guard_violations metric.
const (
	RuleEmpty     = "empty"            // a field is blank
	RuleSchema    = "schema"           // control or hidden format characters, invalid UTF-8
	RuleLength    = "length"           // wider than the placement allows (CJK counts 2)
	RuleClaim     = "banned_claim"     // an absolute claim (best, #1, 最 …)
	RuleExclaim   = "exclamation"      // "!" in the headline, or more than one in the creative
	RuleCaps      = "all_caps"         // a shouted word that is no acronym
	RuleRepeat    = "repetition"       // repeated punctuation, or a word three times
	RulePrice     = "ungrounded_price" // a price, discount or offer the record does not hold
	RuleBrand     = "ungrounded_brand" // another brand than the product's, or its own misspelt
	RulePII       = "personal_data"    // the shopper's id or name, an e-mail, phone, address or messaging handle
	RuleModel     = "model_behaviour"  // a refusal, talk about the task, a leaked prompt, an obeyed injection
	RuleMarkup    = "markup"           // HTML, markdown, a URL or a domain
	RuleRawID     = "raw_id"           // an identifier from the shop's systems (taobao:1575622, a long digit run)
	RuleLocale    = "locale"           // copy in another language than its locale
	fieldHeadline = "headline"
	fieldBody     = "body"
	fieldCTA      = "cta"
)

// Default placement limits, in columns (see Width).
const (
	DefaultHeadlineMax = 40
	DefaultBodyMax     = 125
	DefaultCTAMax      = 20
)

// Violation is one rule a creative broke.
type Violation struct {
	Rule   string // one of the Rule constants
	Field  string // headline, body or cta
	Detail string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s: %s: %s", v.Field, v.Rule, v.Detail)
}

// Guard holds creatives to adshift's policy before they are published, whoever wrote them. The
// zero value applies the default limits; a zero limit means its default. A Guard is a value,
// immutable once built, and safe for concurrent use.
type Guard struct {
	HeadlineMax int `mapstructure:"headline_max"` // columns; default 40
	BodyMax     int `mapstructure:"body_max"`     // columns; default 125
	CTAMax      int `mapstructure:"cta_max"`      // columns; default 20

	brands *brandSet // the catalogue's brands and the well-known marks; nil: the marks alone
}

// WithBrands returns a copy of g that also rejects copy naming any of brands other than the
// advertised product's own (the catalogue's brands, see catalog.Catalog.Brands), or naming its
// own misspelt. The well-known marks (iPhone, 三星, 苹果 …) are checked with or without them.
func (g Guard) WithBrands(brands []string) Guard {
	g.brands = newBrandSet(brands)
	return g
}

var (
	// repeatedPunct is a punctuation mark doubled ("!!", "??", "...", "？！").
	repeatedPunct = regexp.MustCompile(`[!?！？.。,，;；:：~～]{2,}`)
	latinWord     = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’-]*`)
)

// acronyms may be written in capitals: units, standards, currencies.
var acronyms = map[string]bool{
	"AC": true, "AI": true, "AUD": true, "BB": true, "CAD": true, "CD": true, "CNY": true, "CPU": true,
	"DC": true, "DIY": true, "DVD": true, "EU": true, "EUR": true, "FM": true, "GB": true, "GBP": true,
	"GPS": true, "GPU": true, "HD": true, "HDMI": true, "HDR": true, "INR": true, "IP": true, "JPY": true,
	"KG": true, "LCD": true, "LED": true, "MB": true, "ML": true, "MP": true, "NFC": true, "OLED": true,
	"PC": true, "QLED": true, "RAM": true, "RGB": true, "SD": true, "SPF": true, "SSD": true, "TB": true,
	"TV": true, "UHD": true, "UK": true, "UPF": true, "US": true, "USA": true, "USB": true, "USD": true,
	"UV": true, "VR": true, "XL": true, "XXL": true, "XS": true, "OK": true, "RMB": true, "CHF": true,
	"II": true, "III": true, "IV": true,
}

// stopWords never count towards the three-times rule.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "at": true, "for": true, "from": true, "in": true, "is": true,
	"it": true, "of": true, "on": true, "or": true, "the": true, "to": true, "with": true, "you": true,
	"your": true, "by": true, "this": true, "that": true,
}

// Check returns every rule the creative breaks against the product it advertises; none means it
// may be published. It knows nothing of the shopper: CheckFor also keeps their ids out.
func (g Guard) Check(c schemas.Creative, p schemas.Product) []Violation {
	return g.CheckFor(c, p)
}

// CheckRequest is CheckFor the shopper the request is for (the shift's user key: their user id
// or anonymous id).
func (g Guard) CheckRequest(c schemas.Creative, req Request) []Violation {
	return g.CheckFor(c, req.Product, req.Shift.User)
}

// CheckFor is Check of copy shown to the shopper known by shopperIDs (user id, anonymous id),
// none of which the copy may name.
func (g Guard) CheckFor(c schemas.Creative, p schemas.Product, shopperIDs ...string) []Violation {
	var vs []Violation
	injections := injected(p)
	fields := []struct {
		name, text string
		max        int
	}{
		{fieldHeadline, c.Headline, or(g.HeadlineMax, DefaultHeadlineMax)},
		{fieldBody, c.Body, or(g.BodyMax, DefaultBodyMax)},
		{fieldCTA, c.CTA, or(g.CTAMax, DefaultCTAMax)},
	}
	bangs := 0
	for _, f := range fields {
		if strings.TrimSpace(f.text) == "" {
			vs = append(vs, Violation{RuleEmpty, f.name, "is empty"})
			continue
		}
		if w := Width(f.text); w > f.max {
			vs = append(vs, Violation{RuleLength, f.name, fmt.Sprintf("%d columns, limit %d", w, f.max)})
		}
		folded := foldCopy(f.text)
		vs = append(vs, rawViolations(f.name, f.text)...)
		vs = append(vs, wordViolations(f.name, folded, p)...)
		vs = append(vs, misbehaviourViolations(f.name, folded, injections)...)
		vs = append(vs, shopperViolations(f.name, folded, shopperIDs)...)
		vs = append(vs, g.brandViolations(f.name, folded, p)...)
		bangs += strings.Count(f.text, "!") + strings.Count(f.text, "！")
	}
	if strings.ContainsAny(c.Headline, "!！") {
		vs = append(vs, Violation{RuleExclaim, fieldHeadline, "headline has an exclamation mark"})
	} else if bangs > 1 {
		vs = append(vs, Violation{RuleExclaim, fieldBody, fmt.Sprintf("%d exclamation marks, at most one", bangs)})
	}
	vs = append(vs, localeViolations(c, p)...)
	return vs
}

// textViolations are the rules a single piece of copy can break on its own, given the record it
// is grounded on: markup, claims, shouting, repetition, prices and personal data. The template
// uses them to vet the names it may call a product by.
func textViolations(field, text string, p schemas.Product) []Violation {
	return append(rawViolations(field, text), wordViolations(field, foldCopy(text), p)...)
}

// rawViolations are the characters copy may not hold as written: invalid UTF-8, format
// characters that hide words from the rules, control characters and line breaks.
func rawViolations(field, text string) []Violation {
	var vs []Violation
	if !utf8.ValidString(text) {
		vs = append(vs, Violation{RuleSchema, field, "invalid UTF-8"})
	}
	if r := hiddenCharacter(text); r >= 0 {
		vs = append(vs, Violation{RuleSchema, field, fmt.Sprintf("hidden character %U", r)})
	}
	if strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) }) >= 0 {
		vs = append(vs, Violation{RuleSchema, field, "control characters or line breaks"})
	}
	return vs
}

// wordViolations are the rules folded copy (see foldCopy) can break on its own.
func wordViolations(field, text string, p schemas.Product) []Violation {
	var vs []Violation
	vs = append(vs, markupViolations(field, text)...)
	vs = append(vs, claims(field, text, p)...)
	for _, w := range latinWord.FindAllString(text, -1) {
		if shouted(w) && !acronyms[w] && !brandWord(w, p.Brand) && !(len(w) <= 3 && titleWord(w, p.Title)) {
			vs = append(vs, Violation{RuleCaps, field, fmt.Sprintf("all-caps word %q", w)})
		}
	}
	if m := repeatedPunct.FindString(text); m != "" {
		vs = append(vs, Violation{RuleRepeat, field, fmt.Sprintf("repeated punctuation %q", m)})
	}
	if w := thrice(text); w != "" {
		vs = append(vs, Violation{RuleRepeat, field, fmt.Sprintf("%q three times", w)})
	}
	vs = append(vs, priceViolations(field, text, p)...)
	vs = append(vs, discountViolations(field, text, p)...)
	vs = append(vs, rawIDViolations(field, text, p)...)
	return append(vs, personalViolations(field, text, p)...)
}

// brandWord reports whether w is one of the words of the brand, written as the brand writes
// itself ("TWG" of "TWG Tea").
func brandWord(w, brand string) bool {
	for _, b := range strings.Fields(brand) {
		if strings.EqualFold(w, b) {
			return true
		}
	}
	return false
}

// titleWord reports whether w is a word of the product's title as written there: a short code
// such as "MDR" or "LG" is a name. Longer capitals stay shouting even in a title ("FREE").
func titleWord(w, title string) bool {
	for _, t := range latinWord.FindAllString(title, -1) {
		if t == w {
			return true
		}
	}
	return false
}

// shouted reports whether w is a word written in capitals: two or more letters, none lower
// case, and no digits (a model number such as "WH-1000XM4" is a name, not shouting).
func shouted(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLower(r), unicode.IsDigit(r):
			return false
		case unicode.IsUpper(r):
			letters++
		}
	}
	return letters >= 2
}

// thrice returns a word that text uses three times or more, ignoring case and stop words; ""
// when there is none. Only alphabetic scripts are split into words.
func thrice(text string) string {
	seen := map[string]int{}
	for _, w := range latinWord.FindAllString(text, -1) {
		w = strings.ToLower(w)
		if stopWords[w] || len([]rune(w)) < 2 || hasHan(w) {
			continue
		}
		if seen[w]++; seen[w] == 3 {
			return w
		}
	}
	return ""
}

// localeViolations flags copy written in another language than its locale: Chinese copy with no
// Chinese in headline and body, or English copy with Chinese the product's name does not bring.
// Copy that names no locale is not checked.
func localeViolations(c schemas.Creative, p schemas.Product) []Violation {
	if c.Locale == "" {
		return nil
	}
	text := c.Headline + " " + c.Body
	switch NormLocale(c.Locale) {
	case LocaleZH:
		if !hasHan(text) {
			return []Violation{{RuleLocale, fieldBody, "zh-CN copy has no Chinese"}}
		}
	case LocaleEN:
		if hasHan(text) && !hasHan(p.Title+p.Brand+p.Category) {
			return []Violation{{RuleLocale, fieldBody, "en copy has Chinese"}}
		}
	}
	return nil
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// brandViolations flags every brand text names but the product's own (its family: iPhone and
// 苹果 are Apple's) and the ones its title or category names, and the own brand misspelt.
func (g Guard) brandViolations(field, text string, p schemas.Product) []Violation {
	set := g.brands
	if set == nil {
		set = wellKnownSet
	}
	var vs []Violation
	own := familyOf(p.Brand)
	record := strings.ToLower(foldCopy(p.Title + " | " + p.Category + " | " + p.Brand))
	for _, b := range set.in(text) {
		switch {
		case b.family == own && b.misspelt && p.Brand != "":
			vs = append(vs, Violation{RuleBrand, field, fmt.Sprintf("misspells the brand %q as %q", p.Brand, b.written)})
		case b.family == own && p.Brand != "", strings.Contains(record, b.written), plainWord(b, p):
		default:
			vs = append(vs, Violation{RuleBrand, field, fmt.Sprintf("names the brand %q, the product is %q", b.name, p.Brand)})
		}
	}
	return vs
}

// plainWord reports whether a mark's name is an everyday word for the product: 苹果 or apple in
// a food category, or any name of the mark in the record.
func plainWord(b brandMention, p schemas.Product) bool {
	m, ok := markOf(b.family)
	if !ok {
		return false
	}
	record := strings.ToLower(p.Title + " " + p.Category)
	for _, w := range m.plain {
		if strings.Contains(record, w) {
			return true
		}
	}
	for _, n := range m.names {
		if strings.Contains(record, n) {
			return true
		}
	}
	return false
}

func or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
