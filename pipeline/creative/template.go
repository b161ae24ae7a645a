package creative

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/seed"
	"github.com/adshift/adshift/schemas"
)

// TemplatePromptVersion names the copy book in GeneratorInfo, so outcomes can be compared
// across revisions of it.
const TemplatePromptVersion = "template-v1"

// minName is the fewest columns a product name is cut to before a structure counts as too tight
// for it.
const minName = 12

// ErrNoCopy means no structure of the copy book fits the product within the Guard's rules.
var ErrNoCopy = errors.New("no template copy passes the guard")

// Template writes grounded copy with no model: a hand-written copy book per arm and locale,
// filled only with facts from the product record. Of an arm's structures it uses the one chosen
// by a hash of (user, product, arm), so a shopper sees varied but reproducible copy, and falls
// through to the next when a structure does not fit the product. Everything it returns passes its
// Guard. It is the offline default and the fallback of the LLM generator; it is safe for
// concurrent use.
type Template struct {
	guard Guard
}

var _ Generator = (*Template)(nil)

// NewTemplate returns a template generator whose copy fits guard's limits.
func NewTemplate(guard Guard) *Template {
	if guard.grounded == nil {
		guard.grounded = newGroundings()
	}
	return &Template{guard: guard}
}

// Guard is the guard everything the template writes passes.
func (t *Template) Guard() Guard { return t.guard }

// Generate writes the creative for req. Unknown arms are an error; unknown locales get English.
func (t *Template) Generate(_ context.Context, req Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	info := schemas.GeneratorInfo{Kind: schemas.GeneratorTemplate, PromptVersion: TemplatePromptVersion}
	locale := NormLocale(req.Locale)
	book := copyBook
	if !PriceKnown(req.Product) {
		book = priceFreeBook // a price of 0 is never shown: the copy names none
	}
	structures, ok := book[locale][req.Arm]
	if !ok {
		return schemas.Creative{}, info, fmt.Errorf("template: unknown arm %q", req.Arm)
	}
	// The copy is written from the record with every instruction to a model taken out, so the
	// template never copies one; the guard still judges it against the record as it came.
	record := t.guard.grounded.of(req.Product)
	p := record.sanitized
	named, leafs := t.guard.grounded.of(p).vetted()
	shopper := []string{req.Shift.User}
	start := int(seed.Hash(req.Shift.User, p.ID, req.Arm) % uint64(len(structures)))
	for name := range then(named, genericName[locale]) {
		for leaf := range then(leafs, genericLeaf[locale]) {
			facts := map[string]string{
				"{brand}": strings.TrimSpace(p.Brand),
				"{price}": FormatPrice(p.Price, p.Currency),
				"{leaf}":  leaf,
			}
			for k := range structures {
				s := structures[(start+k)%len(structures)]
				if strings.Contains(s.headline+s.body+s.cta, "{brand}") && !brandAddsToName(facts["{brand}"], name) {
					continue
				}
				c := schemas.Creative{
					Headline: fill(s.headline, name, facts, or(t.guard.HeadlineMax, DefaultHeadlineMax)),
					Body:     fill(s.body, name, facts, or(t.guard.BodyMax, DefaultBodyMax)),
					CTA:      fill(s.cta, name, facts, or(t.guard.CTAMax, DefaultCTAMax)),
					Locale:   locale,
				}
				if c.Headline == "" || c.Body == "" || c.CTA == "" {
					continue
				}
				if len(t.guard.verdict(c, record, shopper)) == 0 {
					return c, info, nil
				}
			}
		}
	}
	return schemas.Creative{}, info, fmt.Errorf("template %s/%s for product %s: %w", req.Arm, locale, p.ID, ErrNoCopy)
}

// PriceKnown reports whether p has a real price to show. A record without one (Taobao's items
// have none; the catalogue leaves Price 0 and Currency "") is advertised with copy that names no
// price, and the guard rejects any price in such copy.
func PriceKnown(p schemas.Product) bool {
	return p.Price > 0 && !math.IsNaN(p.Price) && !math.IsInf(p.Price, 0)
}

// brandAddsToName reports whether naming the brand beside name says something: not when there is
// no brand, nor when the name already holds it ("acer monitor from acer").
func brandAddsToName(brand, name string) bool {
	return brand != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(brand))
}

// leaves are the ways to name the product's category, most specific first: the leaf of its path,
// then the levels above it ("Gourmet Tea & Tea Bags", "Drinks & Beverages", …), each that breaks
// no rule once. A generic phrase follows them for categories with no readable name (a bare
// category id).
func leaves(gr *grounding) []string {
	p := gr.p
	path := catalog.Levels(strings.TrimSpace(p.Category))
	var out []string
	for i := len(path) - 1; i >= 0; i-- {
		l := catalog.Leaf(path[i])
		if l == "" || slices.Contains(out, l) || hasDigits(l) || len(textViolations("", l, gr)) > 0 {
			continue
		}
		out = append(out, l)
	}
	return out
}

func hasDigits(s string) bool { return strings.ContainsAny(s, "0123456789") }

// names are the ways to name the product, most specific first, each that breaks no rule: its
// title, its brand and category leaf, its leaf. A generic phrase follows them for records whose
// every field breaks a rule.
func names(gr *grounding) []string {
	p := gr.p
	candidates := []string{p.Title}
	if p.Brand != "" {
		candidates = append(candidates, p.Brand+" "+catalog.Leaf(p.Category))
	}
	candidates = append(candidates, catalog.Leaf(p.Category))
	var out []string
	for _, s := range candidates {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && !strings.ContainsAny(s, "!！") && len(textViolations("", s, gr)) == 0 {
			out = append(out, s)
		}
	}
	return out
}

// then yields list, then last.
func then(list []string, last string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, s := range list {
			if !yield(s) {
				return
			}
		}
		yield(last)
	}
}

// fill writes the facts into one field of a structure and cuts the name to the columns left
// within max. It returns "" when the field cannot hold at least minName columns of the name.
func fill(field, name string, facts map[string]string, max int) string {
	for k, v := range facts {
		field = strings.ReplaceAll(field, k, v)
	}
	n := strings.Count(field, "{name}")
	if n == 0 {
		return field
	}
	room := (max - Width(strings.ReplaceAll(field, "{name}", ""))) / n
	short := truncate(name, room)
	if short != name && Width(short) < minName {
		return ""
	}
	return strings.ReplaceAll(field, "{name}", short)
}

// NormLocale maps a shopper's locale to one the copy is written in: any Chinese locale to
// zh-CN, everything else to en.
func NormLocale(locale string) string {
	if l := strings.ToLower(locale); l == "zh" || strings.HasPrefix(l, "zh-") || strings.HasPrefix(l, "zh_") {
		return LocaleZH
	}
	return LocaleEN
}
