package creative

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// copyText is one field of copy read once for every rule: folded (see foldCopy), lower-cased,
// split into words, and the facts the rules test before running a regular expression (any
// Chinese, how many digits). Rules share it instead of folding and splitting the copy each.
type copyText struct {
	folded string
	lower  string   // strings.ToLower(folded)
	words  []string // the latinWord runs of folded, in order
	han    bool     // folded holds a Chinese character
	digits int      // ASCII digits in folded
	run    int      // the longest run of ASCII digits in folded
	gates  wordGate // the gates folded's ASCII words (see gateWordTable) and stems (gateStems) open
	spelt  int      // ASCII words of folded that spell a digit ("one", "oh" …)
}

// readCopy is copy as the rules read it.
func readCopy(raw string) *copyText {
	return readFolded(foldCopy(raw))
}

// readFolded is copy that is folded already (or is to be read as written).
func readFolded(folded string) *copyText {
	t := &copyText{folded: folded, lower: strings.ToLower(folded), words: wordsOf(folded)}
	t.han = hasHan(folded)
	t.digits, t.run = digitStats(folded)
	t.gates, t.spelt = gatesAndDigitWords(folded)
	t.gates |= gateStems.hits(t.lower)
	return t
}

// wordsOf returns the runs of s that latinWord matches, `[\p{L}\p{N}][\p{L}\p{N}'’-]*`,
// without a regular expression.
func wordsOf(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		letter := unicode.IsLetter(r) || unicode.IsNumber(r)
		switch {
		case start < 0 && letter:
			start = i
		case start >= 0 && !letter && r != '\'' && r != '’' && r != '-':
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// digitStats counts the ASCII digits of s and measures their longest run.
func digitStats(s string) (digits, longest int) {
	run := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			digits++
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return digits, longest
}

// asciiWords calls f with every run of ASCII word characters ([0-9A-Za-z_], what `\b` bounds)
// in s, lower-cased into a reused buffer and as written, until f returns false.
func asciiWords(s string, f func(lower []byte, written string) bool) {
	var buf [32]byte
	w := buf[:0]
	start, long := -1, false
	flush := func(end int) bool {
		ok := true
		if start >= 0 && !long {
			ok = f(w, s[start:end])
		}
		w, start, long = buf[:0], -1, false
		return ok
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_':
		default:
			if !flush(i) {
				return
			}
			continue
		}
		if start < 0 {
			start = i
		}
		if len(w) == cap(buf) {
			long = true // longer than any gate word
			continue
		}
		w = append(w, c)
	}
	flush(len(s))
}

// plainPrintable reports whether s is printable ASCII: valid UTF-8 with no control, format or
// hidden character, so the schema rule has nothing to find.
func plainPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func hasHan(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.IndexFunc(s[i:], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		}
	}
	return false
}
