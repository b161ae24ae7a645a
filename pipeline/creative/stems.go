package creative

import (
	"strings"
	"unicode/utf8"
)

// stemIndex finds, in one pass over a text, which of many gates' stems it holds: the stems
// filed under their first character, each tried only where that character is. It answers
// exactly what a strings.Contains of every stem would. Immutable once built.
type stemIndex struct {
	ascii [utf8.RuneSelf][]stemOf
	other map[rune][]stemOf
}

type stemOf struct {
	stem string
	bit  wordGate
}

func newStemIndex(gates ...gated) *stemIndex {
	x := &stemIndex{other: map[rune][]stemOf{}}
	for _, g := range gates {
		if g.stemBit == 0 {
			panic("creative: a gate with no stem bit in the stem index")
		}
		for _, s := range g.stems {
			r, _ := utf8.DecodeRuneInString(s)
			if r < utf8.RuneSelf {
				x.ascii[r] = append(x.ascii[r], stemOf{s, g.stemBit})
			} else {
				x.other[r] = append(x.other[r], stemOf{s, g.stemBit})
			}
		}
	}
	return x
}

// hits returns the stem bits of the gates one of whose stems lower holds.
func (x *stemIndex) hits(lower string) wordGate {
	var g wordGate
	for i, r := range lower {
		var cands []stemOf
		if r < utf8.RuneSelf {
			cands = x.ascii[r]
		} else if len(x.other) > 0 {
			cands = x.other[r]
		}
		for _, c := range cands {
			if g&c.bit == 0 && strings.HasPrefix(lower[i:], c.stem) {
				g |= c.bit
			}
		}
	}
	return g
}

// Stem bits, one per gate with stems.
const (
	stemRefusal wordGate = 1 << (16 + iota)
	stemMetaTalk
	stemInstruction
	stemPhoneWord
	stemHandle
	stemNameFirst
	stemChineseName
	stemStreet
)

// gateStems indexes the stems of every gated expression of the guard.
var gateStems = newStemIndex(refusal, metaTalk, instruction, phoneWord, handle, nameFirst, chineseName, streetAddress)
