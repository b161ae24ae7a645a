package dataset

import (
	"strings"
	"unicode"
)

// acronyms stay upper-case in a title.
var acronyms = map[string]bool{
	"tv": true, "cd": true, "dvd": true, "led": true, "uk": true, "usa": true, "usb": true,
	"wc": true, "pc": true, "diy": true, "abc": true, "ok": true,
}

// properWords start with a capital inside a title: seasons, places, peoples and styles named
// after them.
var properWords = map[string]bool{
	"christmas": true, "xmas": true, "easter": true, "valentine": true, "valentine's": true,
	"halloween": true, "santa": true, "english": true, "french": true, "swiss": true,
	"scottish": true, "irish": true, "japanese": true, "chinese": true, "moroccan": true,
	"indian": true, "scandinavian": true, "london": true, "paris": true, "union": true,
	"jack": true, "regency": true, "victorian": true, "edwardian": true, "mr": true, "mrs": true,
	"st": true, "i": true,
}

// tidyTitle turns a warehouse description such as "WHITE HANGING HEART T-LIGHT HOLDER" into a
// title an ad can quote, "White hanging heart T-light holder": spaces collapsed, stray commas
// dropped, sentence case. Acronyms ("LED", "TV") stay upper-case, proper words ("Christmas",
// "Union Jack", "Regency") keep their capital, a lone letter before a hyphen is one ("T-light"),
// and words with digits keep their units and codes ("60x40cm", "3D", "50's", "Set/9").
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

// titleWord writes one word of a title, the first word capitalised.
func titleWord(w string, first bool) string {
	if strings.ContainsFunc(w, unicode.IsDigit) {
		return digitWord(w, first)
	}
	lower := strings.ToLower(w)
	bare := strings.Trim(lower, ",.;:!?\"()")
	switch {
	case acronyms[bare]:
		return strings.ToUpper(lower)
	case properWords[bare], first:
		return capitalize(lower)
	}
	return hyphenLetters(lower)
}

// digitWord writes a word with digits: runs of three letters or more are words ("SET/9" is
// "Set/9" first, "set/9" after), shorter ones units or codes kept as written ("3D", "60x40cm"),
// and a plural's 'S is 's ("50's").
func digitWord(w string, first bool) string {
	out := []rune(strings.Replace(w, "'S", "'s", 1))
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && unicode.IsLetter(out[j]) {
			j++
		}
		if j-i >= 3 {
			for k := i; k < j; k++ {
				out[k] = unicode.ToLower(out[k])
			}
			if first && i == 0 {
				out[0] = unicode.ToUpper(out[0])
			}
		}
		i = max(j, i+1)
	}
	return string(out)
}

// capitalize upper-cases the word's first letter, and a lone letter before a hyphen.
func capitalize(s string) string {
	out := []rune(hyphenLetters(s))
	for i, r := range out {
		if unicode.IsLetter(r) {
			out[i] = unicode.ToUpper(r)
			break
		}
	}
	return string(out)
}

// hyphenLetters upper-cases a lone letter before a hyphen: "t-light" becomes "T-light", as in
// "T-shirt".
func hyphenLetters(s string) string {
	out := []rune(s)
	for i := 0; i+1 < len(out); i++ {
		if out[i+1] == '-' && unicode.IsLetter(out[i]) && (i == 0 || !unicode.IsLetter(out[i-1])) {
			out[i] = unicode.ToUpper(out[i])
		}
	}
	return string(out)
}
