package creative

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adshift/adshift/pipeline/catalog"
)

// brandSet finds the catalogue's brand names in copy, so the guard can hold a creative to the
// one brand its record names. A capitalised run of up to maxWords words is looked up; brands in
// Chinese are matched as substrings. Brands that are also everyday copy words ("Home",
// "Fresh") are left out: naming them is no claim about another maker. Immutable once built.
type brandSet struct {
	names    map[string]bool // lower-cased, single-spaced
	han      []string        // brands written with Chinese characters
	maxWords int
}

func newBrandSet(brands []string) *brandSet {
	s := &brandSet{names: make(map[string]bool)}
	for _, b := range brands {
		b = strings.Join(strings.Fields(catalog.NormName(b)), " ")
		if utf8.RuneCountInString(b) < 2 || copyWords[b] || stopWords[b] {
			continue
		}
		if hasHan(b) {
			s.han = append(s.han, b)
			continue
		}
		s.names[b] = true
		s.maxWords = max(s.maxWords, len(strings.Fields(b)))
	}
	return s
}

// in returns the brands text names, lower-cased.
func (s *brandSet) in(text string) []string {
	var out []string
	words := latinWord.FindAllString(text, -1)
	for i, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			continue
		}
		for n := min(s.maxWords, len(words)-i); n >= 1; n-- {
			cand := strings.ToLower(strings.Join(words[i:i+n], " "))
			if s.names[cand] {
				out = append(out, cand)
				break
			}
		}
	}
	for _, b := range s.han {
		if strings.Contains(text, b) {
			out = append(out, b)
		}
	}
	return out
}

// copyWords are the words of the template copy book: never taken for a brand.
var copyWords = func() map[string]bool {
	words := map[string]bool{}
	for _, arms := range copyBook {
		for _, structures := range arms {
			for _, s := range structures {
				for _, w := range latinWord.FindAllString(s.headline+" "+s.body+" "+s.cta, -1) {
					words[strings.ToLower(w)] = true
				}
			}
		}
	}
	return words
}()
