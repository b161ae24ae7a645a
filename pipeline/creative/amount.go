package creative

import (
	"strings"
	"unicode/utf8"
)

// amounts returns where the amounts in digits are in s, as
// amountLike.FindAllStringIndex(s, -1) would (`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`,
// leftmost first), without a regular expression.
func amounts(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !isDigit(s, i) {
			i++
			continue
		}
		j := digitsFrom(s, i)
		if j-i <= 3 && thousands(s, j) {
			for thousands(s, j) {
				j += 4
			}
		}
		if j < len(s) && s[j] == '.' && isDigit(s, j+1) {
			j = digitsFrom(s, j+1)
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

func isDigit(s string, i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }

// digitsFrom is the end of the run of digits at s[i:].
func digitsFrom(s string, i int) int {
	for isDigit(s, i) {
		i++
	}
	return i
}

// thousands reports whether s[i:] starts with a comma and three digits.
func thousands(s string, i int) bool {
	return i < len(s) && s[i] == ',' && isDigit(s, i+1) && isDigit(s, i+2) && isDigit(s, i+3)
}

// markerSuffixes are what markerBefore can match ending the copy before an amount, but for one
// space: its symbols and codes.
var markerSuffixes = []string{"$", "€", "£", "¥", "₹", "￥", "USD", "EUR", "GBP", "INR", "CNY", "RMB", "JPY", "CHF", "AUD",
	"CAD", "Rs", "Rs."}

// markerBeforeIn is markerBefore.FindStringSubmatch(before), run only when before ends in one of
// its markers (and at most one space).
func markerBeforeIn(before string) []string {
	if !endsInAny(before, markerSuffixes) && !(len(before) > 0 && isSpace(before[len(before)-1]) &&
		endsInAny(before[:len(before)-1], markerSuffixes)) {
		return nil
	}
	return markerBefore.FindStringSubmatch(markerTail(before))
}

// markerTail is the end of before that holds every match of markerBefore, and the character
// before the match that its `\b` reads: a match is at most four bytes ("US$ ", "€ ").
func markerTail(before string) string {
	i := max(0, len(before)-8)
	for i > 0 && !utf8.RuneStart(before[i]) {
		i--
	}
	return before[i:]
}

// priceWordSuffixes are the words priceWordBefore ends in, the last word of each.
var priceWordSuffixes = []string{"only", "just", "now", "was", "were", "price", "prices", "priced", "at", "cost", "costs",
	"pay", "save", "for", "from", "under", "售价", "价格", "价", "仅需", "仅售", "只要", "只需", "低至", "到手", "原价", "现价",
	"特价", "券后", "秒杀", "只卖", "仅", "才", "立省", "省", "立减", "减", "直降", "降"}

// priceWordEnds is priceWordBefore.MatchString(before), run only when before ends in one of its
// words before the spaces and colons the expression allows after it.
func priceWordEnds(before string) bool {
	if !endsInAny(strings.TrimRight(before, " \t\n\f\r:："), priceWordSuffixes) {
		return false
	}
	return priceWordBefore.MatchString(before)
}

// endsInAny reports whether s ends in one of suffixes, ignoring ASCII case.
func endsInAny(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if len(s) >= len(x) && strings.EqualFold(s[len(s)-len(x):], x) {
			return true
		}
	}
	return false
}

// isSpace reports whether c is what `\s` matches.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
