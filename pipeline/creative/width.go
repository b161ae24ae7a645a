package creative

import "golang.org/x/text/width"

// Width is the display width of s in columns, the unit placement limits are set in: East Asian
// wide and fullwidth characters (CJK ideographs, kana, hangul, fullwidth punctuation) count 2,
// every other character 1.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// truncate cuts s to at most cols columns, at a word boundary when there is one in the second
// half, and marks the cut with "…". It returns s unchanged when it fits.
func truncate(s string, cols int) string {
	if Width(s) <= cols {
		return s
	}
	if cols < 1 {
		return ""
	}
	budget := cols - 1 // room for the ellipsis
	used, cut, space := 0, 0, -1
	for i, r := range s {
		w := runeWidth(r)
		if used+w > budget {
			break
		}
		if r == ' ' {
			space = i
		}
		used += w
		cut = i + len(string(r))
	}
	if space > 0 && Width(s[:space]) >= budget/2 {
		cut = space
	}
	return trimRight(s[:cut]) + "…"
}

// trimRight drops trailing spaces and the punctuation that reads badly before an ellipsis.
func trimRight(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case ' ', ',', '-', '(', '&', '/', ':', ';', '.':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}
