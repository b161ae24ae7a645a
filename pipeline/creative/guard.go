package creative

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// Guard rules, as named in Violation.Rule and in the guard_violations metric.
const (
	RuleEmpty     = "empty"
	RuleLength    = "length"
	RuleClaim     = "banned_claim"
	RuleExclaim   = "exclamation"
	RulePrice     = "ungrounded_price"
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
// zero value applies the default limits; a zero limit means its default.
type Guard struct {
	HeadlineMax int `mapstructure:"headline_max"` // columns; default 40
	BodyMax     int `mapstructure:"body_max"`     // columns; default 125
	CTAMax      int `mapstructure:"cta_max"`      // columns; default 20
}

// bannedEnglish are absolute claims no ad may make; matched case-insensitively as whole words
// (or literally, for the ones made of symbols).
var bannedEnglish = regexp.MustCompile(`(?i)\b(?:best|cheapest|guaranteed)\b|#1\b|\b100%`)

// bannedChinese are the absolute claims China's advertising law names; matched as substrings.
var bannedChinese = []string{"最", "第一", "最佳", "国家级"}

// Check returns every rule the creative breaks against the product it advertises; none means it
// may be published.
func (g Guard) Check(c schemas.Creative, p schemas.Product) []Violation {
	var vs []Violation
	fields := []struct {
		name, text string
		max        int
	}{
		{fieldHeadline, c.Headline, or(g.HeadlineMax, DefaultHeadlineMax)},
		{fieldBody, c.Body, or(g.BodyMax, DefaultBodyMax)},
		{fieldCTA, c.CTA, or(g.CTAMax, DefaultCTAMax)},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.text) == "" {
			vs = append(vs, Violation{RuleEmpty, f.name, "is empty"})
			continue
		}
		if w := Width(f.text); w > f.max {
			vs = append(vs, Violation{RuleLength, f.name, fmt.Sprintf("%d columns, limit %d", w, f.max)})
		}
		vs = append(vs, claims(f.name, f.text)...)
		for _, shown := range pricesIn(f.text) {
			if !samePrice(shown, p.Price) {
				vs = append(vs, Violation{RulePrice, f.name,
					fmt.Sprintf("shows %g, product price is %s", shown, FormatPrice(p.Price, p.Currency))})
			}
		}
	}
	if strings.ContainsAny(c.Headline, "!！") {
		vs = append(vs, Violation{RuleExclaim, fieldHeadline, "headline has an exclamation mark"})
	}
	return vs
}

// claims returns a violation for every banned absolute claim in text.
func claims(field, text string) []Violation {
	var vs []Violation
	for _, m := range bannedEnglish.FindAllString(text, -1) {
		vs = append(vs, Violation{RuleClaim, field, fmt.Sprintf("absolute claim %q", m)})
	}
	for _, w := range bannedChinese {
		if strings.Contains(text, w) {
			vs = append(vs, Violation{RuleClaim, field, fmt.Sprintf("absolute claim %q", w)})
		}
	}
	return vs
}

func or(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
