package creative

import "regexp"

// gated is a regular expression run only on text holding one of its stems (lower-case words
// or characters every match contains) or one of its gate words (whole ASCII words, as `\b`
// bounds them, one of which every match holds): most copy holds none, and a substring test or a
// word looked up once per copy costs a fraction of the expression.
type gated struct {
	stems   []string
	stemBit wordGate // the gate's bit in gateStems
	words   wordGate // the bit of the gate words, 0 for none
	re      *regexp.Regexp
}

// gate is re gated on stems, found by gateStems under bit.
func gate(re string, bit wordGate, stems ...string) gated {
	return gated{stems: stems, stemBit: bit, re: regexp.MustCompile(re)}
}

// gateWords is gate with the gate words of words (see gateWordTable) besides the stems.
func gateWords(re string, words, bit wordGate, stems ...string) gated {
	return gated{stems: stems, stemBit: bit, words: words, re: regexp.MustCompile(re)}
}

// open reports whether t may hold a match.
func (g gated) open(t *copyText) bool {
	return t.gates&(g.words|g.stemBit) != 0
}

// find returns the first match in t; "" when there is none.
func (g gated) find(t *copyText) string {
	if !g.open(t) {
		return ""
	}
	return g.re.FindString(t.folded)
}

// all returns every submatch in t.
func (g gated) all(t *copyText) [][]string {
	if !g.open(t) {
		return nil
	}
	return g.re.FindAllStringSubmatch(t.folded, -1)
}

// findString is find in text, whose lower-case form is lower.
func (g gated) findString(text, lower string) string {
	return g.find(&copyText{folded: text, lower: lower, gates: gatesOf(text) | gateStems.hits(lower)})
}

// wordGate is a set of gates, one bit each, that a copy's ASCII words open.
type wordGate uint32

const (
	gateGreeting wordGate = 1 << iota
	gateSpelledDigit
	gatePhoneWord
	gateHandle
	gateStreetKind // a street's kind as the street address expression writes it ("Road", "St")
	gateLink
)

// gateWordTable maps each gate word to the gates it opens. Each gated expression's words are
// the first word of each of its alternatives that start with a `\b`-bounded word (case folded
// as `(?i)` does).
var gateWordTable = func() map[string]wordGate {
	m := map[string]wordGate{}
	add := func(bit wordGate, words ...string) {
		for _, w := range words {
			m[w] |= bit
		}
	}
	add(gateGreeting, "hi", "hello", "hey", "dear", "welcome", "thanks", "thank", "congrats", "congratulations", "good", "happy", "yo")
	add(gateSpelledDigit, "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
	add(gatePhoneWord, "call", "text", "phone", "tel", "ring", "dial", "sms", "hotline", "whatsapp", "contact")
	add(gateHandle, "wechat", "weixin", "wx", "whatsapp", "telegram", "tg", "qq", "line", "kakao", "skype", "signal", "snapchat",
		"instagram", "insta", "ig", "tiktok", "twitter", "discord", "viber")
	add(gateLink, "http", "https", "ftp", "javascript", "vbscript", "mailto", "weixin", "data", "www")
	return m
}()

// streetKinds are the kinds of street streetAddress knows, written as it matches them (its
// first alternative is case-sensitive), each a whole word.
var streetKinds = map[string]bool{"Street": true, "St": true, "Road": true, "Rd": true, "Avenue": true, "Ave": true, "Lane": true,
	"Ln": true, "Boulevard": true, "Blvd": true, "Drive": true, "Dr": true, "Way": true, "Court": true, "Ct": true, "Place": true,
	"Pl": true, "Terrace": true, "Parkway": true, "Square": true, "Sq": true, "Close": true, "Crescent": true}

// gatesOf returns the gates the ASCII words of s open, and how many of them spell a digit.
func gatesOf(s string) wordGate {
	g, _ := gatesAndDigitWords(s)
	return g
}

func gatesAndDigitWords(s string) (wordGate, int) {
	var g wordGate
	n := 0
	asciiWords(s, func(w []byte, written string) bool {
		if streetKinds[written] {
			g |= gateStreetKind
		}
		if bit, ok := gateWordTable[string(w)]; ok {
			g |= bit
			if bit&gateSpelledDigit != 0 {
				n++
			}
		}
		return true
	})
	return g, n
}
