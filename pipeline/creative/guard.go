package creative

import (
	"fmt"
	"regexp"
	"slices"
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

	brands   *brandSet   // the catalogue's brands and the well-known marks; nil: the marks alone
	grounded *groundings // the records checked against, read once each; nil: read every time
}

// WithBrands returns a copy of g that also rejects copy naming any of brands other than the
// advertised product's own (the catalogue's brands, see catalog.Catalog.Brands), or naming its
// own misspelt. The well-known marks (iPhone, 三星, 苹果 …) are checked with or without them.
func (g Guard) WithBrands(brands []string) Guard {
	g.brands = newBrandSet(brands)
	g.grounded = newGroundings()
	return g
}

var (
	// repeatedPunct is a punctuation mark doubled ("!!", "??", "...", "？！").
	latinWord = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’-]*`)
)

// repeatedPunctIn returns the first run of two or more of the punctuation marks that must not be
// doubled ("!!", "??", "...", "？！"), as `[!?！？.。,，;；:：~～]{2,}` would; "" when there is none.
func repeatedPunctIn(s string) string {
	start, n := -1, 0
	for i, r := range s {
		if strings.ContainsRune("!?！？.。,，;；:：~～", r) {
			if start < 0 {
				start = i
			}
			n++
			continue
		}
		if n >= 2 {
			return s[start:i]
		}
		start, n = -1, 0
	}
	if n >= 2 {
		return s[start:]
	}
	return ""
}

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
	return g.verdict(c, g.grounded.of(p), shopperIDs)
}

// check is CheckFor against the record's grounding.
func (g Guard) check(c schemas.Creative, gr *grounding, shopperIDs []string) []Violation {
	return g.judge(c, gr).forShoppers(shopperIDs)
}

// judgement is the guard's verdict on a creative before it knows whom the copy is shown to: each
// field's violations before and after the shopper rule, in the order check lists them, and the
// lower-cased copy that rule reads. Immutable once built.
type judgement struct {
	fields [3]fieldJudgement
	tail   []Violation // the exclamation and locale rules, over the whole creative
}

type fieldJudgement struct {
	name          string
	before, after []Violation
	lower         string // the field's folded copy, lower-cased ("" when it is empty)
}

// judge is every rule but the shopper rule, which forShoppers adds: the rest depends on the copy
// and the record alone, so a creative shown to many shoppers is judged once (see verdict).
func (g Guard) judge(c schemas.Creative, gr *grounding) *judgement {
	j := &judgement{}
	fields := [...]struct {
		name, text string
		max        int
	}{
		{fieldHeadline, c.Headline, or(g.HeadlineMax, DefaultHeadlineMax)},
		{fieldBody, c.Body, or(g.BodyMax, DefaultBodyMax)},
		{fieldCTA, c.CTA, or(g.CTAMax, DefaultCTAMax)},
	}
	bangs := 0
	for i, f := range fields {
		fj := &j.fields[i]
		fj.name = f.name
		if strings.TrimSpace(f.text) == "" {
			fj.before = []Violation{{RuleEmpty, f.name, "is empty"}}
			continue
		}
		var vs []Violation
		if w := Width(f.text); w > f.max {
			vs = append(vs, Violation{RuleLength, f.name, fmt.Sprintf("%d columns, limit %d", w, f.max)})
		}
		t := readCopy(f.text)
		vs = append(vs, rawViolations(f.name, f.text)...)
		vs = append(vs, wordViolations(f.name, t, gr)...)
		vs = append(vs, misbehaviourViolations(f.name, t, gr.injections)...)
		fj.before, fj.lower = slices.Clip(vs), t.lower
		fj.after = g.brandViolations(f.name, t, gr)
		bangs += strings.Count(f.text, "!") + strings.Count(f.text, "！")
	}
	if strings.ContainsAny(c.Headline, "!！") {
		j.tail = append(j.tail, Violation{RuleExclaim, fieldHeadline, "headline has an exclamation mark"})
	} else if bangs > 1 {
		j.tail = append(j.tail, Violation{RuleExclaim, fieldBody, fmt.Sprintf("%d exclamation marks, at most one", bangs)})
	}
	j.tail = append(j.tail, localeViolations(c, gr)...)
	return j
}

// forShoppers is the judgement of copy shown to the shopper known by shopperIDs: a new slice
// the caller may change.
func (j *judgement) forShoppers(shopperIDs []string) []Violation {
	var vs []Violation
	for _, f := range j.fields {
		vs = append(vs, f.before...)
		vs = append(vs, shopperViolations(f.name, f.lower, shopperIDs)...)
		vs = append(vs, f.after...)
	}
	return append(vs, j.tail...)
}

// textViolations are the rules a single piece of copy can break on its own, given the record it
// is grounded on: markup, claims, shouting, repetition, prices and personal data. The template
// uses them to vet the names it may call a product by.
func textViolations(field, text string, gr *grounding) []Violation {
	return append(rawViolations(field, text), wordViolations(field, readCopy(text), gr)...)
}

// rawViolations are the characters copy may not hold as written: invalid UTF-8, format
// characters that hide words from the rules, control characters and line breaks.
func rawViolations(field, text string) []Violation {
	if plainPrintable(text) {
		return nil
	}
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
func wordViolations(field string, t *copyText, gr *grounding) []Violation {
	var vs []Violation
	vs = append(vs, markupViolations(field, t)...)
	vs = append(vs, claims(field, t, gr)...)
	for _, w := range t.words {
		if shouted(w) && !acronyms[w] && !brandWord(w, gr.brandWords) && !(len(w) <= 3 && titleWord(w, gr.titleWords)) {
			vs = append(vs, Violation{RuleCaps, field, fmt.Sprintf("all-caps word %q", w)})
		}
	}
	if m := repeatedPunctIn(t.folded); m != "" {
		vs = append(vs, Violation{RuleRepeat, field, fmt.Sprintf("repeated punctuation %q", m)})
	}
	if w := thrice(t.words); w != "" {
		vs = append(vs, Violation{RuleRepeat, field, fmt.Sprintf("%q three times", w)})
	}
	vs = append(vs, priceViolations(field, t, gr.p)...)
	vs = append(vs, discountViolations(field, t, gr.p)...)
	vs = append(vs, rawIDViolations(field, t, gr)...)
	return append(vs, personalViolations(field, t, gr)...)
}

// brandWord reports whether w is one of the words of the brand, written as the brand writes
// itself ("TWG" of "TWG Tea").
func brandWord(w string, brand []string) bool {
	for _, b := range brand {
		if strings.EqualFold(w, b) {
			return true
		}
	}
	return false
}

// titleWord reports whether w is a word of the product's title as written there: a short code
// such as "MDR" or "LG" is a name. Longer capitals stay shouting even in a title ("FREE").
func titleWord(w string, title []string) bool {
	return slices.Contains(title, w)
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

// thrice returns a word that words (of a text) use three times or more, ignoring case and stop
// words; "" when there is none. Only alphabetic scripts are split into words.
func thrice(words []string) string {
	var seen map[string]int // only for long copy: short copy is counted by scanning
	var counted []string
	for _, w := range words {
		if !asciiLower(w) {
			w = strings.ToLower(w)
		}
		if stopWords[w] || utf8.RuneCountInString(w) < 2 || hasHan(w) {
			continue
		}
		n := 1
		if seen != nil {
			seen[w]++
			n = seen[w]
		} else {
			for _, c := range counted {
				if c == w {
					n++
				}
			}
			counted = append(counted, w)
			if len(counted) > 64 {
				seen = make(map[string]int, len(counted))
				for _, c := range counted {
					seen[c]++
				}
			}
		}
		if n == 3 {
			return w
		}
	}
	return ""
}

// asciiLower reports whether s holds no upper-case ASCII letter and no other script, so
// strings.ToLower would return it unchanged.
func asciiLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// localeViolations flags copy written in another language than its locale: Chinese copy with no
// Chinese in headline and body, or English copy with Chinese the product's name does not bring.
// Copy that names no locale is not checked.
func localeViolations(c schemas.Creative, gr *grounding) []Violation {
	if c.Locale == "" {
		return nil
	}
	han := hasHan(c.Headline) || hasHan(c.Body)
	switch NormLocale(c.Locale) {
	case LocaleZH:
		if !han {
			return []Violation{{RuleLocale, fieldBody, "zh-CN copy has no Chinese"}}
		}
	case LocaleEN:
		if han && !gr.recordHan {
			return []Violation{{RuleLocale, fieldBody, "en copy has Chinese"}}
		}
	}
	return nil
}

// brandViolations flags every brand text names but the product's own (its family: iPhone and
// 苹果 are Apple's) and the ones its title or category names, and the own brand misspelt.
func (g Guard) brandViolations(field string, t *copyText, gr *grounding) []Violation {
	set := g.brands
	if set == nil {
		set = wellKnownSet
	}
	var vs []Violation
	p, own := gr.p, gr.own
	for _, b := range set.in(t) {
		switch {
		case b.family == own && b.misspelt && p.Brand != "":
			vs = append(vs, Violation{RuleBrand, field, fmt.Sprintf("misspells the brand %q as %q", p.Brand, b.written)})
		case b.family == own && p.Brand != "", strings.Contains(gr.brandRecord, b.written), plainWord(b, gr):
		default:
			vs = append(vs, Violation{RuleBrand, field, fmt.Sprintf("names the brand %q, the product is %q", b.name, p.Brand)})
		}
	}
	return vs
}

// plainWord reports whether a mark's name is an everyday word for the product: 苹果 or apple in
// a food category, or any name of the mark in the record.
func plainWord(b brandMention, gr *grounding) bool {
	m, ok := markOf(b.family)
	if !ok {
		return false
	}
	record := gr.plainRecord
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
