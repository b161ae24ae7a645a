package catalog

import (
	"strings"
	"unicode"

	"github.com/adshift/adshift/schemas"
)

// Taxonomy is the default Closeness: it compares category paths level by level. A path may be
// written with '.', '/', '>' or '|' between its levels ("Electronics/Audio/Headphones",
// "Electronics > Audio"), and a level's case, spacing, '&' and snake_case do not matter
// ("Hair Care" is "hair_care"). Closeness is the share of levels the interest and the product
// have in common from the root: shared / max(len(interest), len(product)), so a product of the
// interest's own category scores 1, one in a sibling leaf (n-1)/n, one sharing nothing 0. An
// interest of a single word names a level at any depth ("Games", "headphones"): it is read as
// the product's own path down to that level. A trailing plural "s" is ignored, so "headphones"
// is "headphone". Taxonomy is stateless and safe for concurrent use.
type Taxonomy struct{}

var _ Closeness = Taxonomy{}

// Closeness implements Closeness.
func (Taxonomy) Closeness(interest string, p *schemas.Product) float64 {
	return pathCloseness(PathLevels(interest), PathLevels(p.Category))
}

// pathCloseness is Taxonomy's closeness of two paths split into normalised levels.
func pathCloseness(interest, product []string) float64 {
	if len(interest) == 0 || len(product) == 0 {
		return 0
	}
	if len(interest) == 1 {
		for i, l := range product {
			if l == interest[0] {
				return float64(i+1) / float64(len(product))
			}
		}
		return 0
	}
	shared := 0
	for shared < len(interest) && shared < len(product) && interest[shared] == product[shared] {
		shared++
	}
	return float64(shared) / float64(max(len(interest), len(product)))
}

// PathLevels splits a category path written with any of the separators Taxonomy reads into its
// normalised levels, most general first: "Electronics / Audio > Headphones" -> electronics,
// audio, headphone. Empty levels are dropped.
func PathLevels(path string) []string {
	fields := strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '/' || r == '>' || r == '|' })
	out := fields[:0]
	for _, f := range fields {
		if l := normLevel(f); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// normLevel lower-cases a level and joins its words with '_', dropping '&' and other
// punctuation, and a plural "s" at the end of a word longer than three letters: "Beauty &
// Hygiene" -> "beauty_hygiene", "Headphones" -> "headphone".
func normLevel(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ':' })
	for i, w := range words {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, "_")
}
