package schemas

import (
	"bytes"
	"strconv"
)

// parsePriceText reads a price written for people, when what it means is unambiguous: a
// currency sign or code before or after the number ("$19.99", "19,99 €", "USD 1,299.00"), a
// decimal comma ("19,99"), thousands grouped by ',', '.', ' ', '\” or a no-break space
// ("1.299,00", "1 299,50"). A lone ',' or '.' before exactly three digits could be either
// ("1,299"), and is rejected, unless the currency settles it: after '$', '£' or '¥' (or USD, GBP,
// JPY, CNY) a ',' groups thousands. Negative prices are rejected.
func parsePriceText(text []byte) (float64, bool) {
	num, commaGroups := stripCurrency(text)
	if len(num) == 0 || !isDigit(num[0]) || !isDigit(num[len(num)-1]) {
		return 0, false
	}
	var digits [64]byte
	out := digits[:0]
	decimal, ok := decimalSeparator(num, commaGroups)
	if !ok {
		return 0, false
	}
	group := -1 // digits in the current group; -1 before the first separator
	first := true
	for i := 0; i < len(num); i++ {
		c := num[i]
		switch {
		case isDigit(c):
			if len(out) == cap(out) {
				return 0, false
			}
			out = append(out, c)
			if group >= 0 {
				group++
			}
			continue
		case c == decimal:
			if group >= 0 && group != 3 {
				return 0, false
			}
			out = append(out, '.')
			if !allDigits(num[i+1:]) {
				return 0, false
			}
			out = append(out, num[i+1:]...)
			v, err := strconv.ParseFloat(string(out), 64)
			return v, err == nil
		}
		// A thousands separator: the first group has 1 to 3 digits, every other 3.
		if first && (len(out) == 0 || len(out) > 3) || !first && group != 3 {
			return 0, false
		}
		first, group = false, 0
	}
	if group >= 0 && group != 3 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(out), 64)
	return v, err == nil
}

// decimalSeparator finds which of ',' and '.' is num's decimal separator (0: none), or reports
// that num is ambiguous or not a number.
func decimalSeparator(num []byte, commaGroups bool) (byte, bool) {
	last, count := byte(0), 0
	kinds := 0
	var seen [4]bool
	for _, c := range num {
		var k int
		switch c {
		case ',':
			k = 0
		case '.':
			k = 1
		case ' ':
			k = 2
		case '\'':
			k = 3
		default:
			if !isDigit(c) {
				return 0, false
			}
			continue
		}
		if !seen[k] {
			seen[k] = true
			kinds++
		}
		if c == last {
			count++
		} else {
			last, count = c, 1
		}
	}
	if last != ',' && last != '.' {
		return 0, true // no separator, or only thousands separators
	}
	after := len(num) - 1 - bytes.LastIndexByte(num, last)
	switch {
	case kinds > 1:
		if count > 1 || bytes.Count(num, []byte{last}) > 1 {
			return 0, true // "1.299.000 ": thousands only, checked by the caller
		}
		return last, true // the other separators group thousands
	case bytes.Count(num, []byte{last}) > 1:
		return 0, true // "1,299,000": thousands
	case last == ',' && commaGroups:
		return 0, true
	case after == 3:
		return 0, false // "1,299": a thousand, or one and a bit?
	}
	return last, true
}

// stripCurrency returns text without spaces around it and a currency sign or code before or
// after the number, and whether that currency writes ',' between thousands.
func stripCurrency(text []byte) (num []byte, commaGroups bool) {
	num = trimPriceSpace(text)
	for _, cur := range currencyMarks {
		switch {
		case bytes.HasPrefix(num, []byte(cur.mark)):
			return normaliseSpaces(trimPriceSpace(num[len(cur.mark):])), cur.commaGroups
		case bytes.HasSuffix(num, []byte(cur.mark)):
			return normaliseSpaces(trimPriceSpace(num[:len(num)-len(cur.mark)])), cur.commaGroups
		}
	}
	return normaliseSpaces(num), false
}

// currencyMarks are the currency signs and codes a price may carry, longest first where one
// is the start of another.
var currencyMarks = []struct {
	mark        string
	commaGroups bool
}{
	{"US$", true}, {"USD", true}, {"GBP", true}, {"JPY", true}, {"CNY", true},
	{"EUR", false}, {"CHF", false}, {"RMB", true},
	{"$", true}, {"£", true}, {"¥", true}, {"€", false}, {"₹", false},
}

// noBreakSpaces are U+00A0 and U+202F, which French and other locales group thousands with.
var noBreakSpaces = [][]byte{[]byte("\u00a0"), []byte("\u202f")}

func trimPriceSpace(b []byte) []byte {
	for {
		t := trimSpace(b)
		for _, nb := range noBreakSpaces {
			t = bytes.TrimPrefix(bytes.TrimSuffix(t, nb), nb)
		}
		if len(t) == len(b) {
			return t
		}
		b = t
	}
}

// normaliseSpaces returns b with no-break spaces as ' ', copying only when it has one.
func normaliseSpaces(b []byte) []byte {
	if bytes.IndexByte(b, 0xc2) < 0 && bytes.IndexByte(b, 0xe2) < 0 {
		return b
	}
	for _, nb := range noBreakSpaces {
		b = bytes.ReplaceAll(b, nb, []byte(" "))
	}
	return b
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}
