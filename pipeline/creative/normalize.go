package creative

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// foldCopy is copy as the word rules read it, so that spelling cannot hide a word from them:
// format characters (zero-width, soft hyphen, bidi controls) dropped, NFKC and width folding
// (full-width letters and digits become ASCII), Cyrillic and Greek look-alikes folded to Latin in
// words that would be Latin without them, spaced letters joined ("b e s t" -> "best"), spaces
// between Chinese characters dropped and the traditional forms of the claim and price words
// folded to simplified ones. Invalid UTF-8 is dropped here and rejected by the guard. The folded
// text is for matching only; what is published is the copy as written, which the guard rejects
// when it holds format characters or invalid UTF-8.
func foldCopy(s string) string {
	if plainASCII(s) {
		return joinSpacedLetters(s)
	}
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || isVariationSelector(r) {
			return -1
		}
		return r
	}, s)
	s = width.Fold.String(norm.NFKC.String(foldEllipsis(s)))
	s = stripLatinMarks(s)
	s = foldConfusables(s)
	s = strings.Map(func(r rune) rune {
		if t, ok := traditional[r]; ok {
			return t
		}
		return r
	}, s)
	return joinSpacedLetters(joinHan(s))
}

// foldEllipsis drops a single ellipsis (U+2026, how the template cuts a long title), which NFKC
// would turn into three dots and so into repeated punctuation; a doubled one ("……") stays
// repeated punctuation.
func foldEllipsis(s string) string {
	if !strings.Contains(s, "…") || strings.Contains(s, "……") {
		return s
	}
	return strings.ReplaceAll(s, "…", "")
}

// plainASCII reports whether s is printable ASCII, which folding leaves as it is but for spaced
// letters.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isVariationSelector(r rune) bool {
	return 0xFE00 <= r && r <= 0xFE0F || 0xE0100 <= r && r <= 0xE01EF
}

// hiddenCharacter returns the first format character in s (U+200B zero-width space, U+00AD soft
// hyphen, U+202E right-to-left override …), or -1; such characters have no place in an ad and
// are how words are hidden from the rules.
func hiddenCharacter(s string) rune {
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) || isVariationSelector(r) {
			return r
		}
	}
	return -1
}

// confusables maps the Cyrillic and Greek letters that look like Latin ones to those (after
// Unicode's confusables data, restricted to the letters that pass for Latin in a word).
var confusables = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c',
	'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ԁ': 'd', 'һ': 'h', 'ԛ': 'q',
	'ԝ': 'w', 'ɡ': 'g', 'ү': 'y', 'ӏ': 'l',
	'А': 'A', 'В': 'B', 'Е': 'E', 'Ё': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C',
	'Т': 'T', 'У': 'Y', 'Х': 'X', 'Ѕ': 'S', 'І': 'I', 'Ї': 'I', 'Ј': 'J', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ү': 'Y',
	'Ӏ': 'I',
	'α': 'a', 'ο': 'o', 'ν': 'v', 'ρ': 'p', 'ι': 'i', 'κ': 'k', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ε': 'e',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
}

// foldConfusables folds the look-alikes of every word whose letters are all Latin or
// look-alikes, with at least one of each kind or only look-alikes: "bеst" (Cyrillic е) becomes
// "best", while a Russian or Greek word keeps its letters.
func foldConfusables(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { _, ok := confusables[r]; return ok }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	start := -1
	flush := func(end int) {
		word := s[start:end]
		foldable := true
		for _, r := range word {
			if _, ok := confusables[r]; !ok && !unicode.Is(unicode.Latin, r) {
				foldable = false
				break
			}
		}
		if !foldable {
			b.WriteString(word)
			return
		}
		for _, r := range word {
			if l, ok := confusables[r]; ok {
				r = l
			}
			b.WriteRune(r)
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(i)
			start = -1
		}
		b.WriteRune(r)
	}
	if start >= 0 {
		flush(len(s))
	}
	return b.String()
}

// stripLatinMarks drops the accents of Latin letters ("bést" -> "best"), which only disguise a
// word from the English rules; other scripts keep their marks.
func stripLatinMarks(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0xC0 && r < 0x250 }) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevLatin := false
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) && prevLatin {
			continue
		}
		prevLatin = unicode.Is(unicode.Latin, r)
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// joinHan drops the spaces and separators between two Chinese characters ("最 佳", "顶·级"):
// Chinese is written without them, so they only split a word.
func joinHan(s string) string {
	if !hanSpaced(s) {
		return s
	}
	rs := []rune(s)
	out := rs[:0:0]
	for i, r := range rs {
		if hanSpacer(r) && len(out) > 0 && unicode.Is(unicode.Han, out[len(out)-1]) {
			j := i
			for j < len(rs) && hanSpacer(rs[j]) {
				j++
			}
			if j < len(rs) && unicode.Is(unicode.Han, rs[j]) {
				continue
			}
		}
		out = append(out, r)
	}
	return string(out)
}

// hanSpaced reports whether a run of spacers (see hanSpacer) sits between two Chinese
// characters in s, which joinHan drops.
func hanSpaced(s string) bool {
	afterHan, inRun := false, false // the character before the current run of spacers is Chinese
	for _, r := range s {
		switch {
		case hanSpacer(r):
			inRun = true
			continue
		case unicode.Is(unicode.Han, r):
			if inRun && afterHan {
				return true
			}
			afterHan = true
		default:
			afterHan = false
		}
		inRun = false
	}
	return false
}

// hanSpacer is what splits a Chinese word: spaces and the dots, stars and dashes put between
// its characters ("顶·级").
func hanSpacer(r rune) bool {
	return unicode.IsSpace(r) || r == '·' || r == '・' || r == '*' || r == '-' || r == '_' || r == '.' || r == '|' || r == '/'
}

// joinSpacedLetters joins four or more single letters or digits written apart by spaces, dots,
// dashes or underscores into one word, three when one is a digit: "b e s t", "F.R.E.E" and
// "N o 1" become "best", "FREE" and "No1", so a spaced word is judged as the word it spells, while
// sizes ("S M L") stay apart.
func joinSpacedLetters(s string) string {
	if !hasSpacedLetters(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); {
		if single(rs, i) {
			// Collect the run of single letters joined by one separator each.
			j, n := i, 1
			letters := []rune{rs[i]}
			for {
				k := j + 1
				for k < len(rs) && k-j <= 2 && isSpacer(rs[k]) {
					k++
				}
				if k == j+1 || k-j > 3 || k >= len(rs) || !single(rs, k) {
					break
				}
				j = k
				letters = append(letters, rs[k])
				n++
			}
			if n >= 4 || n == 3 && strings.ContainsFunc(string(letters), unicode.IsDigit) {
				b.WriteString(string(letters))
				i = j + 1
				continue
			}
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

// single reports whether rs[i] is a letter or digit standing alone between non-letters.
func single(rs []rune, i int) bool {
	if !isWordRune(rs[i]) || unicode.Is(unicode.Han, rs[i]) {
		return false
	}
	return (i == 0 || !isWordRune(rs[i-1])) && (i+1 == len(rs) || !isWordRune(rs[i+1]))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isSpacer(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '_' || r == '*' }

// hasSpacedLetters is the cheap test before joinSpacedLetters: a letter, a spacer, a letter, a
// spacer and a letter, each letter alone.
func hasSpacedLetters(s string) bool {
	run := 0
	prevWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		word := c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		switch {
		case word && prevWord:
			run = 0
		case word:
			run++
			if run >= 3 && (i+1 == len(s) || !isASCIIWord(s[i+1])) {
				return true
			}
		case !isSpacer(rune(c)):
			run = 0
		}
		prevWord = word
	}
	return false
}

func isASCIIWord(c byte) bool {
	return c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// traditional maps the traditional forms of the characters in claim, price and promotion words
// to the simplified ones the rules are written in.
var traditional = map[rune]rune{
	'頂': '顶', '級': '级', '國': '国', '證': '证', '獨': '独', '無': '无', '銷': '销', '遙': '遥', '領': '领',
	'網': '网', '絕': '绝', '對': '对', '極': '极', '選': '选', '萬': '万', '強': '强', '價': '价', '權': '权',
	'專': '专', '圓': '圆', '滿': '满', '敵': '敌', '優': '优', '費': '费', '運': '运', '郵': '邮', '賣': '卖',
	'買': '买', '號': '号', '馳': '驰', '導': '导', '險': '险', '實': '实', '現': '现', '時': '时', '間': '间',
	'後': '后', '發': '发', '體': '体', '際': '际', '塊': '块', '錢': '钱', '為': '为', '華': '华', '蘋': '苹',
	'創': '创', '紀': '纪', '錄': '录', '檔': '档', '產': '产', '僅': '仅', '雙': '双', '贈': '赠', '送': '送',
	'冠': '冠', '軍': '军', '譽': '誉', '統': '统', '經': '经', '濟': '济', '齊': '齐', '寶': '宝', '貴': '贵',
	'碼': '码', '電': '电', '話': '话', '會': '会', '員': '员', '讚': '赞', '贊': '赞', '兩': '两', '億': '亿',
}
