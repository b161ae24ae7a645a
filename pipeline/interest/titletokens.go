package interest

import (
	"strings"
	"unicode"
)

// titleWord is one word of a product title that can say what the product is: its key (lower
// case, plural folded to singular, so "bowls" and "bowl" are one word), the word as written
// (lower case), and its place in the title.
type titleWord struct {
	key, surface string
	pos          int
}

// plainWords say nothing about what a product is: grammar, packaging, sizes and colours. A
// colour names a variant, not an interest ("red retrospot" and "pink retrospot" belong together).
var plainWords = map[string]bool{
	"and": true, "the": true, "for": true, "with": true, "set": true, "sets": true, "pack": true,
	"assorted": true, "design": true, "small": true, "large": true, "mini": true,
	"medium": true, "big": true, "new": true, "red": true, "pink": true,
	"white": true, "blue": true, "green": true, "black": true, "ivory": true, "cream": true,
	"gold": true, "silver": true, "purple": true, "yellow": true, "orange": true, "brown": true,
	"grey": true, "pastel": true, "colour": true, "colours": true, "col": true, "asst": true, "asstd": true,
	"from": true, "your": true, "you": true, "our": true, "are": true, "this": true, "that": true,
	"not": true, "all": true, "one": true, "two": true, "three": true, "four": true, "six": true,
	"twelve": true, "pcs": true, "piece": true, "pieces": true, "sml": true, "lrg": true,
}

// titleWords splits title into its words of three letters or more that are not plain words.
func titleWords(title string) []titleWord {
	var out []titleWord
	pos := 0
	for raw := range strings.FieldsFuncSeq(strings.ToLower(title), func(r rune) bool { return !unicode.IsLetter(r) }) {
		pos++
		if len([]rune(raw)) < 3 || plainWords[raw] {
			continue
		}
		out = append(out, titleWord{key: singular(raw), surface: raw, pos: pos})
	}
	return out
}

// singular folds the common English plurals: "bowls" → "bowl", "boxes" → "box",
// "doilies" → "doily"; "glass" stays.
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}
