package dataset

import (
	"strings"
	"unicode"
)

// minorWords stay lower-case inside a title.
var minorWords = map[string]bool{
	"a": true, "an": true, "and": true, "as": true, "at": true, "by": true, "for": true,
	"in": true, "of": true, "on": true, "or": true, "the": true, "to": true, "with": true,
}

// tidyTitle turns a warehouse description such as " PACK OF 72 RETROSPOT CAKE CASES " into a
// title an ad can quote, "Pack of 72 Retrospot Cake Cases": spaces collapsed, stray commas
// dropped, words title-cased. Words with digits ("60x40cm", "3D") are kept as written.
func tidyTitle(s string) string {
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), " ,", ",")
	if s == "" {
		return ""
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		words[i] = titleWord(w, i == 0)
	}
	return strings.TrimRight(strings.Join(words, " "), ",")
}

func titleWord(w string, first bool) string {
	if strings.ContainsFunc(w, unicode.IsDigit) {
		return w
	}
	lower := strings.ToLower(w)
	if !first && minorWords[lower] {
		return lower
	}
	return capitalize(lower)
}

// capitalize upper-cases each letter that starts a run of letters, so "t-light" becomes
// "T-Light"; an apostrophe does not start a run ("girl's" becomes "Girl's").
func capitalize(s string) string {
	out := []rune(s)
	prev := ' '
	for i, r := range out {
		if unicode.IsLetter(r) && !unicode.IsLetter(prev) && prev != '\'' {
			out[i] = unicode.ToUpper(r)
		}
		prev = r
	}
	return string(out)
}
